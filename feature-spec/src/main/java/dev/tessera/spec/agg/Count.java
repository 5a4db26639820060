package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/** The number of events. */
public final class Count extends SimpleAggregation {

    public static final Count INSTANCE = new Count();

    private static final int FORMAT = 1;

    private Count() {
        super("count", ValueType.LONG, false, FORMAT);
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
    Accumulator read(Encoding.Reader in) {
        Acc acc = new Acc();
        acc.count = in.readUnsigned();
        return acc;
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
