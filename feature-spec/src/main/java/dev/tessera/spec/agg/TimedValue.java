package dev.tessera.spec.agg;

import java.io.Serializable;

/**
 * A field value at its event's time. Ordered by time, then by value ({@link Values#compare}): the
 * order {@code first}, {@code last} and {@code last_n} pick by, total so that events of the same
 * time are picked the same way whatever order they came in.
 */
record TimedValue(Object value, long time) implements Comparable<TimedValue>, Serializable {

    TimedValue {
        Values.tag(value); // rejects unsupported types now rather than when encoding
    }

    @Override
    public int compareTo(TimedValue other) {
        int byTime = Long.compare(time, other.time);
        return byTime != 0 ? byTime : Values.compare(value, other.value);
    }

    void writeTo(Encoding.Writer out) {
        out.writeSigned(time).writeValue(value);
    }

    static TimedValue readFrom(Encoding.Reader in) {
        long time = in.readSigned();
        return new TimedValue(in.readValue(), time);
    }
}
