package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * A mergeable aggregation. The only implementation of each aggregation: the Flink job, the reader
 * (merging tiles) and the reference implementation all fold events through {@link
 * #newAccumulator()} and merge partials with {@link Accumulator#merge}.
 */
public interface Aggregation {

    /** The name as written in {@code features.yaml}, with its argument: {@code percentile(95)}. */
    String name();

    /**
     * The type of the result for a field of type {@code fieldType} ({@code null} for aggregations
     * that read no field).
     */
    ValueType valueType(FieldType fieldType);

    /**
     * The type of the value stored in Redis, when it differs from the served one ({@link #serve}).
     */
    default ValueType storedType(FieldType fieldType) {
        return valueType(fieldType);
    }

    /**
     * The value served at {@code now} (epoch millis) for a stored, non-null result: the result
     * itself, except for values that depend on the time of the request.
     */
    default Object serve(Object stored, long now) {
        return stored;
    }

    /**
     * Whether the aggregation reads an event field ({@code sum}) or only counts events ({@code
     * count}).
     */
    boolean needsField();

    /** Whether a field of this type can be aggregated. */
    boolean accepts(FieldType type);

    /** An empty partial result. */
    Accumulator newAccumulator();

    /** The accumulator {@link Accumulator#encode()} wrote. */
    Accumulator decode(byte[] encoded);

    /**
     * An independent copy of {@code accumulator}, one of this aggregation's: by default what its
     * encoding decodes to.
     */
    default Accumulator copy(Accumulator accumulator) {
        return decode(accumulator.encode());
    }
}
