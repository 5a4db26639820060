package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.FlinkSavepoints;
import dev.tessera.dev.FreePorts;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.PrometheusText;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.Compatibility;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.spec.reference.StoreModel;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.StreamSchemas;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's schema evolves while events of the old version are in its topic, on the real Apicurio
 * Registry, by the upgrade the README walks through: the pipeline runs {@code features.yaml} v1 and
 * takes events; v2 adds a field with a default and a feature on it; the change is checked, the job
 * stopped with a savepoint and started on v2, the gateway restarted. Then v2 events come through
 * the gateway, v1 events straight from an old producer with the Apicurio serde, and clicks from a
 * producer in the Confluent wire format. Every feature equals the reference over both versions (the
 * new one counting the default for v1 events), nothing is dead-lettered, and each version's events
 * are counted. Last, an incompatible v3 is refused at start-up, by the gateway and by the job, with
 * the file, line and reason, and nothing reaches the topics.
 */
class SchemaEvolutionEndToEndTest {

    private static final Path V1 = resource("/evolution-features.yaml");
    private static final String NEW_FEATURE = "txn_items_sum_1m";
    private static final long ITEMS_DEFAULT = 1;
    private static final int USERS = 40;
    private static final String CLOSER = "closer";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dataDir;

    @Test
    void v1AndV2EventsCountAlikeAndAnIncompatibleChangeIsRefused() throws Exception {
        long started = System.nanoTime();
        Random random = new Random();
        Path specFile = dataDir.resolve("features.yaml");
        String v1 = Files.readString(V1);
        Files.writeString(specFile, v1);
        FeatureSpec specV1 = SpecParser.parse(specFile);
        String v2 = v2(v1);
        FeatureSpec specV2 = SpecParser.parse("features.yaml", v2);

        long minute = Duration.ofMinutes(1).toMillis();
        long base = (System.currentTimeMillis() / minute - 90) * minute;
        List<Event> before = transactions(random, base, 0, 1_500, false);
        List<Event> viaGateway = transactions(random, base, 1_500, 1_000, true);
        List<Event> oldProducer = transactions(random, base, 2_500, 1_000, false);
        List<Event> clicks = clicks(random, base, 1_200);

        try (LocalPipeline pipeline =
                LocalPipeline.start(
                        PipelineEndToEndTest.ROOT,
                        specFile,
                        dataDir.resolve("pipeline"),
                        LocalPipeline.Ports.free(),
                        List.of("--parallelism", "2", "--checkpoint-interval", "1s"))) {
            RecoveryScenario.log(started, "pipeline up on v1");
            RegistryClient registry = new RegistryClient(pipeline.endpoints().registryUrl());
            assertThat(registry.compatibilityRule("transactions-value"))
                    .contains(Compatibility.BACKWARD);
            assertThat(registry.compatibilityRule("clicks-value")).contains(Compatibility.FULL);
            post(pipeline, before);
            RecoveryScenario.awaitCheckpointAfter(
                    pipeline.checkpointDir(), System.currentTimeMillis());

            // The upgrade: change features.yaml, check it, stop with a savepoint, start it all.
            Files.writeString(specFile, v2);
            new StreamSchemas(specV2, specFile.toString(), registry).check();
            String savepoint =
                    FlinkSavepoints.stopWithSavepoint(pipeline.flinkUrl(), pipeline.savepointDir());
            pipeline.restartJob(
                    List.of(
                            "--parallelism",
                            "2",
                            "--checkpoint-interval",
                            "1s",
                            "--savepoint",
                            savepoint));
            pipeline.restartService("ingest-gateway");
            RecoveryScenario.log(started, "upgraded to v2 through " + savepoint);
            assertThat(registry.versions("transactions-value")).hasSize(2);

            post(pipeline, viaGateway);
            Schema v1Schema = AvroSchemas.eventSchema(specV1.stream("transactions").get());
            produceWithApicurioSerde(pipeline, v1Schema, oldProducer);
            List<Event> clicksWithCloser = new ArrayList<>(clicks);
            // Closers under several keys, so that every partition's watermark moves on, not only
            // the one a single closer lands in (the other would wait for its idleness).
            for (int i = 0; i < 4; i++) {
                clicksWithCloser.add(click(CLOSER + i, System.currentTimeMillis(), "home"));
            }
            produceInConfluentFormat(pipeline, specV2.stream("clicks").get(), clicksWithCloser);
            Event closer = transaction(CLOSER, System.currentTimeMillis(), 1.0, null, "closer");
            post(pipeline, List.of(closer));
            RecoveryScenario.log(started, "v2, v1 and Confluent-format events produced");

            List<Event> all = new ArrayList<>();
            before.forEach(e -> all.add(withDefault(e)));
            all.addAll(viaGateway);
            oldProducer.forEach(e -> all.add(withDefault(e)));
            all.addAll(clicksWithCloser);
            all.add(withDefault(closer));
            StoreModel reference = new Reference(specV2).run(all).store(specV2);
            long newestBefore = before.stream().mapToLong(Event::eventTime).max().orElseThrow();
            RedisSnapshot expected =
                    RedisSnapshot.of(reference, RecoveryScenario.TEST_ENTITIES)
                            .only(key -> comparable(specV2, reference, key, newestBefore));
            assertThat(expected.values().keySet())
                    .as("windows of the new feature holding v1 events")
                    .anyMatch(key -> key.endsWith("|" + NEW_FEATURE));
            List<String> differences =
                    RecoveryScenario.awaitStore(
                            pipeline,
                            specV2,
                            expected,
                            key -> comparable(specV2, reference, key, newestBefore),
                            RecoveryScenario.RESULT_TIMEOUT);
            assertThat(differences).as("Redis against the reference").isEmpty();
            RecoveryScenario.log(started, "Redis equals the reference over v1 and v2 events");

            // Counted per version since the upgraded job started: v1 from the old producer, v2
            // from the gateway (and the closer), the clicks' one version in the Confluent format.
            PrometheusText metrics = new PrometheusText(get(pipeline.flinkMetricsUrl()));
            assertThat(decoded(metrics, "transactions", "1")).isEqualTo(oldProducer.size());
            assertThat(decoded(metrics, "transactions", "2")).isEqualTo(viaGateway.size() + 1);
            assertThat(decoded(metrics, "clicks", "1")).isEqualTo(clicksWithCloser.size());

            Map<TopicPartition, Long> ends = endOffsets(pipeline);
            assertThat(sum(ends, "transactions.dlq") + sum(ends, "clicks.dlq"))
                    .as("dead letters")
                    .isZero();
            assertThat(sum(ends, "transactions"))
                    .isEqualTo(before.size() + viaGateway.size() + oldProducer.size() + 1);

            refuseIncompatibleChange(pipeline, specFile, v2, ends);
            RecoveryScenario.log(started, "v3 refused by the gateway and the job");
        }
    }

    private static long decoded(PrometheusText metrics, String stream, String version) {
        return (long)
                metrics.sum(
                        ExportedMetrics.JOB_EVENTS_DECODED,
                        Map.of("stream", stream, "schema_version", version));
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** v1 plus a field with a default, and a feature summing it. */
    private static String v2(String v1) {
        String v2 =
                v1.replace(
                                "      amount: double\n",
                                "      amount: double\n      items: {type: long, default: 1}\n")
                        .replace(
                                "        field: amount\n        window: tumbling(1m)\n",
                                "        field: amount\n        window: tumbling(1m)\n"
                                        + "      "
                                        + NEW_FEATURE
                                        + ":\n        aggregation: sum\n        field: items\n"
                                        + "        window: tumbling(1m)\n");
        assertThat(v2).contains("items: {type: long").contains(NEW_FEATURE);
        return v2;
    }

    /**
     * A v3 that changes a field's type is refused at start-up by the gateway and by the job, with
     * the file, the line and the rule's reason, and nothing more reaches the topics.
     */
    private void refuseIncompatibleChange(
            LocalPipeline pipeline, Path specFile, String v2, Map<TopicPartition, Long> before)
            throws Exception {
        Path v3 = dataDir.resolve("v3/features.yaml");
        Files.createDirectories(v3.getParent());
        Files.writeString(v3, v2.replace("amount: double", "amount: long"));
        int line = lineOf(v3, "amount: long");
        String refusal =
                v3
                        + ":"
                        + line
                        + ": stream 'transactions', field 'amount': BACKWARD compatibility refuses"
                        + " the change against version 2 of 'transactions-value'";

        Path gatewayLog = dataDir.resolve("v3/gateway.log");
        assertThatThrownBy(
                        () ->
                                pipeline.startService(
                                        "ingest-gateway",
                                        v3,
                                        FreePorts.pick(),
                                        FreePorts.pick(),
                                        gatewayLog))
                .hasMessageContaining("stopped");
        assertThat(Files.readString(gatewayLog)).contains(refusal);

        Path jobLog = dataDir.resolve("v3/job.log");
        try (ChildProcess job =
                ChildProcess.start(pipeline.jobCommand(List.of("--spec", v3.toString())), jobLog)) {
            assertThat(job.waitFor(Duration.ofSeconds(90))).as("job exit").isNotZero();
        }
        assertThat(Files.readString(jobLog)).contains(refusal);
        assertThat(
                        new RegistryClient(pipeline.endpoints().registryUrl())
                                .versions("transactions-value"))
                .hasSize(2);
        assertThat(endOffsets(pipeline)).isEqualTo(before);
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    /**
     * Whether a key is compared: all but the new feature's windows that began before the newest
     * event before the savepoint (the new feature starts empty at the upgrade).
     */
    private static boolean comparable(
            FeatureSpec spec, StoreModel reference, String key, long newestBefore) {
        String[] parts = key.split("\\|");
        if (!parts[2].equals(NEW_FEATURE)) {
            return true;
        }
        Feature feature = spec.feature(NEW_FEATURE).orElseThrow();
        StoreModel.Value value = reference.value(parts[0], feature.name());
        return value != null && value.eventTime() - Duration.ofMinutes(1).toMillis() > newestBefore;
    }

    /** Transactions in arrival order from {@code first}, 250 ms of event time apart. */
    private static List<Event> transactions(
            Random random, long base, int first, int count, boolean withItems) {
        List<Event> events = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            String user = "user-" + random.nextInt(USERS);
            long time = base + i * 250L - random.nextInt(2_000);
            events.add(
                    transaction(
                            user,
                            time,
                            (1 + random.nextInt(400)) / 4.0,
                            withItems ? (long) (1 + random.nextInt(5)) : null,
                            "e-" + i));
        }
        return events;
    }

    private static Event transaction(
            String user, long time, double amount, Long items, String eventId) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event_id", eventId);
        fields.put("user_id", user);
        fields.put("amount", amount);
        if (items != null) {
            fields.put("items", items);
        }
        fields.put("ts", time);
        return new Event("transactions", user, time, fields);
    }

    /** A v1 event as v2 reads it: with the default of the field it lacks. */
    private static Event withDefault(Event event) {
        Map<String, Object> fields = new LinkedHashMap<>(event.fields());
        fields.putIfAbsent("items", ITEMS_DEFAULT);
        return new Event(event.stream(), event.entityId(), event.eventTime(), fields);
    }

    private static List<Event> clicks(Random random, long base, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(
                    click(
                            "user-" + random.nextInt(USERS),
                            base + i * 600L - random.nextInt(2_000),
                            "page-" + random.nextInt(10)));
        }
        return events;
    }

    private static Event click(String user, long time, String page) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("user_id", user);
        fields.put("page", page);
        fields.put("ts", time);
        return new Event("clicks", user, time, fields);
    }

    private static void post(LocalPipeline pipeline, List<Event> events) {
        PipelineClient client = new PipelineClient(pipeline);
        for (int from = 0; from < events.size(); from += 200) {
            String ndjson =
                    events.subList(from, Math.min(events.size(), from + 200)).stream()
                            .map(e -> json(e.fields()))
                            .collect(Collectors.joining("\n"));
            HttpResponse<String> response = client.post("transactions", ndjson);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        }
    }

    private static String json(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An old producer: the Apicurio serde with the v1 schema, straight to the topic. */
    private static void produceWithApicurioSerde(
            LocalPipeline pipeline, Schema v1, List<Event> events) throws Exception {
        Map<String, Object> config = producerConfig(pipeline);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        config.put(SerdeConfig.REGISTRY_URL, pipeline.endpoints().registryUrl());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        // The serde's default Vert.x adapter never completed its registration call here (a plain
        // JVM, no Quarkus): the JDK client, as the job uses.
        config.put(SerdeConfig.HTTP_ADAPTER, "JDK");
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(config)) {
            for (Event event : events) {
                GenericData.Record record = new GenericData.Record(v1);
                event.fields().forEach(record::put);
                producer.send(new ProducerRecord<>("transactions", event.entityId(), record));
            }
            producer.flush();
        }
    }

    /**
     * A producer in the Confluent wire format, as Confluent's serializer writes: the schema
     * registered through the registry's Confluent-compatible API, then a zero byte, the 4-byte
     * schema id and the Avro body.
     */
    private static void produceInConfluentFormat(
            LocalPipeline pipeline, Stream stream, List<Event> events) throws Exception {
        Schema schema = AvroSchemas.eventSchema(stream);
        String ccompat =
                pipeline.endpoints().registryUrl().replace("/apis/registry/v3", "/apis/ccompat/v7");
        HttpResponse<String> registered =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        ccompat
                                                                + "/subjects/"
                                                                + stream.artifactId()
                                                                + "/versions"))
                                        .header(
                                                "Content-Type",
                                                "application/vnd.schemaregistry.v1+json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        JSON.writeValueAsString(
                                                                Map.of(
                                                                        "schema",
                                                                        schema.toString()))))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        int id = JSON.readTree(registered.body()).get("id").asInt();
        Map<String, Object> config = producerConfig(pipeline);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(schema);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            for (Event event : events) {
                GenericData.Record record = new GenericData.Record(schema);
                event.fields().forEach(record::put);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.write(0);
                bytes.write(ByteBuffer.allocate(4).putInt(id).array());
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
                writer.write(record, encoder);
                encoder.flush();
                producer.send(
                        new ProducerRecord<>(
                                stream.topic(), event.entityId(), bytes.toByteArray()));
            }
            producer.flush();
        }
    }

    private static Map<String, Object> producerConfig(LocalPipeline pipeline) {
        Map<String, Object> config = new HashMap<>();
        config.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.endpoints().bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private static Map<TopicPartition, Long> endOffsets(LocalPipeline pipeline) throws Exception {
        return TopicOffsets.endOffsets(
                pipeline.endpoints().bootstrapServers(),
                List.of("transactions", "clicks", "transactions.dlq", "clicks.dlq"));
    }

    private static long sum(Map<TopicPartition, Long> ends, String topic) {
        return ends.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static Path resource(String name) {
        try {
            return Path.of(SchemaEvolutionEndToEndTest.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(name, e);
        }
    }
}
