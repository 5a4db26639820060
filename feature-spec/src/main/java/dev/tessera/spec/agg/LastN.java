package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;
import java.util.ArrayList;
import java.util.Collections;

/**
 * The {@code n} most recent values of a field, newest first; among events of the same time, the
 * larger value first (the greatest {@link TimedValue}s). Events without the field are skipped;
 * duplicated events count twice. Of nothing, the empty list.
 */
public final class LastN implements Aggregation {

    public static final int MAX_N = 1000;

    private static final int FORMAT = 1;

    private final int n;

    /** {@code last_n(n)}, or {@link IllegalArgumentException} unless 1 <= n <= {@value MAX_N}. */
    public LastN(int n) {
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("last_n(n) needs 1 <= n <= " + MAX_N + ", not " + n);
        }
        this.n = n;
    }

    public int n() {
        return n;
    }

    @Override
    public String name() {
        return "last_n(" + n + ")";
    }

    @Override
    public ValueType valueType(FieldType fieldType) {
        return ValueType.LIST;
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
        return new Acc(n);
    }

    @Override
    public Accumulator decode(byte[] encoded) {
        Encoding.Reader in = new Encoding.Reader(encoded, FORMAT, name());
        Acc acc = new Acc(n);
        for (int i = in.readCount(n); i > 0; i--) {
            acc.offer(TimedValue.readFrom(in));
        }
        in.end();
        return acc;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LastN other && other.n == n;
    }

    @Override
    public int hashCode() {
        return n;
    }

    @Override
    public String toString() {
        return name();
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private final int n;

        /** At most {@link #n} values, greatest first. */
        private final ArrayList<TimedValue> newestFirst = new ArrayList<>();

        private Acc(int n) {
            this.n = n;
        }

        @Override
        public void add(Object value, long eventTime) {
            if (value != null) {
                offer(new TimedValue(value, eventTime));
            }
        }

        @Override
        public void merge(Accumulator other) {
            Acc o = (Acc) other;
            if (o.n != n) {
                throw new IllegalArgumentException(
                        "cannot merge last_n(" + o.n + ") into last_n(" + n + ")");
            }
            o.newestFirst.forEach(this::offer);
        }

        /** Inserts the value in order, unless {@link #n} greater ones are already kept. */
        private void offer(TimedValue candidate) {
            int at = Collections.binarySearch(newestFirst, candidate, Collections.reverseOrder());
            int insertAt = at >= 0 ? at : -at - 1;
            if (insertAt < n) {
                newestFirst.add(insertAt, candidate);
                if (newestFirst.size() > n) {
                    newestFirst.remove(n);
                }
            }
        }

        @Override
        public Object result() {
            return newestFirst.stream().map(TimedValue::value).toList();
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT).writeUnsigned(newestFirst.size());
            newestFirst.forEach(value -> value.writeTo(out));
            return out.toByteArray();
        }
    }
}
