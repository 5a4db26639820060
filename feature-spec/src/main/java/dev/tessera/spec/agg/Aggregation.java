package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * A mergeable aggregation. The only implementation of each aggregation: the Flink job, the reader
 * and the reference implementation all fold events through {@link #newAccumulator()}.
 */
public interface Aggregation {

    /** The name used in {@code features.yaml}. */
    String name();

    ValueType valueType();

    /**
     * Whether the aggregation reads an event field ({@code sum}) or only counts events ({@code
     * count}).
     */
    boolean needsField();

    /** Whether a field of this type can be aggregated. */
    boolean accepts(FieldType type);

    Accumulator newAccumulator();
}
