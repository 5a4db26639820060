package dev.tessera.gateway;

import dev.tessera.dev.TesseraTestResources;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the start with the real Apicurio deserializer, as a downstream consumer would.
 */
final class TopicReader {

    private TopicReader() {}

    /**
     * The records with this key, once at least {@code expected} of them are there (or 30 s passed).
     */
    static List<ConsumerRecord<String, GenericRecord>> recordsOf(
            String topic, String key, int expected) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TesseraTestResources.kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        "apicurio.registry.url",
                        TesseraTestResources.registry().url());
        List<ConsumerRecord<String, GenericRecord>> matching = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), deserializer(config))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (matching.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(
                                r -> {
                                    if (key.equals(r.key())) {
                                        matching.add(r);
                                    }
                                });
            }
            // Anything more than expected would have been produced by now too.
            consumer.poll(Duration.ofMillis(500))
                    .forEach(
                            r -> {
                                if (key.equals(r.key())) {
                                    matching.add(r);
                                }
                            });
        }
        return matching;
    }

    /**
     * The sum of the end offsets of the topic's partitions: it grows with every record produced.
     */
    static long endOffset(String topic) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TesseraTestResources.kafka().bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static AvroKafkaDeserializer<GenericRecord> deserializer(Map<String, Object> config) {
        AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        return deserializer;
    }
}
