package dev.tessera.spec.agg;

/**
 * The smallest or largest number seen, as a double: the state of {@code min} and {@code max}.
 * {@link Math#min} and {@link Math#max} are commutative and associative, also on -0.0 and 0.0.
 * Absent and NaN values are skipped.
 */
final class MinMaxAccumulator implements Accumulator {

    private static final long serialVersionUID = 1L;

    private static final int FORMAT = 1;

    /** Whether this keeps the largest number ({@code max}) or the smallest ({@code min}). */
    private final boolean max;

    private boolean empty = true;
    private double extreme;

    MinMaxAccumulator(boolean max) {
        this.max = max;
    }

    static MinMaxAccumulator decode(byte[] encoded, boolean max, String aggregation) {
        Encoding.Reader in = new Encoding.Reader(encoded, FORMAT, aggregation);
        MinMaxAccumulator acc = new MinMaxAccumulator(max);
        if (in.readBoolean()) {
            acc.offer(in.readDouble());
        }
        in.end();
        return acc;
    }

    @Override
    public void add(Object value, long eventTime) {
        Number number = Values.number(value);
        if (number != null) {
            offer(number.doubleValue());
        }
    }

    @Override
    public void merge(Accumulator other) {
        MinMaxAccumulator o = (MinMaxAccumulator) other;
        if (o.max != max) {
            throw new IllegalArgumentException("cannot merge a min with a max");
        }
        if (!o.empty) {
            offer(o.extreme);
        }
    }

    private void offer(double value) {
        extreme = empty ? value : max ? Math.max(extreme, value) : Math.min(extreme, value);
        empty = false;
    }

    @Override
    public Object result() {
        return empty ? null : extreme;
    }

    @Override
    public byte[] encode() {
        Encoding.Writer out = new Encoding.Writer(FORMAT).writeBoolean(!empty);
        if (!empty) {
            out.writeDouble(extreme);
        }
        return out.toByteArray();
    }
}
