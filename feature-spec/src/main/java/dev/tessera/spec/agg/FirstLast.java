package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * The value of the earliest ({@code first}) or latest ({@code last}) event that has the field;
 * among events of that time, the smallest (first) or largest (last) value. The first or last of
 * nothing is {@code null}.
 */
public final class FirstLast implements Aggregation {

    public static final FirstLast FIRST = new FirstLast(false);
    public static final FirstLast LAST = new FirstLast(true);

    private final boolean last;

    private FirstLast(boolean last) {
        this.last = last;
    }

    @Override
    public String name() {
        return last ? "last" : "first";
    }

    @Override
    public ValueType valueType(FieldType fieldType) {
        return ValueType.of(fieldType);
    }

    @Override
    public boolean needsField() {
        return true;
    }

    @Override
    public boolean accepts(FieldType type) {
        return true;
    }

    @Override
    public Accumulator newAccumulator() {
        return new FirstLastAccumulator(last);
    }

    @Override
    public Accumulator decode(byte[] encoded) {
        return FirstLastAccumulator.decode(encoded, last, name());
    }

    @Override
    public String toString() {
        return name();
    }
}
