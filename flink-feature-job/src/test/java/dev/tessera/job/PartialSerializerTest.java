package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.EventFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PartialSerializerTest {

    private static final FeatureSet BEFORE =
            new FeatureSet(
                    List.of(
                            feature("n", "count", null),
                            feature("total", "sum", "amount"),
                            feature("top", "max", "amount")));

    @Test
    void roundTripsAPartialThroughTheAccumulatorsEncoding() throws Exception {
        Partial partial = partialOf(BEFORE);
        PartialSerializer serializer = new PartialSerializer(BEFORE);

        Partial read =
                serializer.deserialize(new DataInputDeserializer(bytes(serializer, partial)));

        assertThat(BEFORE.values(read)).isEqualTo(Map.of("n", 2L, "total", 5.0, "top", 3.0));
        assertThat(read.events).isEqualTo(2);
        assertThat(read.newestEventTime).isEqualTo(20);
        assertThat(read.dirty).isTrue();
        assertThat(BEFORE.values(serializer.copy(partial))).isEqualTo(BEFORE.values(partial));

        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(bytes(serializer, partial)), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes(serializer, partial));
    }

    @Test
    void keepsTheStateOfUnchangedFeaturesWhenFeaturesAreAddedRemovedOrChanged() throws Exception {
        byte[] written = bytes(new PartialSerializer(BEFORE), partialOf(BEFORE));
        FeatureSet after =
                new FeatureSet(
                        List.of(
                                feature("total", "sum", "amount"), // kept
                                feature("top", "min", "amount"), // another aggregation: restarts
                                feature("added", "count", null))); // new: empty

        Partial read = new PartialSerializer(after).deserialize(new DataInputDeserializer(written));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("total", 5.0);
        expected.put("top", new PartialSerializer(after).createInstance().accumulators[1].result());
        expected.put("added", 0L);
        assertThat(after.values(read)).isEqualTo(expected);
        assertThat(read.events).isEqualTo(2);

        TypeSerializerSnapshot<Partial> old = new PartialSerializer(BEFORE).snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        old.writeSnapshot(out);
        PartialSerializer.Snapshot restored = new PartialSerializer.Snapshot();
        restored.readSnapshot(
                1, new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        Partial readByRestored =
                restored.restoreSerializer().deserialize(new DataInputDeserializer(written));
        assertThat(BEFORE.values(readByRestored))
                .isEqualTo(Map.of("n", 2L, "total", 5.0, "top", 3.0));
        TypeSerializerSchemaCompatibility<Partial> compatibility =
                new PartialSerializer(after)
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(old);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    /**
     * Heap state is read back at restore with the savepoint's serializer, so partials arrive with
     * the old features; the operator's features take them over by name when they use them.
     */
    @Test
    void aPartialReadWithTheSavepointsFeaturesIsConformedToTheOperatorsOnUse() throws Exception {
        Partial restored =
                new PartialSerializer(BEFORE)
                        .deserialize(
                                new DataInputDeserializer(
                                        bytes(new PartialSerializer(BEFORE), partialOf(BEFORE))));
        FeatureSet after =
                new FeatureSet(
                        List.of(
                                feature("added", "count", null),
                                feature("total", "sum", "amount"),
                                feature("n", "count", null)));

        after.add(restored, new StreamEvent("u", 30, Map.of("amount", 4.0)));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("added", 1L);
        expected.put("total", 9.0);
        expected.put("n", 3L);
        assertThat(after.values(restored)).isEqualTo(expected);
        assertThat(restored.events).isEqualTo(3);
        Partial written =
                new PartialSerializer(after)
                        .deserialize(
                                new DataInputDeserializer(
                                        bytes(new PartialSerializer(after), restored)));
        assertThat(after.values(written)).isEqualTo(expected);
    }

    private static Partial partialOf(FeatureSet features) {
        Partial partial = features.newPartial();
        features.add(partial, new StreamEvent("u", 10, Map.of("amount", 2.0)));
        features.add(partial, new StreamEvent("u", 20, Map.of("amount", 3.0)));
        partial.dirty = true;
        return partial;
    }

    private static byte[] bytes(PartialSerializer serializer, Partial partial) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(partial, out);
        return out.getCopyOfBuffer();
    }

    private static WindowedFeature feature(String name, String aggregation, String field) {
        return new WindowedFeature(name, aggregation, field, EventFilter.ALL);
    }
}
