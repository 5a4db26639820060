package dev.tessera.job;

import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.model.EventFilter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes {@link Partial}s of one {@link FeatureSet} for Flink state through feature-spec's
 * accumulator encoding ({@code Accumulator.encode} / {@code Aggregation.decode}), not Kryo.
 *
 * <p>The format names each accumulator: {@code int n, n x (UTF feature, UTF aggregation, int
 * length, bytes), long events, long newestEventTime, boolean dirty}. Reading keeps the accumulators
 * of features that still exist with the same aggregation, starts the features added since empty,
 * and drops the removed ones, so adding or removing a feature of an operator keeps the state of the
 * others across a savepoint.
 */
final class PartialSerializer extends TypeSerializer<Partial> {

    private static final long serialVersionUID = 1L;

    private final FeatureSet features;

    PartialSerializer(FeatureSet features) {
        this.features = features;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<Partial> duplicate() {
        // Aggregations are stateless; the lazily resolved ones may be shared between threads.
        return this;
    }

    @Override
    public Partial createInstance() {
        return features.newPartial();
    }

    @Override
    public Partial copy(Partial from) {
        features.conform(from);
        Accumulator[] accumulators = new Accumulator[features.size()];
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i] = features.aggregation(i).copy(from.accumulators[i]);
        }
        Partial copy = new Partial(accumulators, features);
        copy.events = from.events;
        copy.newestEventTime = from.newestEventTime;
        copy.dirty = from.dirty;
        return copy;
    }

    @Override
    public Partial copy(Partial from, Partial reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Partial partial, DataOutputView target) throws IOException {
        features.conform(partial);
        target.writeInt(features.size());
        for (int i = 0; i < features.size(); i++) {
            target.writeUTF(features.features().get(i).name());
            target.writeUTF(features.features().get(i).aggregation());
            byte[] encoded = partial.accumulators[i].encode();
            target.writeInt(encoded.length);
            target.write(encoded);
        }
        target.writeLong(partial.events);
        target.writeLong(partial.newestEventTime);
        target.writeBoolean(partial.dirty);
    }

    @Override
    public Partial deserialize(DataInputView source) throws IOException {
        Partial partial = features.newPartial();
        int n = source.readInt();
        for (int k = 0; k < n; k++) {
            String feature = source.readUTF();
            String aggregationName = source.readUTF();
            byte[] encoded = new byte[source.readInt()];
            source.readFully(encoded);
            int i = features.indexOf(feature);
            if (i >= 0 && features.features().get(i).aggregation().equals(aggregationName)) {
                partial.accumulators[i] = features.aggregation(i).decode(encoded);
            }
        }
        partial.events = source.readLong();
        partial.newestEventTime = source.readLong();
        partial.dirty = source.readBoolean();
        return partial;
    }

    @Override
    public Partial deserialize(Partial reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int n = source.readInt();
        target.writeInt(n);
        for (int k = 0; k < n; k++) {
            target.writeUTF(source.readUTF());
            target.writeUTF(source.readUTF());
            byte[] encoded = new byte[source.readInt()];
            source.readFully(encoded);
            target.writeInt(encoded.length);
            target.write(encoded);
        }
        target.writeLong(source.readLong());
        target.writeLong(source.readLong());
        target.writeBoolean(source.readBoolean());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartialSerializer other && other.features.equals(features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<Partial> snapshotConfiguration() {
        return new Snapshot(features);
    }

    /**
     * The features (name and aggregation) a state was written with. Any former version of the
     * format can be read as it is: it names its accumulators.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<Partial> {

        private static final int VERSION = 1;

        private FeatureSet features;

        /** For Flink, which reads the snapshot into it. */
        public Snapshot() {}

        Snapshot(FeatureSet features) {
            this.features = features;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(features.size());
            for (WindowedFeature feature : features.features()) {
                out.writeUTF(feature.name());
                out.writeUTF(feature.aggregation());
            }
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
                throws IOException {
            int n = in.readInt();
            List<WindowedFeature> read = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // Field and filter only matter when folding events, which a restore never does.
                read.add(new WindowedFeature(in.readUTF(), in.readUTF(), null, EventFilter.ALL));
            }
            features = new FeatureSet(read);
        }

        @Override
        public TypeSerializer<Partial> restoreSerializer() {
            return new PartialSerializer(features);
        }

        @Override
        public TypeSerializerSchemaCompatibility<Partial> resolveSchemaCompatibility(
                TypeSerializerSnapshot<Partial> oldSerializerSnapshot) {
            return oldSerializerSnapshot instanceof Snapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
