package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.LocalPipeline.FlinkDeployment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./run.sh} never runs on half-dead: under its supervisor, a job killed with {@code kill -9}
 * resumes from its latest checkpoint (its state continues: a rolling tile keeps the events read
 * before the kill) and says so, a killed service is restarted, and a lost Redis stops everything
 * with a message.
 */
class SupervisionEndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir Path dataDir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final List<String> stops = new CopyOnWriteArrayList<>();

    @Test
    void aKilledJobResumesAKilledServiceRestartsAndALostRedisStopsEverything() throws Exception {
        try (LocalPipeline pipeline = startSupervised(FlinkDeployment.MINI_CLUSTER)) {
            PipelineClient client = new PipelineClient(pipeline);
            long time = serveTwoEvents(pipeline, client);

            pipeline.job().kill9();
            await(
                    "the job resumed from a checkpoint",
                    () -> console().contains("The Flink job resumed"));
            assertThat(console())
                    .contains("The Flink job exited with status 137 (killed by signal 9)")
                    .contains("Restoring the job's state from");
            post(client, PipelineClient.transaction("u1", time, 5.25));
            await("the tile continued after the restart", () -> rollingSum(client) == 35.75);

            pipeline.service("ingest-gateway").kill9();
            await(
                    "the gateway restarted",
                    () -> console().contains("ingest-gateway is running again."));
            post(client, PipelineClient.transaction("u2", System.currentTimeMillis(), 1.0));

            pipeline.infra().redis().process().kill9();
            await("everything stopped", () -> !stops.isEmpty());
            assertThat(stops.get(0)).startsWith("Redis exited with status 137");
        }
    }

    /**
     * {@code ./run.sh --flink-cluster}: a TaskManager killed with {@code kill -9} is replaced and
     * Flink restores the job onto it; a JobManager killed takes its job along (no high availability
     * here), so a new cluster starts and the job resubmitted resumes from the latest checkpoint.
     */
    @Test
    void onASessionClusterALostTaskManagerIsReplacedAndALostJobManagerResumesTheJob()
            throws Exception {
        try (LocalPipeline pipeline = startSupervised(FlinkDeployment.SESSION_CLUSTER)) {
            PipelineClient client = new PipelineClient(pipeline);
            long time = serveTwoEvents(pipeline, client);

            pipeline.flinkCluster().taskManagers().get(0).process().kill9();
            await(
                    "a TaskManager started in place of the lost one",
                    () -> console().contains("Started taskmanager-3"));
            post(client, PipelineClient.transaction("u1", time, 5.25));
            await(
                    "the tile continued after the TaskManager loss",
                    () -> rollingSum(client) == 35.75);
            RecoveryScenario.awaitCheckpointAfter(
                    pipeline.checkpointDir(), System.currentTimeMillis());

            pipeline.flinkCluster().jobManager().kill9();
            await(
                    "the job resubmitted to a new cluster",
                    () -> console().contains("The Flink JobManager is running again."));
            assertThat(console())
                    .contains("The Flink JobManager exited with status 137 (killed by signal 9)")
                    .contains("The Flink job resumed: Restoring the job's state from");
            post(client, PipelineClient.transaction("u1", time, 1.0));
            await("the tile continued on the new cluster", () -> rollingSum(client) == 36.75);
            assertThat(stops).isEmpty();
        }
    }

    private LocalPipeline startSupervised(FlinkDeployment flink) {
        LocalPipeline pipeline =
                LocalPipeline.start(
                        PipelineEndToEndTest.ROOT,
                        PipelineEndToEndTest.ROOT.resolve("features.yaml"),
                        dataDir,
                        LocalPipeline.Ports.free(),
                        flink,
                        List.of("--checkpoint-interval", "1s"));
        pipeline.supervise(new PrintStream(output, true, StandardCharsets.UTF_8), stops::add);
        return pipeline;
    }

    /** What the supervisor printed so far. */
    private String console() {
        return output.toString(StandardCharsets.UTF_8);
    }

    /**
     * Two events of one instant served (one tile of the rolling sum holds them all) and a
     * checkpoint taken after them; returns the instant, for later events into the same tile.
     */
    private static long serveTwoEvents(LocalPipeline pipeline, PipelineClient client)
            throws Exception {
        long time = System.currentTimeMillis() - 2_000;
        post(client, PipelineClient.transaction("u1", time, 10.5));
        post(client, PipelineClient.transaction("u1", time, 20.0));
        await("the first two events served", () -> rollingSum(client) == 30.5);
        RecoveryScenario.awaitCheckpointAfter(pipeline.checkpointDir(), System.currentTimeMillis());
        return time;
    }

    private static void post(PipelineClient client, String event) {
        assertThat(client.post("transactions", event).statusCode()).isEqualTo(202);
    }

    private static double rollingSum(PipelineClient client) {
        JsonNode value = client.features("user", "u1", "txn_amount_sum_1h").path("features");
        return value.path("txn_amount_sum_1h").path("value").asDouble(-1);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
