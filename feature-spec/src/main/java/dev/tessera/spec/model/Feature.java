package dev.tessera.spec.model;

import dev.tessera.spec.agg.Aggregation;
import java.time.Duration;

/**
 * One declared feature: an aggregation of a stream's events over a window, for one entity.
 *
 * @param group the name of the feature group the feature belongs to
 * @param field the aggregated event field, or {@code null} for aggregations of events (count)
 * @param fieldType the type of {@code field}, or {@code null}
 * @param where which events count; {@link EventFilter#ALL} when the spec sets no filter
 * @param staleAfter a stored value whose event time is older than this is served as STALE
 */
public record Feature(
        String name,
        String group,
        Aggregation aggregation,
        String field,
        FieldType fieldType,
        Window window,
        EventFilter where,
        Duration staleAfter) {

    public ValueType valueType() {
        return aggregation.valueType(fieldType);
    }

    /** The type of the value stored in Redis (see {@link Aggregation#storedType}). */
    public ValueType storedType() {
        return aggregation.storedType(fieldType);
    }

    /** The value served at {@code now} for a stored result (see {@link Aggregation#serve}). */
    public Object serve(Object stored, long now) {
        return stored == null ? null : aggregation.serve(stored, now);
    }

    public boolean isRolling() {
        return window instanceof Window.Rolling;
    }
}
