package dev.tessera.gateway.messaging;

import dev.tessera.spec.avro.FramedAvroWriter;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
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
    private final FramedSerializer serializer = new FramedSerializer();

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
        serializer.serde.configure(config, false);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    /**
     * Does before the first event what the first event would: fetches the topic's metadata and
     * looks up the schema's id in the registry (the serializer keeps it). The first POST after
     * start-up took half a second more than the rest.
     */
    public void warmUp(String topic, Schema schema) {
        producer.partitionsFor(topic);
        serializer.serialize(topic, sample(schema));
    }

    /**
     * The Apicurio serializer with its schema lookup done once per topic and schema ({@link
     * FramedAvroWriter}): per record it wrote the schema as JSON and hashed it again.
     */
    private static final class FramedSerializer implements Serializer<GenericRecord> {

        final AvroKafkaSerializer<GenericRecord> serde = new AvroKafkaSerializer<>();
        private final FramedAvroWriter framed = new FramedAvroWriter();

        @Override
        public byte[] serialize(String topic, GenericRecord record) {
            return framed.write(topic, record, () -> serde.serialize(topic, record));
        }

        @Override
        public byte[] serialize(String topic, Headers headers, GenericRecord record) {
            return framed.write(topic, record, () -> serde.serialize(topic, headers, record));
        }

        @Override
        public void close() {
            serde.close();
        }
    }

    /** A record of the schema: any one will do to look its schema up. */
    private static GenericRecord sample(Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            record.put(field.pos(), sampleValue(field.schema()));
        }
        return record;
    }

    private static Object sampleValue(Schema schema) {
        return switch (schema.getType()) {
            case STRING -> "";
            case LONG -> 0L;
            case INT -> 0;
            case DOUBLE -> 0.0;
            case FLOAT -> 0.0f;
            case BOOLEAN -> false;
            case NULL -> null;
            case UNION -> sampleValue(schema.getTypes().get(0));
            case RECORD -> sample(schema);
            default ->
                    throw new IllegalArgumentException(
                            "no sample value of Avro type " + schema.getType());
        };
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
