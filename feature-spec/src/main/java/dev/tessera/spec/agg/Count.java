package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/** The number of events. */
public final class Count implements Aggregation {

    public static final Count INSTANCE = new Count();

    private static final int FORMAT = 1;

    private Count() {}

    @Override
    public String name() {
        return "count";
    }

    @Override
    public ValueType valueType(FieldType fieldType) {
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

    @Override
    public Accumulator decode(byte[] encoded) {
        Encoding.Reader in = new Encoding.Reader(encoded, FORMAT, name());
        Acc acc = new Acc();
        acc.count = in.readUnsigned();
        in.end();
        return acc;
    }

    @Override
    public String toString() {
        return name();
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private long count;

        @Override
        public void add(Object value, long eventTime) {
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

        @Override
        public byte[] encode() {
            return new Encoding.Writer(FORMAT).writeUnsigned(count).toByteArray();
        }
    }
}
