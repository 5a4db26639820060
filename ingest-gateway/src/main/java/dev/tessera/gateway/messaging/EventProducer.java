package dev.tessera.gateway.messaging;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Produces events to Kafka as Avro (Apicurio serde). The returned future completes only when Kafka
 * acknowledged the record ({@code acks=all}, idempotent producer), so the gateway never answers 202
 * for an event that could still be lost.
 *
 * <p>One Kafka producer, called directly from the request threads: each caller serializes its own
 * records and appends them to the producer's batches. A Reactive Messaging emitter instead funnels
 * every event through one sending thread, which serialized and sent one message at a time and
 * capped the gateway at about a tenth of Kafka's own producer (see BENCHMARKS.md).
 */
@ApplicationScoped
public class EventProducer {

    /**
     * What the gateway's promises need (acks, idempotence, bounded waits) and what makes batches of
     * small events cheap (lingering, larger batches, lz4). Settings under {@code kafka.} (such as
     * security) are added to these and may override the tunable ones.
     */
    static final Map<String, Object> PRODUCER_DEFAULTS =
            Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.LINGER_MS_CONFIG,
                    5,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    128 * 1024,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG,
                    "lz4",
                    // A record Kafka has not acknowledged within 10 s fails (the request answers
                    // 503); a request waits tessera.gateway.produce-timeout at most in any case.
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    5_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    10_000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    5_000,
                    ProducerConfig.CLIENT_ID_CONFIG,
                    "tessera-ingest-gateway");

    private final Producer<String, GenericRecord> producer;

    public EventProducer(
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "apicurio.registry.url") String registryUrl) {
        Map<String, Object> config = new HashMap<>(PRODUCER_DEFAULTS);
        config.putAll(kafka);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        this.producer = new KafkaProducer<>(config);
    }

    /**
     * Serializes and appends the event to a batch; the future completes when Kafka acknowledged it.
     * May block while the producer's buffer is full (at most {@code max.block.ms}): call it from a
     * worker thread.
     */
    public CompletableFuture<Void> send(String topic, String key, GenericRecord event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        producer.send(
                new ProducerRecord<>(topic, key, event),
                (metadata, failure) -> {
                    if (failure == null) {
                        acknowledged.complete(null);
                    } else {
                        acknowledged.completeExceptionally(failure);
                    }
                });
        return acknowledged;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
