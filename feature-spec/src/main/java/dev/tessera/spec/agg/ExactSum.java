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
 * Infinities are flags.
 *
 * <p>Every finite double is an integer times a power of two, and so is every sum of them. While it
 * fits, the sum is held as a 128-bit integer times {@code 2^exponent}, the exponent being the
 * smallest of the numbers added (or 0): adding is a shift and two {@code long} additions, with no
 * allocation. That covers ordinary data (amounts with 52 fraction bits up to about 2^75). A sum
 * that would not fit moves for good to a {@link BigDecimal}, which holds every {@code long} and
 * every {@code double} exactly. Both forms are the same number with the same {@code BigDecimal}
 * scale (the largest of the numbers added), so the encoded form is the same whichever held it. A
 * decoded sum is in the {@code BigDecimal} form (a reader only rounds it); {@link #copy()} keeps
 * the form, so state copied while a checkpoint is taken stays fast.
 */
final class ExactSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int POSITIVE_INFINITY = 1;
    private static final int NEGATIVE_INFINITY = 2;

    /** {@code 5^s} for the scales a sum of doubles can have (up to 1074). */
    private static final BigInteger[] POWERS_OF_FIVE = new BigInteger[1075];

    /** The fast form: {@code (high:low) * 2^exponent}, two's complement, exponent <= 0. */
    private long high;

    private long low;
    private int exponent;

    /** The finite sum once it left the fast form, else null. */
    private BigDecimal finite;

    /** The infinities added, as {@link #POSITIVE_INFINITY} and {@link #NEGATIVE_INFINITY} bits. */
    private int infinities;

    /** Adds a {@code Long} or a non-NaN {@code Double} (see {@link Values#number}). */
    void add(Number number) {
        if (number instanceof Long l) {
            addTerm(l >> 63, l, 0);
            return;
        }
        double d = number.doubleValue();
        if (d == Double.POSITIVE_INFINITY) {
            infinities |= POSITIVE_INFINITY;
        } else if (d == Double.NEGATIVE_INFINITY) {
            infinities |= NEGATIVE_INFINITY;
        } else if (d != 0) {
            long bits = Double.doubleToRawLongBits(d);
            int biased = (int) (bits >>> 52) & 0x7ff;
            long mantissa = bits & 0xfffffffffffffL;
            int e;
            if (biased == 0) {
                e = -1074; // subnormal
            } else {
                mantissa |= 1L << 52;
                e = biased - 1075;
            }
            int zeros = Long.numberOfTrailingZeros(mantissa);
            mantissa >>= zeros;
            long term = bits < 0 ? -mantissa : mantissa;
            addTerm(term >> 63, term, e + zeros);
        }
    }

    void add(ExactSum other) {
        infinities |= other.infinities;
        if (other.finite == null) {
            addTerm(other.high, other.low, other.exponent);
        } else {
            leaveFastForm();
            finite = finite.add(other.finite);
        }
    }

    /** Adds {@code (termHigh:termLow) * 2^termExponent}, in the fast form while it fits. */
    private void addTerm(long termHigh, long termLow, int termExponent) {
        if (finite != null) {
            addOutsideFastForm(termHigh, termLow, termExponent);
            return;
        }
        if (high == 0 && low == 0 && termExponent < exponent) {
            exponent = termExponent; // zero at any exponent: the first term sets it
        }
        if (termExponent < exponent) {
            int shift = exponent - termExponent;
            if (shift >= signBits(high, low)) {
                addOutsideFastForm(termHigh, termLow, termExponent);
                return;
            }
            long shiftedHigh = shiftLeftHigh(high, low, shift);
            low = shiftLeftLow(low, shift);
            high = shiftedHigh;
            exponent = termExponent;
        }
        int shift = termExponent - exponent;
        if (shift >= signBits(termHigh, termLow)) {
            addOutsideFastForm(termHigh, termLow, termExponent);
            return;
        }
        long addHigh = shiftLeftHigh(termHigh, termLow, shift);
        long addLow = shiftLeftLow(termLow, shift);
        long sumLow = low + addLow;
        long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
        long sumHigh = high + addHigh;
        // Overflow of the high words, or of adding the carry to Long.MAX_VALUE; a sum that only
        // looks like an overflow this way also moves to the exact BigDecimal form, which is safe.
        boolean overflow =
                ((high ^ sumHigh) & (addHigh ^ sumHigh)) < 0
                        || (carry != 0 && sumHigh == Long.MAX_VALUE);
        if (overflow) {
            addOutsideFastForm(termHigh, termLow, termExponent);
            return;
        }
        low = sumLow;
        high = sumHigh + carry;
    }

    /** Adds a term outside the fast form, leaving it for good. */
    private void addOutsideFastForm(long termHigh, long termLow, int termExponent) {
        leaveFastForm();
        finite = finite.add(decimal(termHigh, termLow, termExponent));
    }

    /**
     * How far {@code (high:low)} shifts left without overflow, plus one: its leading bits equal to
     * its sign bit.
     */
    private static int signBits(long high, long low) {
        if (high == 0) {
            return 64 + Long.numberOfLeadingZeros(low);
        }
        if (high == -1) {
            return 64 + Long.numberOfLeadingZeros(~low);
        }
        return Long.numberOfLeadingZeros(high ^ (high >> 63));
    }

    /** The high word of {@code (high:low) << shift}, {@code 0 <= shift < 128}. */
    private static long shiftLeftHigh(long high, long low, int shift) {
        if (shift == 0) {
            return high;
        }
        return shift < 64 ? (high << shift) | (low >>> (64 - shift)) : low << (shift - 64);
    }

    /** The low word of {@code (high:low) << shift}: Java shifts a long by {@code shift % 64}. */
    private static long shiftLeftLow(long low, int shift) {
        return shift < 64 ? low << shift : 0;
    }

    private void leaveFastForm() {
        if (finite == null) {
            finite = decimal(high, low, exponent);
        }
    }

    private BigDecimal decimal() {
        return finite != null ? finite : decimal(high, low, exponent);
    }

    /**
     * {@code (high:low) * 2^exponent} as a {@code BigDecimal} of scale {@code -exponent}, or 0 for
     * a positive exponent: for a double with an odd mantissa, the scale {@code new BigDecimal}
     * gives it.
     */
    private static BigDecimal decimal(long high, long low, int exponent) {
        BigInteger value =
                high == (low >> 63)
                        ? BigInteger.valueOf(low)
                        : BigInteger.valueOf(high).shiftLeft(64).or(unsigned(low));
        if (exponent >= 0) {
            return new BigDecimal(value.shiftLeft(exponent));
        }
        return new BigDecimal(value.multiply(powerOfFive(-exponent)), -exponent);
    }

    private static BigInteger unsigned(long word) {
        BigInteger value = BigInteger.valueOf(word & Long.MAX_VALUE);
        return word < 0 ? value.setBit(63) : value;
    }

    private static BigInteger powerOfFive(int scale) {
        BigInteger power = POWERS_OF_FIVE[scale];
        if (power == null) {
            // A race computes the same immutable value twice, harmlessly.
            power = BigInteger.valueOf(5).pow(scale);
            POWERS_OF_FIVE[scale] = power;
        }
        return power;
    }

    /** An independent copy, in the same form. */
    ExactSum copy() {
        ExactSum copy = new ExactSum();
        copy.high = high;
        copy.low = low;
        copy.exponent = exponent;
        copy.finite = finite;
        copy.infinities = infinities;
        return copy;
    }

    /** The sum, rounded to the nearest double (0.0 for no numbers). */
    double value() {
        if (infinities != 0) {
            return infinity();
        }
        if (finite == null
                && high == (low >> 63)
                && low >= -(1L << 53)
                && low <= 1L << 53
                && exponent >= Double.MIN_EXPONENT) {
            // A long of at most 53 bits is a double exactly, and so is its product with a power
            // of two that keeps it normal.
            return Math.scalb((double) low, exponent);
        }
        return decimal().doubleValue();
    }

    /**
     * The sum divided by {@code count}: exact to 34 digits, then rounded to a double, so it depends
     * only on the numbers too.
     */
    double mean(long count) {
        return infinities != 0
                ? infinity()
                : decimal().divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
    }

    private double infinity() {
        return switch (infinities) {
            case POSITIVE_INFINITY -> Double.POSITIVE_INFINITY;
            case NEGATIVE_INFINITY -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN; // both: inf - inf
        };
    }

    void writeTo(Encoding.Writer out) {
        BigDecimal sum = decimal();
        out.writeByte(infinities)
                .writeSigned(sum.scale())
                .writeBytes(sum.unscaledValue().toByteArray());
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
