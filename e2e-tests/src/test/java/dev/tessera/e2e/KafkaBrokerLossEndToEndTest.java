package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.KafkaBroker;
import dev.tessera.dev.KafkaCluster;
import dev.tessera.dev.LocalInfra;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Kafka brokers, topics replicated three times with {@code min.insync.replicas} 2, as in
 * production: the broker leading the event topic's partition is killed with {@code kill -9} while
 * events are POSTed. No POST is answered other than 202 (the gateway's producer rides out the
 * leader election), the topic holds exactly the events answered 202, and the job and the writer go
 * on: Redis equals the reference, the streams' idleness longer than the failover's stall.
 */
class KafkaBrokerLossEndToEndTest {

    private static final int EVENTS = 6_000;
    private static final Duration PRODUCING = Duration.ofSeconds(30);

    /**
     * The streams' idleness here. A failover stalls the partitions the dead broker led (its session
     * timeout, the election, the consumers' reconnects: 5-15 s on this machine); a partition silent
     * longer than its idleness is left out of the watermark, the others move event time on, and its
     * events come back late for the as-of join. Idleness must exceed the stall, as in production.
     */
    private static final String IDLENESS = "30s";

    @TempDir Path dataDir;

    @Test
    void losingTheLeaderOfTheEventTopicLosesNoEventAndRefusesNone() throws Exception {
        long started = System.nanoTime();
        long seed = new Random().nextLong();
        System.out.println("KafkaBrokerLossEndToEndTest: seed " + seed);
        Random random = new Random(seed);
        String recoverySpec = Files.readString(RecoveryScenario.SPEC);
        assertThat(recoverySpec).contains("idleness: 10s");
        Path specFile = dataDir.resolve("features.yaml");
        Files.writeString(specFile, recoverySpec.replace("idleness: 10s", "idleness: " + IDLENESS));
        FeatureSpec spec = SpecParser.parse(specFile);
        List<Event> arrivals = RecoveryScenario.events(random, EVENTS);
        try (LocalPipeline pipeline =
                LocalPipeline.startOn(
                        LocalInfra.startWithKafkaBrokers(dataDir.resolve("infra"), 3),
                        PipelineEndToEndTest.ROOT,
                        specFile,
                        dataDir,
                        LocalPipeline.Ports.free(),
                        List.of("--checkpoint-interval", "1s"))) {
            KafkaCluster kafka = pipeline.infra().kafka();
            String topic = "transactions";
            assertThat(kafka.inSyncReplicas(topic, 0)).hasSize(3);
            RecoveryScenario.log(started, "pipeline up on three brokers");

            int warmUp = RecoveryScenario.postWarmUp(pipeline, arrivals);
            CompletableFuture<Void> posting =
                    CompletableFuture.runAsync(
                            () ->
                                    RecoveryScenario.post(
                                            pipeline,
                                            arrivals.subList(warmUp, arrivals.size()),
                                            PRODUCING));
            Thread.sleep(PRODUCING.toMillis() / 3);
            KafkaBroker leader = kafka.leaderOf(topic, 0).orElseThrow();
            leader.kill9();
            long killedAt = System.nanoTime();
            RecoveryScenario.log(started, "kill -9 broker " + leader.nodeId() + ", the leader");
            while (kafka.leaderOf(topic, 0).filter(now -> now != leader).isEmpty()) {
                Thread.sleep(100);
            }
            RecoveryScenario.log(
                    started,
                    String.format(
                            "broker %d leads after %d ms; in sync: %s",
                            kafka.leaderOf(topic, 0).orElseThrow().nodeId(),
                            (System.nanoTime() - killedAt) / 1_000_000,
                            kafka.inSyncReplicas(topic, 0)));
            // Every POST is asserted 202 as it is answered: a 503 fails here.
            posting.get();
            RecoveryScenario.log(started, "all events posted, each answered 202");

            Event closer = RecoveryScenario.closer(arrivals);
            RecoveryScenario.post(pipeline, List.of(closer), Duration.ZERO);
            List<Event> all = new ArrayList<>(arrivals);
            all.add(closer);
            assertThat(TopicOffsets.records(kafka.bootstrapServers(), List.of(topic)))
                    .as("records in %s: every event answered 202, once", topic)
                    .isEqualTo(all.stream().filter(event -> event.stream().equals(topic)).count());

            RedisSnapshot expected =
                    RedisSnapshot.of(
                            new Reference(spec).run(all).store(spec),
                            RecoveryScenario.TEST_ENTITIES);
            List<String> differences =
                    RecoveryScenario.awaitStore(
                            pipeline, spec, expected, key -> true, RecoveryScenario.RESULT_TIMEOUT);
            assertThat(differences).as("Redis against the reference").isEmpty();
            RecoveryScenario.log(started, "Redis equals the reference");
        }
    }
}
