package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterReplayTest {

    @TempDir Path dir;

    @Test
    void sendsEachDeadLetterBackAsItWasReadOnce() throws Exception {
        try (KafkaBroker broker = new KafkaBroker(dir, 0)) {
            broker.start();
            broker.createTopic("updates", 1, Map.of());
            broker.createTopic("updates.dlq", 1, Map.of());
            byte[] binary = {0, 1, (byte) 0xff, 2};
            try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
                ProducerRecord<byte[], byte[]> letter =
                        new ProducerRecord<>("updates.dlq", null, 1_000L, bytes("k1"), binary);
                letter.headers().add("origin", bytes("test"));
                letter.headers().add(DeadLetterHeaders.REASON, bytes("wrong-type"));
                letter.headers().add(DeadLetterHeaders.TOPIC, bytes("updates"));
                letter.headers().add(DeadLetterHeaders.PARTITION, bytes("0"));
                letter.headers().add(DeadLetterHeaders.OFFSET, bytes("7"));
                producer.send(letter).get();
            }

            assertThat(DeadLetterReplay.replay(broker.bootstrapServers(), "updates.dlq", Map.of()))
                    .isEqualTo(1);
            assertThat(DeadLetterReplay.replay(broker.bootstrapServers(), "updates.dlq", Map.of()))
                    .as("a second run goes on where the first stopped")
                    .isZero();

            List<ConsumerRecord<byte[], byte[]>> replayed = readAll(broker, "updates");
            assertThat(replayed).hasSize(1);
            ConsumerRecord<byte[], byte[]> record = replayed.get(0);
            assertThat(record.key()).isEqualTo(bytes("k1"));
            assertThat(record.value()).isEqualTo(binary);
            assertThat(record.timestamp()).isEqualTo(1_000L);
            assertThat(record.headers().toArray())
                    .extracting(Header::key)
                    .containsExactly("origin");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaBroker broker, String topic) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "reader",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
