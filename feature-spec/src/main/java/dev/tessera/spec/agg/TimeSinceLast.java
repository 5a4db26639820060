package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * Seconds from the newest event to the moment of the request. What is stored is the newest event
 * time (epoch millis, {@link #storedType}); the reader turns it into seconds as it serves it
 * ({@link #serve}), so the value is right at any time without an update per second.
 */
public final class TimeSinceLast extends SimpleAggregation {

    public static final TimeSinceLast INSTANCE = new TimeSinceLast();

    private static final int FORMAT = 1;

    private TimeSinceLast() {
        super("time_since_last", ValueType.DOUBLE, false, FORMAT);
    }

    @Override
    public ValueType storedType(FieldType fieldType) {
        return ValueType.LONG;
    }

    @Override
    public Object serve(Object stored, long now) {
        // Not negative for events stamped ahead of the reader's clock.
        return Math.max(0, now - (Long) stored) / 1000.0;
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
        acc.newest = in.readBoolean() ? in.readLong() : null;
        return acc;
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private Long newest;

        @Override
        public void add(Object value, long eventTime) {
            newest = newest == null ? eventTime : Math.max(newest, eventTime);
        }

        @Override
        public void merge(Accumulator other) {
            Long theirs = ((Acc) other).newest;
            if (theirs != null) {
                add(null, theirs);
            }
        }

        @Override
        public Object result() {
            return newest;
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT).writeBoolean(newest != null);
            if (newest != null) {
                out.writeLong(newest);
            }
            return out.toByteArray();
        }
    }
}
