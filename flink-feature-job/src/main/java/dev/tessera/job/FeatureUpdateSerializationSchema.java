package dev.tessera.job;

import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.avro.FramedAvroWriter;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link FeatureUpdate}s to the feature topic as {@code feature_update.avsc} records with
 * Apicurio's {@link AvroKafkaSerializer}, keyed by the entity id (UTF-8) so all updates of one
 * entity id land in one partition, in order.
 */
public final class FeatureUpdateSerializationSchema
        implements KafkaRecordSerializationSchema<FeatureUpdate> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG =
            LoggerFactory.getLogger(FeatureUpdateSerializationSchema.class);

    private final String topic;
    private final HashMap<String, Object> serializerConfig;

    private transient AvroKafkaSerializer<GenericRecord> serializer;
    private transient FramedAvroWriter framed;

    /**
     * @param serializerConfig Apicurio serde configuration, at least {@code apicurio.registry.url}
     */
    public FeatureUpdateSerializationSchema(String topic, Map<String, ?> serializerConfig) {
        this.topic = topic;
        this.serializerConfig = new HashMap<>(serializerConfig);
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        serializer = new AvroKafkaSerializer<>();
        serializer.configure(serializerConfig, false);
        framed = new FramedAvroWriter();
        warmUp();
    }

    /**
     * Looks the update schema up in the registry now rather than on the first update, which took
     * half a second longer than the rest after start-up. If the registry does not answer, the first
     * update looks it up (and waits) instead.
     */
    private void warmUp() {
        GenericRecord sample = AvroSchemas.toAvro(FeatureUpdate.values("", "", "", 0, 0, Map.of()));
        try {
            framed.write(topic, sample, () -> serializer.serialize(topic, sample));
        } catch (RuntimeException e) {
            LOG.warn("The feature update schema is not looked up yet: {}", e.toString());
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            FeatureUpdate update, KafkaSinkContext context, Long timestamp) {
        // Headers are passed so that the serde's headers mode, if configured, works too.
        RecordHeaders headers = new RecordHeaders();
        GenericRecord record = AvroSchemas.toAvro(update);
        byte[] value =
                framed.write(topic, record, () -> serializer.serialize(topic, headers, record));
        byte[] key = update.entityId().getBytes(StandardCharsets.UTF_8);
        // No record timestamp: the producer stamps the time of writing. The event time is in the
        // value; stamping it would let time retention delete backfilled updates at once.
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }
}
