package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class LateEventSerializationSchemaTest {

    private final LateEventSerializationSchema schema =
            new LateEventSerializationSchema(Map.of("transactions", "txns.late"));

    @Test
    void writesTheLateEventAsJsonToItsStreamsLateTopicKeyedByEntityId() throws Exception {
        LateEvent late =
                new LateEvent(
                        "transactions",
                        "user_transactions_5m",
                        "window [0, 300000) closed",
                        new StreamEvent(
                                "alice",
                                1_000,
                                Map.of(
                                        "user_id",
                                        "alice",
                                        "amount",
                                        12.5,
                                        "ts",
                                        1_000L,
                                        "vip",
                                        true,
                                        "score",
                                        Double.NaN)));

        ProducerRecord<byte[], byte[]> record = schema.serialize(late, null, null);

        assertThat(record.topic()).isEqualTo("txns.late");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(new ObjectMapper().readTree(record.value()))
                .isEqualTo(
                        new ObjectMapper()
                                .readTree(
                                        """
                                        {"stream": "transactions", "entity_id": "alice",
                                         "event_time": 1000, "group": "user_transactions_5m", "cause": "late",
                                         "reason": "window [0, 300000) closed",
                                         "fields": {"amount": 12.5, "score": "NaN", "ts": 1000,
                                                    "user_id": "alice", "vip": true}}
                                        """));
    }

    @Test
    void refusesAStreamWithoutLateTopic() {
        LateEvent late = new LateEvent("clicks", "g", "r", new StreamEvent("a", 0, Map.of()));

        assertThatThrownBy(() -> schema.serialize(late, null, null))
                .hasMessageContaining("no late topic for stream 'clicks'");
    }
}
