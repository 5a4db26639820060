package dev.tessera.spec.agg;

import com.tdunning.math.stats.MergingDigest;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@code p}-th percentile of a numeric field, {@code 0 < p <= 100}, among its finite values:
 * absent, NaN and infinite values are skipped (infinities would turn the t-digest's weighted means
 * into NaN). The percentile of nothing is {@code null}.
 *
 * <p>Up to {@value #EXACT_LIMIT} values it is exact and independent of order and splitting: the
 * nearest-rank percentile, the value at index {@code ceil(p/100 * n) - 1} of the sorted values,
 * computed in decimal so that {@code percentile(99.9)} of 1000 values is the 999th, not the 1000th
 * through a rounding of 0.999. Past that the values go into a t-digest (compression {@value
 * #COMPRESSION}), whose estimate is approximate and depends somewhat on the order it was fed. Its
 * centroids are weighted means, which overflow for values of opposite signs beyond about ±1e307.
 */
public final class Percentile implements Aggregation {

    static final int EXACT_LIMIT = 2048;
    static final double COMPRESSION = 100;

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final int FORMAT = 1;
    private static final int EXACT = 0;
    private static final int DIGEST = 1;

    private final BigDecimal percent;

    /** {@code percentile(percent)}, or {@link IllegalArgumentException} unless 0 < p <= 100. */
    public Percentile(BigDecimal percent) {
        if (percent.signum() <= 0 || percent.compareTo(HUNDRED) > 0) {
            throw new IllegalArgumentException(
                    "percentile(p) needs 0 < p <= 100, not " + percent.toPlainString());
        }
        this.percent = percent.stripTrailingZeros();
    }

    public BigDecimal percent() {
        return percent;
    }

    @Override
    public String name() {
        return "percentile(" + percent.toPlainString() + ")";
    }

    @Override
    public ValueType valueType(FieldType fieldType) {
        return ValueType.DOUBLE;
    }

    @Override
    public boolean needsField() {
        return true;
    }

    @Override
    public boolean accepts(FieldType type) {
        return type.isNumeric();
    }

    @Override
    public Accumulator newAccumulator() {
        return new Acc(percent);
    }

    @Override
    public Accumulator decode(byte[] encoded) {
        Encoding.Reader in = new Encoding.Reader(encoded, FORMAT, name());
        Acc acc = new Acc(percent);
        int mode = in.readByte();
        if (mode == EXACT) {
            for (int i = in.readCount(EXACT_LIMIT); i > 0; i--) {
                acc.addNumber(in.readDouble());
            }
        } else if (mode == DIGEST) {
            try {
                acc.digest = MergingDigest.fromBytes(ByteBuffer.wrap(in.readBytes()));
            } catch (RuntimeException e) {
                throw in.malformed("t-digest: " + e);
            }
            acc.values = null;
        } else {
            throw in.malformed("mode " + mode);
        }
        in.end();
        return acc;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Percentile other && other.percent.equals(percent);
    }

    @Override
    public int hashCode() {
        return percent.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private final BigDecimal percent;

        /** The values, in {@code [0, size)}, in the order added; {@code null} once a digest. */
        private double[] values = new double[8];

        private int size;

        /** The t-digest once past {@link #EXACT_LIMIT} values, else {@code null}. */
        private MergingDigest digest;

        private Acc(BigDecimal percent) {
            this.percent = percent;
        }

        @Override
        public void add(Object value, long eventTime) {
            Number number = Values.number(value);
            if (number != null && Double.isFinite(number.doubleValue())) {
                addNumber(number.doubleValue());
            }
        }

        @Override
        public void merge(Accumulator other) {
            Acc o = (Acc) other;
            if (o.digest != null) {
                toDigest();
                // This compresses the other digest, which changes no answer of it: see result().
                digest.add(o.digest);
            } else {
                for (int i = 0; i < o.size; i++) {
                    addNumber(o.values[i]);
                }
            }
        }

        private void addNumber(double value) {
            if (digest == null && size == EXACT_LIMIT) {
                toDigest();
            }
            if (digest != null) {
                digest.add(value);
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.min(2 * size, EXACT_LIMIT));
            }
            values[size++] = value;
        }

        private void toDigest() {
            if (digest != null) {
                return;
            }
            digest = new MergingDigest(COMPRESSION);
            for (int i = 0; i < size; i++) {
                digest.add(values[i]);
            }
            values = null;
            size = 0;
        }

        @Override
        public Object result() {
            if (digest != null) {
                // Encoding the digest and merging it into another first compress it, and a
                // compressed digest answers differently from the same digest uncompressed: the
                // estimate is read from the compressed form, so that storing or merging a partial
                // never changes what it answers.
                digest.compress();
                return digest.quantile(percent.doubleValue() / 100);
            }
            if (size == 0) {
                return null;
            }
            double[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int rank =
                    BigDecimal.valueOf(size)
                            .multiply(percent)
                            .divide(HUNDRED, 0, RoundingMode.CEILING)
                            .intValueExact();
            return sorted[rank - 1];
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT);
            if (digest != null) {
                // The verbose form: the small one stores centroid means as floats, which keep
                // only about 7 significant digits.
                ByteBuffer bytes = ByteBuffer.allocate(digest.byteSize());
                digest.asBytes(bytes);
                return out.writeByte(DIGEST).writeBytes(bytes.array()).toByteArray();
            }
            out.writeByte(EXACT).writeUnsigned(size);
            for (int i = 0; i < size; i++) {
                out.writeDouble(values[i]);
            }
            return out.toByteArray();
        }
    }
}
