package dev.tessera.spec.agg;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * The exact sum of numbers, rounded to a double only when read: the state of {@code sum} and {@code
 * avg}.
 *
 * <p>Floating-point addition is not associative, so a running double sum would depend on the order
 * of the events and on how they were split into tiles. The exact sum of the same numbers is one
 * number whatever the order, and rounding it once gives one double: the correctly rounded sum.
 * Finite values are summed in a {@link BigDecimal}, which holds every {@code long} and every {@code
 * double} exactly, so no addition rounds. It is the simplest exact method: sums of ordinary values
 * stay a few words long (the magnitude range of the inputs bounds its size), and its cost is
 * nothing next to the state access around each event. Infinities are flags, as {@code BigDecimal}
 * has none.
 */
final class ExactSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int POSITIVE_INFINITY = 1;
    private static final int NEGATIVE_INFINITY = 2;

    private BigDecimal finite = BigDecimal.ZERO;

    /** The infinities added, as {@link #POSITIVE_INFINITY} and {@link #NEGATIVE_INFINITY} bits. */
    private int infinities;

    /** Adds a {@code Long} or a non-NaN {@code Double} (see {@link Values#number}). */
    void add(Number number) {
        if (number instanceof Long l) {
            finite = finite.add(BigDecimal.valueOf(l));
        } else if (number.doubleValue() == Double.POSITIVE_INFINITY) {
            infinities |= POSITIVE_INFINITY;
        } else if (number.doubleValue() == Double.NEGATIVE_INFINITY) {
            infinities |= NEGATIVE_INFINITY;
        } else {
            finite = finite.add(new BigDecimal(number.doubleValue()));
        }
    }

    void add(ExactSum other) {
        finite = finite.add(other.finite);
        infinities |= other.infinities;
    }

    /** The sum, rounded to the nearest double (0.0 for no numbers). */
    double value() {
        return infinities != 0 ? infinity() : finite.doubleValue();
    }

    /**
     * The sum divided by {@code count}: exact to 34 digits, then rounded to a double, so it depends
     * only on the numbers too.
     */
    double mean(long count) {
        return infinities != 0
                ? infinity()
                : finite.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
    }

    private double infinity() {
        return switch (infinities) {
            case POSITIVE_INFINITY -> Double.POSITIVE_INFINITY;
            case NEGATIVE_INFINITY -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN; // both: inf - inf
        };
    }

    void writeTo(Encoding.Writer out) {
        out.writeByte(infinities)
                .writeSigned(finite.scale())
                .writeBytes(finite.unscaledValue().toByteArray());
    }

    static ExactSum readFrom(Encoding.Reader in) {
        ExactSum sum = new ExactSum();
        sum.infinities = in.readByte();
        if ((sum.infinities & ~(POSITIVE_INFINITY | NEGATIVE_INFINITY)) != 0) {
            throw in.malformed("infinity flags " + sum.infinities);
        }
        long scale = in.readSigned();
        byte[] unscaled = in.readBytes();
        if (scale != (int) scale || unscaled.length == 0) {
            throw in.malformed("exact sum");
        }
        sum.finite = new BigDecimal(new BigInteger(unscaled), (int) scale);
        return sum;
    }
}
