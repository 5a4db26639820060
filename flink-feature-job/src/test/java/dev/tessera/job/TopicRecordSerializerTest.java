package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class TopicRecordSerializerTest {

    @Test
    void flinkFindsTheSerializersOfTopicRecordsAndDeadLetters() {
        assertThat(
                        TypeInformation.of(TopicRecord.class)
                                .createSerializer(new SerializerConfigImpl()))
                .isSameAs(TopicRecordSerializer.INSTANCE);
        assertThat(
                        TypeInformation.of(DeadLetter.class)
                                .createSerializer(new SerializerConfigImpl()))
                .isSameAs(DeadLetterSerializer.INSTANCE);
    }

    @Test
    void roundTripsEventsAndDeadLettersWithNullsAndRepeatedHeaders() throws Exception {
        StreamEvent event = new StreamEvent("alice", 5L, Map.of("amount", 1.5, "ts", 5L));
        DeadLetter letter =
                new DeadLetter(
                        "transactions",
                        "not Avro",
                        "transactions",
                        3,
                        42L,
                        1_700_000_000_000L,
                        null,
                        bytes("garbage"),
                        List.of(
                                new DeadLetter.Header("trace", bytes("a")),
                                new DeadLetter.Header("trace", null)));

        DeadLetter read = (DeadLetter) roundTrip(letter);

        assertThat(roundTrip(event)).isEqualTo(event);
        assertThat(read).usingRecursiveComparison().isEqualTo(letter);
    }

    private static TopicRecord roundTrip(TopicRecord record) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TopicRecordSerializer.INSTANCE.serialize(record, out);
        return TopicRecordSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
