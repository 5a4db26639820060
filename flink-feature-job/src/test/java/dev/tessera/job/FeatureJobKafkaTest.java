package dev.tessera.job;

import static dev.tessera.job.TestEvents.FIVE_MINUTES;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.values;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.ApicurioRegistry;
import dev.tessera.dev.KafkaBroker;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.common.header.Header;
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
 * The job as {@link JobLauncher#main} wires it ({@link KafkaConnectors}) against a real Kafka
 * broker and the real Apicurio Registry: Avro events in, Avro feature updates out, both through the
 * real Apicurio serde.
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
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startKafkaAndRegistryAndProduceEvents() throws Exception {
        registry = ApicurioRegistry.start(dataDir.resolve("registry"));
        broker = new KafkaBroker(dataDir.resolve("kafka"), 0);
        broker.start();
        Stream transactions = spec("unused").stream("transactions").orElseThrow();
        // Events of 2026 are older than the default 7-day retention.
        broker.createTopic(transactions.topic(), 1, Map.of("retention.ms", "-1"));
        broker.createTopic(transactions.lateTopic(), 1, Map.of());
        broker.createTopic(transactions.deadLetterTopic(), 1, Map.of());
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
        FeatureSpec spec = spec(featureTopic);
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
        // Watermarks per event (one partition, one source subtask): dave's event is late for sure.
        new FeatureJob(
                        spec,
                        kafka.sources(spec),
                        kafka.sink(spec),
                        kafka.lateSink(spec),
                        kafka.deadLetterSink(spec),
                        FeatureJob.Settings.defaults().withWatermarks(Watermarks::perEvent))
                .build(env);

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
                            update("alice", end, 2, 12.5), update("bob", end, 1, 4.0));
            Stream transactions = spec.stream("transactions").orElseThrow();
            List<ConsumerRecord<String, String>> late = consumeStrings(transactions.lateTopic(), 2);
            assertThat(late)
                    .filteredOn(record -> json(record).get("cause").asText().equals("late"))
                    .isNotEmpty()
                    .allSatisfy(
                            record -> {
                                assertThat(record.key()).isEqualTo("dave");
                                JsonNode event = json(record);
                                assertThat(event.get("stream").asText()).isEqualTo("transactions");
                                assertThat(event.get("entity_id").asText()).isEqualTo("dave");
                                assertThat(event.get("event_time").asLong())
                                        .isEqualTo(T0 + at(4, 0).toMillis());
                                assertThat(event.get("group").asText()).isEqualTo("user_txn");
                                assertThat(event.get("reason").asText()).contains("closed");
                                assertThat(event.get("fields").get("amount").asDouble())
                                        .isEqualTo(99.0);
                                assertThat(event.get("fields").get("merchant").asText())
                                        .isEqualTo("m-1");
                            });
            // The event ten years ahead counted nowhere and held nothing back (alice's second
            // event and the window's close above came after it).
            assertThat(late)
                    .filteredOn(record -> json(record).get("cause").asText().equals("future"))
                    .isNotEmpty()
                    .allSatisfy(
                            record -> {
                                assertThat(record.key()).isEqualTo("erin");
                                assertThat(json(record).get("reason").asText())
                                        .contains(
                                                "ahead of the job's clock, more than max_future 1m");
                            });
            assertThat(consumeStrings(transactions.deadLetterTopic(), 1))
                    .isNotEmpty()
                    .allSatisfy(
                            record -> {
                                assertThat(record.key()).isEqualTo("garbage");
                                assertThat(record.value()).isEqualTo("not an Avro record");
                                assertThat(header(record, "producer")).isEqualTo("bad-one");
                                assertThat(header(record, "tessera.dlq.topic"))
                                        .isEqualTo("transactions");
                                assertThat(header(record, "tessera.dlq.partition")).isEqualTo("0");
                                assertThat(header(record, "tessera.dlq.offset")).isEqualTo("4");
                                assertThat(header(record, "tessera.dlq.reason"))
                                        .isEqualTo("undecodable");
                                assertThat(header(record, "tessera.dlq.detail")).isNotBlank();
                            });
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Two users in the first window, an event ten years ahead (to the late topic, without moving
     * event time on), a record that is not Avro (to the dead-letter topic), an event 6 s past the
     * window's end: beyond the 5 s bound, so its watermark closes the window, and then an event of
     * the closed window: late, to the late topic.
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
                            future(stream, "erin"),
                            transaction(stream, "alice", at(4, 59), 2.5),
                            transaction(stream, "carol", at(5, 6), 1.0),
                            transaction(stream, "dave", at(4, 0), 99.0));
            for (GenericRecord event : events) {
                if (event.get("user_id").equals("carol")) {
                    ProducerRecord<String, byte[]> garbage =
                            new ProducerRecord<>(
                                    stream.topic(),
                                    "garbage",
                                    "not an Avro record".getBytes(StandardCharsets.UTF_8));
                    garbage.headers().add("producer", "bad-one".getBytes(StandardCharsets.UTF_8));
                    producer.send(garbage);
                }
                byte[] value = serializer.serialize(stream.topic(), event);
                producer.send(
                        new ProducerRecord<>(
                                stream.topic(), event.get("user_id").toString(), value));
            }
            producer.flush();
        }
    }

    /** An event stamped ten years ahead, as by a producer with a broken clock. */
    private static GenericRecord future(Stream stream, String user) {
        GenericRecord event = transaction(stream, user, Duration.ZERO, 1.0);
        event.put("ts", System.currentTimeMillis() + Duration.ofDays(3650).toMillis());
        return event;
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

    /** The example spec's transactions stream and a tumbling group, writing to a feature topic. */
    private static FeatureSpec spec(String featureTopic) {
        return SpecParser.parse(
                "kafka-test.yaml",
                """
                entities:
                  user: {key: user_id}
                streams:
                  transactions:
                    topic: transactions
                    entity: user
                    time_field: ts
                    watermark: {out_of_orderness: 5s, idleness: 10s}
                    fields: {user_id: string, amount: double, merchant: string, ts: timestamp}
                feature_groups:
                  user_txn:
                    entity: user
                    stream: transactions
                    ttl: 1d
                    features:
                      txn_count_5m: {aggregation: count, window: tumbling(5m)}
                      txn_amount_sum_5m: {aggregation: sum, field: amount, window: tumbling(5m)}
                feature_topic: %s
                """
                        .formatted(featureTopic));
    }

    private static FeatureUpdate update(String user, long end, long count, double sum) {
        return FeatureUpdate.values(
                "user",
                user,
                "user_txn",
                end,
                count,
                values("txn_count_5m", count, "txn_amount_sum_5m", sum));
    }

    private static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return new ObjectMapper().readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Reads a topic of text until {@code count} records arrived (or the timeout). */
    private static List<ConsumerRecord<String, String>> consumeStrings(String topic, int count) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
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
