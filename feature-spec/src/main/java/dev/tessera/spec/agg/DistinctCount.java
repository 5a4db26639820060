package dev.tessera.spec.agg;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;
import java.util.Arrays;

/**
 * The number of distinct values of a field (absent values are not counted).
 *
 * <p>Values are counted by their 64-bit hash ({@link Values#hash}). Up to {@value #EXACT_LIMIT}
 * distinct hashes are kept in a set, which counts exactly (up to hash collisions, about one in
 * 10^13 at that size). Past it the set becomes an UltraLogLog sketch of precision {@value
 * #PRECISION} (4 KiB, about 1.2% standard error) fed with the same hashes. Both a set union and a
 * sketch merge give the same state however the values are ordered and split, so even the estimate
 * does not depend on them.
 */
public final class DistinctCount extends SimpleAggregation {

    public static final DistinctCount INSTANCE = new DistinctCount();

    static final int EXACT_LIMIT = 1024;
    static final int PRECISION = 12;

    private static final int FORMAT = 1;
    private static final int EXACT = 0;
    private static final int SKETCH = 1;

    private DistinctCount() {
        super("distinct_count", ValueType.LONG, true, FORMAT);
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
        int mode = in.readByte();
        if (mode == EXACT) {
            for (int i = in.readCount(EXACT_LIMIT); i > 0; i--) {
                acc.addHash(in.readLong());
            }
        } else if (mode == SKETCH) {
            byte[] sketch = in.readBytes();
            if (sketch.length != 1 << PRECISION) {
                throw in.malformed("sketch of " + sketch.length + " bytes");
            }
            acc.hashes = null;
            acc.sketch = sketch;
        } else {
            throw in.malformed("mode " + mode);
        }
        return acc;
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        /** The distinct hashes, sorted, in {@code [0, size)}; {@code null} once a sketch. */
        private long[] hashes = new long[8];

        private int size;

        /** The UltraLogLog state once past {@link #EXACT_LIMIT}, else {@code null}. */
        private byte[] sketch;

        @Override
        public void add(Object value, long eventTime) {
            if (value != null) {
                addHash(Values.hash(value));
            }
        }

        @Override
        public void merge(Accumulator other) {
            Acc o = (Acc) other;
            if (o.sketch != null) {
                toSketch();
                UltraLogLog.wrap(sketch).add(UltraLogLog.wrap(o.sketch));
            } else {
                for (int i = 0; i < o.size; i++) {
                    addHash(o.hashes[i]);
                }
            }
        }

        private void addHash(long hash) {
            if (sketch != null) {
                UltraLogLog.wrap(sketch).add(hash);
                return;
            }
            int at = Arrays.binarySearch(hashes, 0, size, hash);
            if (at >= 0) {
                return;
            }
            if (size == EXACT_LIMIT) {
                toSketch();
                UltraLogLog.wrap(sketch).add(hash);
                return;
            }
            int insertAt = -at - 1;
            if (size == hashes.length) {
                hashes = Arrays.copyOf(hashes, Math.min(2 * size, EXACT_LIMIT));
            }
            System.arraycopy(hashes, insertAt, hashes, insertAt + 1, size - insertAt);
            hashes[insertAt] = hash;
            size++;
        }

        private void toSketch() {
            if (sketch != null) {
                return;
            }
            UltraLogLog ull = UltraLogLog.create(PRECISION);
            for (int i = 0; i < size; i++) {
                ull.add(hashes[i]);
            }
            sketch = ull.getState();
            hashes = null;
            size = 0;
        }

        @Override
        public Object result() {
            return sketch == null
                    ? (long) size
                    : Math.round(UltraLogLog.wrap(sketch).getDistinctCountEstimate());
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT);
            if (sketch != null) {
                return out.writeByte(SKETCH).writeBytes(sketch).toByteArray();
            }
            out.writeByte(EXACT).writeUnsigned(size);
            for (int i = 0; i < size; i++) {
                out.writeLong(hashes[i]);
            }
            return out.toByteArray();
        }
    }
}
