package dev.tessera.spec.agg;

/**
 * The value of the earliest or the latest event that has one: the state of {@code first} and {@code
 * last}. Among events of the same time, {@code first} keeps the smallest value and {@code last} the
 * largest, i.e. they keep the least or greatest {@link TimedValue}.
 */
final class FirstLastAccumulator implements Accumulator {

    private static final long serialVersionUID = 1L;

    private static final int FORMAT = 1;

    /** Whether this keeps the latest value ({@code last}) or the earliest ({@code first}). */
    private final boolean last;

    /** The value kept, or {@code null} before any. */
    private TimedValue kept;

    FirstLastAccumulator(boolean last) {
        this.last = last;
    }

    static FirstLastAccumulator decode(byte[] encoded, boolean last, String aggregation) {
        Encoding.Reader in = new Encoding.Reader(encoded, FORMAT, aggregation);
        FirstLastAccumulator acc = new FirstLastAccumulator(last);
        if (in.readBoolean()) {
            acc.offer(TimedValue.readFrom(in));
        }
        in.end();
        return acc;
    }

    @Override
    public void add(Object value, long eventTime) {
        if (value != null) {
            offer(new TimedValue(value, eventTime));
        }
    }

    @Override
    public void merge(Accumulator other) {
        FirstLastAccumulator o = (FirstLastAccumulator) other;
        if (o.last != last) {
            throw new IllegalArgumentException("cannot merge a first with a last");
        }
        if (o.kept != null) {
            offer(o.kept);
        }
    }

    private void offer(TimedValue candidate) {
        if (kept == null) {
            kept = candidate;
            return;
        }
        int order = candidate.compareTo(kept);
        if (last ? order > 0 : order < 0) {
            kept = candidate;
        }
    }

    @Override
    public Object result() {
        return kept == null ? null : kept.value();
    }

    @Override
    public byte[] encode() {
        Encoding.Writer out = new Encoding.Writer(FORMAT).writeBoolean(kept != null);
        if (kept != null) {
            kept.writeTo(out);
        }
        return out.toByteArray();
    }
}
