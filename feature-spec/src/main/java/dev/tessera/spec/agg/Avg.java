package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * The mean of a numeric field over the events that have it (absent and NaN values are skipped),
 * from an exact sum (see {@link ExactSum}), so it is the same however events are ordered and split.
 * The mean of nothing is {@code null}.
 */
public final class Avg extends SimpleAggregation {

    public static final Avg INSTANCE = new Avg();

    private static final int FORMAT = 1;

    private Avg() {
        super("avg", ValueType.DOUBLE, true, FORMAT);
    }

    @Override
    public boolean accepts(FieldType type) {
        return type.isNumeric();
    }

    @Override
    public Accumulator newAccumulator() {
        return new Acc(new ExactSum(), 0);
    }

    /**
     * A copy in the form the sum is held in, which a decoded one would not keep (see {@link
     * ExactSum}).
     */
    @Override
    public Accumulator copy(Accumulator accumulator) {
        Acc acc = (Acc) accumulator;
        return new Acc(acc.sum.copy(), acc.count);
    }

    @Override
    Accumulator read(Encoding.Reader in) {
        long count = in.readUnsigned();
        Acc acc = new Acc(ExactSum.readFrom(in), count);
        return acc;
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private final ExactSum sum;
        private long count;

        private Acc(ExactSum sum, long count) {
            this.sum = sum;
            this.count = count;
        }

        @Override
        public void add(Object value, long eventTime) {
            Number number = Values.number(value);
            if (number != null) {
                sum.add(number);
                count++;
            }
        }

        @Override
        public void merge(Accumulator other) {
            Acc o = (Acc) other;
            sum.add(o.sum);
            count += o.count;
        }

        @Override
        public Object result() {
            return count == 0 ? null : sum.mean(count);
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT).writeUnsigned(count);
            sum.writeTo(out);
            return out.toByteArray();
        }
    }
}
