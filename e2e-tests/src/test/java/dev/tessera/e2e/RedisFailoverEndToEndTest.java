package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.ApicurioRegistry;
import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.FreePorts;
import dev.tessera.dev.JwtIssuer;
import dev.tessera.dev.KafkaBroker;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.RedisCluster;
import dev.tessera.dev.RedisServer;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.StoreModel;
import dev.tessera.store.BlockingRedis;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer and the reader, as packaged, on a real Redis Cluster whose master is killed with
 * SIGKILL while the writer writes and the reader reads; its replica takes over, and both recover by
 * themselves. The store is compared to the reference ({@link StoreModel} of every update sent):
 * what was acknowledged and replicated before the kill is all there, and once every entity gets a
 * newer update after the failover, the whole store equals the reference. Writes acknowledged by the
 * killed master but not yet replicated are the only possible loss: counted and printed.
 */
class RedisFailoverEndToEndTest {

    static final Path ROOT = ExamplePipeline.ROOT;
    static final FeatureSpec SPEC = SpecParser.parse(ROOT.resolve("features.yaml"));
    static final String GROUP = "user_transactions_5m";
    static final long WINDOW = Duration.ofMinutes(5).toMillis();
    static final long BASE = 1_700_000_000_000L;
    static final int IDS = 200;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;
    static ApicurioRegistry registry;
    static KafkaBroker kafka;
    static RedisCluster cluster;
    static ChildProcess writer;
    static ChildProcess reader;
    static int readerPort;
    static JwtIssuer jwt;
    static KafkaProducer<String, GenericRecord> producer;

    @BeforeAll
    static void start() {
        registry = ApicurioRegistry.start(dir.resolve("registry"));
        kafka = new KafkaBroker(dir.resolve("kafka"), 0);
        kafka.start();
        kafka.createTopic(FeatureSpec.DEFAULT_FEATURE_TOPIC, 2, Map.of("retention.ms", "-1"));
        cluster = new RedisCluster(dir.resolve("redis-cluster"));
        cluster.start();
        Path spec = ROOT.resolve("features.yaml").toAbsolutePath();

        Map<String, String> writerConfig = new LinkedHashMap<>(cluster.clientConfig());
        writerConfig.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        writerConfig.put("apicurio.registry.url", registry.url());
        writer =
                LocalPipeline.startService(
                        ROOT,
                        "feature-writer",
                        FreePorts.pick(),
                        FreePorts.pick(),
                        spec,
                        writerConfig,
                        Map.of(),
                        dir.resolve("logs/feature-writer.log"));
        jwt = JwtIssuer.loadOrCreate(dir.resolve("jwt"));
        Map<String, String> readerConfig = new LinkedHashMap<>(cluster.clientConfig());
        readerConfig.putAll(jwt.serviceConfig());
        readerPort = FreePorts.pick();
        reader =
                LocalPipeline.startService(
                        ROOT,
                        "feature-reader",
                        readerPort,
                        FreePorts.pick(),
                        spec,
                        readerConfig,
                        Map.of(),
                        dir.resolve("logs/feature-reader.log"));

        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        "apicurio.registry.url",
                        registry.url(),
                        "apicurio.registry.auto-register",
                        "true");
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        producer = new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable part :
                new AutoCloseable[] {producer, reader, writer, cluster, kafka, registry}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                // stop the others anyway
            }
        }
    }

    @Test
    void aKilledMastersReplicaTakesOverAndNothingReplicatedIsLost() throws Exception {
        StoreModel reference = new StoreModel(SPEC);
        Predicate<String> before = id -> id.startsWith("before-");
        Predicate<String> during = id -> id.startsWith("during-");

        // Acknowledged and replicated before the kill.
        for (int window = 1; window <= 3; window++) {
            sendRound("before-", window, reference);
        }
        producer.flush();
        awaitEqual(reference, before, Duration.ofSeconds(60));
        cluster.awaitReplicated();

        ReaderProbe probe = new ReaderProbe();
        Thread reads = new Thread(probe, "reader-probe");
        reads.start();
        RedisServer killed;
        long killedAt;
        long failedOverAt;
        try {
            // Under writes: rounds of newer windows for other ids, 10 per second.
            int round = 1;
            for (; round <= 20; round++) {
                sendRound("during-", round, reference);
                Thread.sleep(100);
            }
            killed = cluster.masters().get(0);
            killedAt = System.nanoTime();
            killed.process().kill9();
            killed.stop();
            CompletableFuture<Long> promoted =
                    CompletableFuture.supplyAsync(
                            () -> {
                                cluster.awaitHealthy();
                                return System.nanoTime();
                            });
            for (; round <= 60; round++) {
                sendRound("during-", round, reference);
                Thread.sleep(100);
            }
            producer.flush();
            failedOverAt = promoted.get();
            // Reads after the failover, through a topology the reader found by itself.
            Thread.sleep(3_000);
        } finally {
            probe.running.set(false);
            reads.join();
        }

        assertThat(cluster.masters()).hasSize(3).doesNotContain(killed);
        assertThat(differences(reference, before))
                .as("acknowledged and replicated before the kill")
                .isEmpty();
        // Left to settle: what the stream wrote, less what only the killed master had.
        List<String> lost = awaitEqual(reference, during, Duration.ofSeconds(60));

        // Every id gets a newer update after the failover: the writer writes on by itself.
        sendRound("during-", 61, reference);
        producer.flush();
        assertThat(awaitEqual(reference, id -> true, Duration.ofSeconds(60)))
                .as("the whole store against the reference")
                .isEmpty();

        List<Long> failedReads = probe.failedAtNanos();
        System.out.printf(
                "Redis failover: replica promoted %d ms after the kill; reader: %d of %d"
                        + " requests failed, the last %d ms after the kill; writes lost to"
                        + " asynchronous replication: %d%n",
                Duration.ofNanos(failedOverAt - killedAt).toMillis(),
                failedReads.size(),
                probe.requests(),
                failedReads.isEmpty()
                        ? 0
                        : Duration.ofNanos(failedReads.get(failedReads.size() - 1) - killedAt)
                                .toMillis(),
                lost.size());
        assertThat(failedReads)
                .as("the reader fails only until the replica took over")
                .allMatch(at -> at < failedOverAt + Duration.ofSeconds(2).toNanos());
        assertThat(probe.requests()).isGreaterThan(failedReads.size());
    }

    /** One update of window {@code window} for each of the ids, sent and applied to the model. */
    private static void sendRound(String prefix, int window, StoreModel reference) {
        for (int i = 0; i < IDS; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("txn_count_5m", (long) window * 1_000 + i);
            values.put("txn_amount_sum_5m", window + i / 2.0);
            FeatureUpdate update =
                    FeatureUpdate.values(
                            "user", prefix + i, GROUP, BASE + window * WINDOW, 1, values);
            reference.apply(update);
            producer.send(
                    new ProducerRecord<>(
                            FeatureSpec.DEFAULT_FEATURE_TOPIC,
                            update.entityId(),
                            AvroSchemas.toAvro(update)));
        }
    }

    /**
     * Waits until the store's ids that pass equal the reference, or {@code timeout}; returns the
     * last differences.
     */
    private static List<String> awaitEqual(
            StoreModel reference, Predicate<String> ids, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> differences = differences(reference, ids);
        while (!differences.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            differences = differences(reference, ids);
        }
        return differences;
    }

    private static List<String> differences(StoreModel reference, Predicate<String> ids) {
        try (BlockingRedis redis =
                BlockingRedis.connectCluster(Arrays.asList(cluster.uris().split(",")))) {
            return RecoveryScenario.differences(
                    RedisSnapshot.of(reference, ids), RedisSnapshot.read(redis, SPEC, ids));
        }
    }

    /**
     * Reads the "before" ids' features (stale by their old event times, never missing) in many-id
     * requests until stopped, noting when one fails.
     */
    static final class ReaderProbe implements Runnable {

        final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<Long> failures = new ConcurrentLinkedQueue<>();
        private int requests;

        @Override
        public void run() {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < IDS; i += 4) {
                ids.add("before-" + i);
            }
            try {
                String body =
                        JSON.writeValueAsString(
                                Map.of("ids", ids, "names", List.of("txn_count_5m")));
                HttpRequest request =
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:"
                                                        + readerPort
                                                        + "/v1/features/user"))
                                .header("Authorization", "Bearer " + jwt.token("read:user"))
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build();
                while (running.get()) {
                    requests++;
                    HttpResponse<String> response;
                    try {
                        response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException e) {
                        response = null;
                    }
                    // Every id read is stored: MISSING would be a loss.
                    if (response == null
                            || response.statusCode() != 200
                            || response.body().contains("\"MISSING\"")) {
                        failures.add(System.nanoTime());
                    }
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException("the reader probe failed", e);
            }
        }

        int requests() {
            return requests;
        }

        List<Long> failedAtNanos() {
            return new ArrayList<>(failures);
        }
    }
}
