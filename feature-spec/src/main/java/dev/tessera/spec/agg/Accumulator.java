package dev.tessera.spec.agg;

import java.io.Serializable;

/** The mutable partial result of an {@link Aggregation}: values are added, partials merged. */
public interface Accumulator extends Serializable {

    /** Folds in one event's value ({@code null} for aggregations that read no field). */
    void add(Object value);

    /** Folds in another partial of the same aggregation. */
    void merge(Accumulator other);

    /** The feature value, of the aggregation's {@link dev.tessera.spec.model.ValueType}. */
    Object result();
}
