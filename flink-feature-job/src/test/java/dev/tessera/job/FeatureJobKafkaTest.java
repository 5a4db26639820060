package dev.tessera.job;

import static dev.tessera.job.TestEvents.FIVE_MINUTES;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.transactionsUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.DevRegistry;
import dev.tessera.dev.KafkaBroker;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job as {@link FeatureJob#main} wires it ({@link KafkaConnectors}) against a real Kafka broker
 * and the dev schema registry: Avro events in, Avro feature updates out, both through the real
 * Apicurio serde.
 */
class FeatureJobKafkaTest {

    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    @TempDir static Path dataDir;

    private static KafkaBroker broker;
    private static DevRegistry registry;

    @BeforeAll
    static void startKafkaAndRegistryAndProduceEvents() throws Exception {
        registry = DevRegistry.start(0, dataDir.resolve("registry"));
        broker = new KafkaBroker(dataDir.resolve("kafka"), 0);
        broker.start();
        Stream transactions = TestEvents.SPEC.stream("transactions").orElseThrow();
        // Events of 2026 are older than the default 7-day retention.
        broker.createTopic(transactions.topic(), 1, Map.of("retention.ms", "-1"));
        produceTransactions(transactions);
    }

    @AfterAll
    static void stopKafkaAndRegistry() {
        if (broker != null) {
            broker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = DeliveryGuarantee.class,
            names = {"AT_LEAST_ONCE", "EXACTLY_ONCE"})
    void computesFeaturesFromKafkaToKafka(DeliveryGuarantee delivery) throws Exception {
        // Both runs read the same events; each writes to a feature topic of its own.
        String featureTopic = "feature-updates-" + delivery.name().toLowerCase().replace('_', '-');
        FeatureSpec spec = specWithFeatureTopic(featureTopic);
        KafkaConnectors kafka =
                new KafkaConnectors(
                        broker.bootstrapServers(),
                        registry.url(),
                        "feature-job-" + featureTopic,
                        delivery,
                        "feature-job-" + featureTopic);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(500);
        new FeatureJob(spec, kafka.sources(spec), kafka.sink(spec)).build(env);

        JobClient job = env.executeAsync(FeatureJob.JOB_NAME);
        try {
            List<ConsumerRecord<String, GenericRecord>> records =
                    consume(featureTopic, delivery, 2);

            long end = T0 + FIVE_MINUTES;
            assertThat(records)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder("alice", "bob");
            assertThat(records)
                    .extracting(record -> AvroSchemas.fromAvro(record.value()))
                    .containsExactlyInAnyOrder(
                            transactionsUpdate("alice", end, 2L, 12.5),
                            transactionsUpdate("bob", end, 1L, 4.0));
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Two users in the first window, a record that is not Avro (skipped, not fatal), and an event 6
     * s past the window's end: beyond the 5 s bound, so its watermark closes the window.
     */
    private static void produceTransactions(Stream stream) throws Exception {
        try (AvroKafkaSerializer<GenericRecord> serializer = Registries.serializer(registry.url());
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(
                                Map.of(
                                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        broker.bootstrapServers()),
                                new StringSerializer(),
                                new ByteArraySerializer())) {
            List<GenericRecord> events =
                    List.of(
                            transaction(stream, "alice", at(0, 10), 10.0),
                            transaction(stream, "bob", at(1, 0), 4.0),
                            transaction(stream, "alice", at(4, 59), 2.5),
                            transaction(stream, "carol", at(5, 6), 1.0));
            for (GenericRecord event : events) {
                if (event.get("user_id").equals("carol")) {
                    producer.send(
                            new ProducerRecord<>(
                                    stream.topic(),
                                    "garbage",
                                    "not an Avro record".getBytes(StandardCharsets.UTF_8)));
                }
                byte[] value = serializer.serialize(stream.topic(), event);
                producer.send(
                        new ProducerRecord<>(
                                stream.topic(), event.get("user_id").toString(), value));
            }
            producer.flush();
        }
    }

    private static GenericRecord transaction(
            Stream stream, String user, Duration offset, double amount) {
        GenericRecord event = new GenericData.Record(AvroSchemas.eventSchema(stream));
        event.put("user_id", user);
        event.put("amount", amount);
        event.put("merchant", "m-1");
        event.put("ts", T0 + offset.toMillis());
        return event;
    }

    /** The repository's example spec, writing to another feature topic. */
    private static FeatureSpec specWithFeatureTopic(String featureTopic) throws Exception {
        Path path = Path.of("..", "features.yaml");
        return SpecParser.parse(
                path.toString(),
                Files.readString(path) + "\nfeature_topic: " + featureTopic + "\n");
    }

    /** Reads until {@code count} records have arrived (committed ones under exactly-once). */
    private static List<ConsumerRecord<String, GenericRecord>> consume(
            String topic, DeliveryGuarantee delivery, int count) {
        Map<String, Object> config = new HashMap<>(KafkaConnectors.serdeConfig(registry.url()));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                delivery == DeliveryGuarantee.EXACTLY_ONCE ? "read_committed" : "read_uncommitted");
        AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        List<ConsumerRecord<String, GenericRecord>> records = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).as("feature updates in %s", topic).hasSize(count);
        return records;
    }
}
