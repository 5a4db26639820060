package dev.tessera.spec.agg;

import java.io.Serializable;

/**
 * The mutable partial result of an {@link Aggregation}: values are added, partials merged, in any
 * order and grouping, with the same result (commutative and associative, deterministic ties).
 */
public interface Accumulator extends Serializable {

    /**
     * Folds in one event's value ({@code null} for aggregations that read no field, or when the
     * event lacks the field), at the event's time (used by {@code first}, {@code last} and {@code
     * last_n}).
     */
    void add(Object value, long eventTime);

    /** Folds in another partial of the same aggregation; {@code other} is not changed. */
    void merge(Accumulator other);

    /**
     * The feature value, of the aggregation's {@link dev.tessera.spec.model.ValueType}: a {@link
     * Long}, {@link Double}, {@link String}, {@link Boolean} or {@link java.util.List} of those;
     * {@code null} when there is no value (the average, minimum or first of nothing).
     */
    Object result();

    /**
     * A compact binary form, read back by {@link Aggregation#decode}: tiles are stored this way.
     */
    byte[] encode();
}
