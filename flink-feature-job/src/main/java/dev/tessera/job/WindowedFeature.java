package dev.tessera.job;

import dev.tessera.spec.agg.Aggregation;
import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.model.EventFilter;
import dev.tessera.spec.model.Feature;
import java.io.Serializable;
import java.util.Map;

/**
 * What an operator needs of one feature, in a form that ships to the task managers: {@link Feature}
 * and {@link Aggregation} are not serializable, so the aggregation travels by name (with its
 * argument, e.g. {@code percentile(95)}) and is resolved again where it runs.
 *
 * @param field the event field whose value is folded, or null when the feature names none (count)
 * @param where which events the feature folds
 */
record WindowedFeature(String name, String aggregation, String field, EventFilter where)
        implements Serializable {

    static WindowedFeature of(Feature feature) {
        return new WindowedFeature(
                feature.name(), feature.aggregation().name(), feature.field(), feature.where());
    }

    Aggregation resolveAggregation() {
        try {
            return Aggregations.parse(aggregation);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "unknown aggregation '" + aggregation + "' of feature '" + name + "'", e);
        }
    }

    /** Whether the feature folds an event with these fields. */
    boolean accepts(Map<String, Object> fields) {
        return where.test(fields);
    }

    /** The value the feature folds of an event: its field's value, or null. */
    Object valueOf(Map<String, Object> fields) {
        return field == null ? null : fields.get(field);
    }
}
