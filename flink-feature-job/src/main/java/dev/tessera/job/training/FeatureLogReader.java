package dev.tessera.job.training;

import dev.tessera.job.KafkaConnectors;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureLogEntry;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every entry a feature log topic holds now, as the reader wrote them (Avro, registry). */
final class FeatureLogReader {

    private FeatureLogReader() {}

    static List<FeatureLogEntry> read(KafkaConnectors kafka, String topic) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.putAll(KafkaConnectors.serdeConfig(kafka.registryUrl()));
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", AvroKafkaDeserializer.class.getName());
        config.put("default.api.timeout.ms", "20000");
        List<FeatureLogEntry> entries = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic)
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, GenericRecord> record :
                        consumer.poll(Duration.ofSeconds(1))) {
                    if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
                        entries.add(AvroSchemas.featureLogEntry(record.value()));
                    }
                }
            }
        }
        return entries;
    }
}
