package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/** The number of events. */
public final class Count implements Aggregation {

    public static final Count INSTANCE = new Count();

    private Count() {}

    @Override
    public String name() {
        return "count";
    }

    @Override
    public ValueType valueType() {
        return ValueType.LONG;
    }

    @Override
    public boolean needsField() {
        return false;
    }

    @Override
    public boolean accepts(FieldType type) {
        return true;
    }

    @Override
    public Accumulator newAccumulator() {
        return new Acc();
    }

    static final class Acc implements Accumulator {
        long count;

        @Override
        public void add(Object value) {
            count++;
        }

        @Override
        public void merge(Accumulator other) {
            count += ((Acc) other).count;
        }

        @Override
        public Object result() {
            return count;
        }
    }
}
