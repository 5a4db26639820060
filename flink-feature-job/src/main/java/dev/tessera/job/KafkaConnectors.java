package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka sources and sinks of the production job, as {@link JobLauncher#main} wires them: one
 * {@link KafkaSource} per stream that feeds a feature group, decoding Avro through the schema
 * registry ({@link StreamEventDeserializationSchema}), one {@link KafkaSink} writing feature
 * updates to the spec's feature topic, one writing late events as JSON to each stream's late topic,
 * and one writing undecodable records to each stream's dead-letter topic.
 *
 * @param registryUrl the base of the schema registry's v3 API, {@code
 *     http://HOST:PORT/apis/registry/v3}; streams in the {@code confluent} wire format are read
 *     through its Confluent-compatible API, {@code /apis/ccompat/v7} beside it
 * @param groupId the consumer group; offsets are committed to it on checkpoints, and a new group
 *     starts from the earliest offsets
 * @param transactionalIdPrefix names the sink's Kafka transactions under {@code exactly-once}; must
 *     be unique per job on a Kafka cluster
 * @param clientProperties Kafka client settings for every source and sink, such as {@code
 *     security.protocol}, {@code sasl.*} and {@code ssl.*} (the settings above take precedence)
 */
public record KafkaConnectors(
        String bootstrapServers,
        String registryUrl,
        String groupId,
        DeliveryGuarantee delivery,
        String transactionalIdPrefix,
        Map<String, String> clientProperties) {

    /**
     * Kafka transactions must outlive the checkpoint interval plus a restart; the broker refuses
     * more than its {@code transaction.max.timeout.ms} (15 min by default).
     */
    private static final String TRANSACTION_TIMEOUT_MILLIS = "600000";

    public KafkaConnectors {
        if (delivery == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("delivery must be at-least-once or exactly-once");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Connectors with no client settings beyond Kafka's defaults (a plaintext cluster). */
    public KafkaConnectors(
            String bootstrapServers,
            String registryUrl,
            String groupId,
            DeliveryGuarantee delivery,
            String transactionalIdPrefix) {
        this(bootstrapServers, registryUrl, groupId, delivery, transactionalIdPrefix, Map.of());
    }

    /** The schema registry's v3 API. */
    public String registryUrl() {
        return registryUrl;
    }

    /** One source per stream that feeds a feature group, by stream name. */
    public Map<String, KafkaSource<TopicRecord>> sources(FeatureSpec spec) {
        Map<String, KafkaSource<TopicRecord>> sources = new LinkedHashMap<>();
        for (Stream stream : FeatureJob.inputStreams(spec)) {
            sources.put(stream.name(), source(stream));
        }
        return sources;
    }

    /**
     * One bounded source per stream that feeds a feature group, by stream name: every event its
     * topic holds, from the first offset to the last one at the start, without committing offsets.
     * A training set replays them.
     */
    public Map<String, KafkaSource<TopicRecord>> replaySources(FeatureSpec spec) {
        Map<String, KafkaSource<TopicRecord>> sources = new LinkedHashMap<>();
        for (Stream stream : FeatureJob.inputStreams(spec)) {
            KafkaSourceBuilder<TopicRecord> builder =
                    builder(stream).setStartingOffsets(OffsetsInitializer.earliest());
            builder.setBounded(OffsetsInitializer.latest());
            sources.put(stream.name(), builder.build());
        }
        return sources;
    }

    private KafkaSource<TopicRecord> source(Stream stream) {
        return builder(stream)
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .build();
    }

    private KafkaSourceBuilder<TopicRecord> builder(Stream stream) {
        KafkaSourceBuilder<TopicRecord> builder = KafkaSource.builder();
        clientProperties.forEach(builder::setProperty);
        return builder.setBootstrapServers(bootstrapServers)
                .setTopics(stream.topic())
                .setGroupId(groupId)
                // Distinct per stream: several sources share a task manager's JVM and its MBeans.
                .setClientIdPrefix(groupId + "-" + stream.name())
                .setDeserializer(new StreamEventDeserializationSchema(stream, registryUrl));
    }

    /** The client settings of {@link #clientProperties} with the bootstrap servers. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** The sink of feature updates, to {@link FeatureSpec#featureTopic()}. */
    public KafkaSink<FeatureUpdate> sink(FeatureSpec spec) {
        Map<String, Object> serializerConfig = serdeConfig(registryUrl);
        // The job is the producer of the feature-update schema: it registers it on first use.
        serializerConfig.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        KafkaSinkBuilder<FeatureUpdate> builder = sinkBuilder();
        builder.setRecordSerializer(
                        new FeatureUpdateSerializationSchema(spec.featureTopic(), serializerConfig))
                .setDeliveryGuarantee(delivery);
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix)
                    .setProperty(
                            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MILLIS);
        }
        return builder.build();
    }

    /**
     * The sink of late events: each as JSON to the late topic of its stream ({@link
     * Stream#lateTopic()}), see {@link LateEventSerializationSchema}. Always at-least-once: the job
     * adds this sink once per stream, and a late topic is a record of what was dropped, where a
     * duplicate after a restart does no harm; exactly-once would need a transactional id per sink.
     */
    public KafkaSink<LateEvent> lateSink(FeatureSpec spec) {
        Map<String, String> lateTopics = new LinkedHashMap<>();
        for (Stream stream : FeatureJob.inputStreams(spec)) {
            lateTopics.put(stream.name(), stream.lateTopic());
        }
        // A joined event too late for a window goes where its left stream's late events go.
        spec.joins().forEach(join -> lateTopics.put(join.name(), join.left().lateTopic()));
        KafkaSinkBuilder<LateEvent> builder = sinkBuilder();
        return builder.setRecordSerializer(new LateEventSerializationSchema(lateTopics))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * The sink of dead letters: each to the dead-letter topic of its stream ({@link
     * Stream#deadLetterTopic()}), see {@link DeadLetterSerializationSchema}. At-least-once, as the
     * late sink and for the same reasons: a dead letter twice after a restart does no harm.
     */
    public KafkaSink<DeadLetter> deadLetterSink(FeatureSpec spec) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (Stream stream : FeatureJob.inputStreams(spec)) {
            topics.put(stream.name(), stream.deadLetterTopic());
        }
        KafkaSinkBuilder<DeadLetter> builder = sinkBuilder();
        return builder.setRecordSerializer(new DeadLetterSerializationSchema(topics))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** A sink builder with the client settings and the bootstrap servers. */
    private <T> KafkaSinkBuilder<T> sinkBuilder() {
        KafkaSinkBuilder<T> builder = KafkaSink.builder();
        clientProperties.forEach(builder::setProperty);
        return builder.setBootstrapServers(bootstrapServers);
    }

    /** The Apicurio serde configuration of the job's serializer of feature updates. */
    public static Map<String, Object> serdeConfig(String registryUrl) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        // The JDK HTTP client rather than Vert.x: no event-loop threads outliving a job's class
        // loader after a restart.
        config.put(SerdeConfig.HTTP_ADAPTER, "JDK");
        return config;
    }
}
