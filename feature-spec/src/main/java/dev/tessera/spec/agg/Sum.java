package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/** The sum of a numeric field; events where it is absent add nothing. */
public final class Sum implements Aggregation {

    public static final Sum INSTANCE = new Sum();

    private Sum() {}

    @Override
    public String name() {
        return "sum";
    }

    @Override
    public ValueType valueType() {
        return ValueType.DOUBLE;
    }

    @Override
    public boolean needsField() {
        return true;
    }

    @Override
    public boolean accepts(FieldType type) {
        return type.isNumeric();
    }

    @Override
    public Accumulator newAccumulator() {
        return new Acc();
    }

    static final class Acc implements Accumulator {
        double sum;

        @Override
        public void add(Object value) {
            if (value != null) {
                sum += ((Number) value).doubleValue();
            }
        }

        @Override
        public void merge(Accumulator other) {
            sum += ((Acc) other).sum;
        }

        @Override
        public Object result() {
            return sum;
        }
    }
}
