package dev.tessera.reader.messaging;

import dev.tessera.reader.config.ReaderConfig;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureLogEntry;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Logged serving: produces what the reader answered to the feature-log topic as Avro (Apicurio
 * serde, as the ingest gateway produces events), keyed by entity id, without ever slowing or
 * failing a read. Requests hand entries to a bounded queue and return; one sender thread serializes
 * and produces them. An entry the queue has no room for, or that Kafka or the registry refuse or do
 * not take in time, is dropped and counted.
 *
 * <p>At rate 0 (the default) there is no producer and no sender: nothing of Kafka or the registry
 * is needed. Eager, so a rate out of range stops the reader at start-up.
 */
@Startup
@ApplicationScoped
public class FeatureLogger {

    /** Entries waiting to be produced: a few seconds of a busy reader's sampled answers. */
    static final int QUEUE_CAPACITY = 10_000;

    /**
     * Batches of small entries (lingering, larger batches, lz4), and bounded waits: the sender
     * blocks at most {@code max.block.ms} on a Kafka it cannot reach, entries queue up meanwhile
     * and past the queue's capacity are dropped. Settings under {@code kafka.} (such as security)
     * are added to these and may override them.
     */
    static final Map<String, Object> PRODUCER_DEFAULTS =
            Map.of(
                    ProducerConfig.LINGER_MS_CONFIG,
                    20,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    128 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG,
                    "lz4",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    5_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    10_000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    1_000,
                    ProducerConfig.CLIENT_ID_CONFIG,
                    "tessera-feature-reader");

    private final double rate;
    private final String topic;
    private final BlockingQueue<FeatureLogEntry> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Counter sent;
    private final Counter dropped;
    private final Producer<String, GenericRecord> producer;
    private final Thread sender;

    public FeatureLogger(
            ReaderConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "apicurio.registry.url") String registryUrl,
            MeterRegistry registry) {
        this.rate = validRate(config.reader().featureLog().rate());
        this.topic = config.reader().featureLog().topic();
        this.sent =
                Counter.builder("tessera.reader.feature.log.sent")
                        .description("Feature log entries Kafka acknowledged")
                        .register(registry);
        this.dropped =
                Counter.builder("tessera.reader.feature.log.dropped")
                        .description(
                                "Sampled feature log entries not logged: the queue was full, or"
                                        + " Kafka or the registry failed or were too slow")
                        .register(registry);
        if (rate == 0) {
            this.producer = null;
            this.sender = null;
            return;
        }
        Map<String, Object> producerConfig = new HashMap<>(PRODUCER_DEFAULTS);
        producerConfig.putAll(kafka);
        producerConfig.put(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerConfig.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        producerConfig.put(SerdeConfig.REGISTRY_URL, registryUrl);
        producerConfig.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        // The nested LoggedFeature inline, not as a schema reference: a schema with references
        // misses the serializer's schema cache, a registry call per entry (see
        // feature_update.avsc).
        producerConfig.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, true);
        this.producer = new KafkaProducer<>(producerConfig);
        this.sender = new Thread(this::sendAll, "tessera-feature-log");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * @throws IllegalArgumentException unless {@code rate} is from 0 to 1
     */
    static double validRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(
                    "tessera.reader.feature-log.rate must be from 0 to 1, not " + rate);
        }
        return rate;
    }

    /** Whether to log this request: a share {@code rate} of requests is, none at rate 0. */
    public boolean sampled() {
        return sampled(rate);
    }

    static boolean sampled(double rate) {
        return ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** Hands an entry of a {@link #sampled} request to the sender; never blocks. */
    public void log(FeatureLogEntry entry) {
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    private void sendAll() {
        try {
            while (true) {
                send(queue.take());
            }
        } catch (InterruptedException e) {
            // Closing: entries still queued are dropped with the reader.
        }
    }

    private void send(FeatureLogEntry entry) {
        try {
            producer.send(
                    new ProducerRecord<>(topic, entry.entityId(), AvroSchemas.toAvro(entry)),
                    (metadata, failure) -> (failure == null ? sent : dropped).increment());
        } catch (RuntimeException e) {
            // The serializer's registry call failed, or Kafka's metadata did not come within
            // max.block.ms: this entry is lost, the sender goes on with the next.
            dropped.increment();
        }
    }

    @PreDestroy
    void close() {
        if (sender != null) {
            sender.interrupt();
            producer.close(Duration.ofSeconds(5));
        }
    }
}
