package dev.tessera.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When each record of some keys was written to a topic: its timestamp, which the producer stamps
 * when it sends (the gateway for events, the job's sink for feature updates). Committed records
 * only, as the writer reads them. Every clock is this machine's, so the stamps of successive stages
 * subtract.
 */
final class RecordTimes {

    private RecordTimes() {}

    /**
     * The timestamps of the records of {@code topic} whose key starts with {@code keyPrefix}, by
     * key, in offset order (per key, one partition's order).
     */
    static Map<String, List<Long>> of(String bootstrapServers, String topic, String keyPrefix) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<String, List<Long>> times = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<TopicPartition> remaining = new ArrayList<>(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    String key =
                            record.key() == null
                                    ? ""
                                    : new String(record.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(keyPrefix)) {
                        times.computeIfAbsent(key, k -> new ArrayList<>()).add(record.timestamp());
                    }
                }
                remaining.removeIf(p -> consumer.position(p) >= ends.get(p));
            }
        }
        return times;
    }
}
