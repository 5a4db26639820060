package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * The smallest ({@code min}) or largest ({@code max}) value of a numeric or timestamp field, as a
 * double; absent and NaN values are skipped. The min or max of nothing is {@code null}.
 */
public final class MinMax implements Aggregation {

    public static final MinMax MIN = new MinMax(false);
    public static final MinMax MAX = new MinMax(true);

    private final boolean max;

    private MinMax(boolean max) {
        this.max = max;
    }

    @Override
    public String name() {
        return max ? "max" : "min";
    }

    @Override
    public ValueType valueType(FieldType fieldType) {
        return ValueType.DOUBLE;
    }

    @Override
    public boolean needsField() {
        return true;
    }

    @Override
    public boolean accepts(FieldType type) {
        return type.isNumeric() || type == FieldType.TIMESTAMP;
    }

    @Override
    public Accumulator newAccumulator() {
        return new MinMaxAccumulator(max);
    }

    @Override
    public Accumulator decode(byte[] encoded) {
        return MinMaxAccumulator.decode(encoded, max, name());
    }

    @Override
    public String toString() {
        return name();
    }
}
