package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StreamEventSerializerTest {

    @Test
    void flinkUsesItForStreamEventsInsteadOfKryo() {
        TypeSerializer<StreamEvent> serializer =
                TypeInformation.of(StreamEvent.class).createSerializer(new SerializerConfigImpl());
        assertThat(serializer).isInstanceOf(StreamEventSerializer.class);
    }

    @Test
    void everyFieldTypeAndAbsentValuesRoundTrip() throws Exception {
        Map<String, Object> fields = new HashMap<>();
        fields.put("user_id", "ü-1");
        fields.put("ts", 1_767_607_200_000L);
        fields.put("amount", 12.5);
        fields.put("flag", true);
        fields.put("note", null);
        assertRoundTrip(new StreamEvent("ü-1", 1_767_607_200_000L, fields));
        assertRoundTrip(new StreamEvent("", Long.MIN_VALUE, Map.of()));
    }

    @Test
    void itsSnapshotRestoresItAndIsCompatibleWithItself() throws Exception {
        TypeSerializerSnapshot<StreamEvent> snapshot =
                StreamEventSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<StreamEvent> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(StreamEventSerializer.INSTANCE);
        assertThat(
                        StreamEventSerializer.INSTANCE
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(read)
                                .isCompatibleAsIs())
                .isTrue();
    }

    private static void assertRoundTrip(StreamEvent event) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StreamEventSerializer.INSTANCE.serialize(event, out);
        StreamEvent back =
                StreamEventSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(event);
    }
}
