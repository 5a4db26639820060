package dev.tessera.bench;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An event topic of a benchmark: filled with Avro events through the registry as producers write
 * them, and read back by the baseline every job figure stands beside, a plain consumer decoding
 * every event.
 */
final class EventLog {

    private final String bootstrapServers;
    private final String registryUrl;
    private final String topic;

    EventLog(String bootstrapServers, String registryUrl, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.topic = topic;
    }

    /** Sends {@code count} events, the i-th {@code event.apply(i)}, keyed by {@code key}. */
    void produce(int count, IntFunction<GenericRecord> event, String key) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < count; i++) {
                GenericRecord record = event.apply(i);
                producer.send(new ProducerRecord<>(topic, record.get(key).toString(), record));
            }
            producer.flush();
        }
    }

    /** The baseline: a plain consumer reading and decoding {@code count} events. */
    JobBench.Rate consumeAndDecode(long count) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-decode-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                AvroKafkaDeserializer.class.getName());
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        long seen = 0;
        double checksum = 0;
        // Measured as the job is: after the warm-up.
        long warmUp = warmUp(count);
        double cpu0 = Double.NaN;
        long t0 = 0;
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            while (seen < count) {
                for (ConsumerRecord<String, GenericRecord> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    GenericRecord event = record.value();
                    checksum += (Double) event.get("amount") + (Long) event.get("ts");
                    seen += event.get("user_id") == null ? 0 : 1;
                }
                if (seen >= warmUp && Double.isNaN(cpu0)) {
                    cpu0 = Processes.ownCpuSeconds();
                    t0 = System.nanoTime();
                    warmUp = seen;
                }
            }
        }
        double cpu = Processes.ownCpuSeconds() - cpu0;
        double wall = (System.nanoTime() - t0) / 1e9;
        if (Double.isNaN(checksum)) {
            throw new IllegalStateException("undecodable amounts");
        }
        return new JobBench.Rate(count - warmUp, cpu, wall);
    }

    /**
     * The events a measurement of the job or of the loop skips: the first half warms the JVM up.
     * With a quarter of 8 million events, C2 compiling still took 30 % (tumbling) and 22 %
     * (rolling) of the job's CPU in the measured window, a cost a long-running job does not pay per
     * event.
     */
    static long warmUp(long events) {
        return events / 2;
    }
}
