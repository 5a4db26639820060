package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many events carry each value of a string field, as a map value to count (such as {@code
 * {"books": 3, "games": 1}}), ordered by value. Events without the field are not counted. Exact:
 * the map holds every distinct value, so use it on fields with few distinct values (categories,
 * kinds, countries).
 */
public final class CountBy extends SimpleAggregation {

    public static final CountBy INSTANCE = new CountBy();

    private static final int FORMAT = 1;

    private CountBy() {
        super("count_by", ValueType.MAP, true, FORMAT);
    }

    @Override
    public boolean accepts(FieldType type) {
        return type == FieldType.STRING;
    }

    @Override
    public Accumulator newAccumulator() {
        return new Acc();
    }

    @Override
    Accumulator read(Encoding.Reader in) {
        Acc acc = new Acc();
        for (int i = in.readCount(Integer.MAX_VALUE); i > 0; i--) {
            acc.counts.put(in.readString(), in.readUnsigned());
        }
        return acc;
    }

    static final class Acc implements Accumulator {
        private static final long serialVersionUID = 1L;

        private final TreeMap<String, Long> counts = new TreeMap<>();

        @Override
        public void add(Object value, long eventTime) {
            if (value != null) {
                counts.merge((String) value, 1L, Long::sum);
            }
        }

        @Override
        public void merge(Accumulator other) {
            ((Acc) other).counts.forEach((value, count) -> counts.merge(value, count, Long::sum));
        }

        @Override
        public Object result() {
            return new TreeMap<>(counts);
        }

        @Override
        public byte[] encode() {
            Encoding.Writer out = new Encoding.Writer(FORMAT).writeUnsigned(counts.size());
            for (Map.Entry<String, Long> entry : counts.entrySet()) {
                out.writeString(entry.getKey()).writeUnsigned(entry.getValue());
            }
            return out.toByteArray();
        }
    }
}
