package dev.tessera.spec.agg;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * The field values aggregations hold ({@link String}, {@link Long}, {@link Double}, {@link
 * Boolean}; timestamps are {@code Long} epoch millis): their order, binary form and hash, defined
 * once so that every aggregation agrees on them.
 */
final class Values {

    // Type tags, in the order values of different types compare (a field has one type).
    static final int STRING = 0;
    static final int LONG = 1;
    static final int DOUBLE = 2;
    static final int FALSE = 3;
    static final int TRUE = 4;

    /** Komihash 5.0: fast, well mixed, and its output is specified, so it never changes. */
    private static final Hasher64 HASHER = Hashing.komihash5_0();

    private Values() {}

    /** The type tag of a value, or {@link IllegalArgumentException} for any other type. */
    static int tag(Object value) {
        if (value instanceof String) return STRING;
        if (value instanceof Long) return LONG;
        if (value instanceof Double) return DOUBLE;
        if (value instanceof Boolean b) return b ? TRUE : FALSE;
        throw new IllegalArgumentException(
                "unsupported field value "
                        + (value == null ? "null" : value.getClass().getName())
                        + ": expected String, Long, Double or Boolean");
    }

    /**
     * A total order: Strings lexicographically, numbers numerically ({@link Double#compare}, so NaN
     * and -0.0 have their place), false before true. It breaks ties between events of the same
     * time, so it must never call two different values equal.
     */
    static int compare(Object a, Object b) {
        int tagA = tag(a);
        int tagB = tag(b);
        if (tagA != tagB) {
            return Integer.compare(tagA, tagB);
        }
        return switch (tagA) {
            case STRING -> ((String) a).compareTo((String) b);
            case LONG -> Long.compare((Long) a, (Long) b);
            case DOUBLE -> Double.compare((Double) a, (Double) b);
            default -> 0; // booleans: equal tags are equal values
        };
    }

    /**
     * A 64-bit hash of the value, tagged with its type. Numbers are hashed by their bits rather
     * than their decimal text because {@link Double#toString} changed in JDK 19: the job and the
     * reader may run different JDKs, and their stored hashes must agree. -0.0 counts as 0.0.
     */
    static long hash(Object value) {
        int tag = tag(value);
        HashStream64 stream = HASHER.hashStream().putByte((byte) tag);
        switch (tag) {
            case STRING -> stream.putString((String) value);
            case LONG -> stream.putLong((Long) value);
            case DOUBLE -> stream.putLong(Double.doubleToLongBits((Double) value + 0.0));
            default -> {} // booleans: the tag is the value
        }
        return stream.getAsLong();
    }

    /**
     * The number a numeric aggregation folds in, or {@code null} to skip the event: the field is
     * absent, or NaN (not a number, so no sum, extreme or rank can take it into account).
     */
    static Number number(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Double d) {
            return d.isNaN() ? null : d;
        }
        throw new IllegalArgumentException(
                "not a number: " + value.getClass().getName() + " " + value);
    }
}
