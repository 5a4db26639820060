package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * The sum of a numeric field, exact then rounded once (see {@link ExactSum}), so it is the same
 * however events are ordered and split. Events where the field is absent or NaN add nothing; the
 * sum of nothing is 0.0.
 */
public final class Sum extends SimpleAggregation {

    public static final Sum INSTANCE = new Sum();

    private static final int FORMAT = 1;

    private Sum() {
        super("sum", ValueType.DOUBLE, true, FORMAT);
    }

    @Override
    public boolean accepts(FieldType type) {
        return type.isNumeric();
    }

    @Override
    public Accumulator newAccumulator() {
        return new Acc(new ExactSum());
    }

    /**
     * A copy in the form the sum is held in, which a decoded one would not keep (see {@link
     * ExactSum}).
     */
    @Override
    public Accumulator copy(Accumulator accumulator) {
        return new Acc(((Acc) accumulator).sum.copy());
    }

    @Override
    Accumulator read(Encoding.Reader in) {
        Acc acc = new Acc(ExactSum.readFrom(in));
        return acc;
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private final ExactSum sum;

        private Acc(ExactSum sum) {
            this.sum = sum;
        }

        @Override
        public void add(Object value, long eventTime) {
            Number number = Values.number(value);
            if (number != null) {
                sum.add(number);
            }
        }

        @Override
        public void merge(Accumulator other) {
            sum.add(((Acc) other).sum);
        }

        @Override
        public Object result() {
            return sum.value();
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT);
            sum.writeTo(out);
            return out.toByteArray();
        }
    }
}
