package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The environment {@link JobLauncher} sets up from the command line, without running a job. */
class JobLauncherTest {

    private static final String[] REQUIRED = {
        "--spec", "features.yaml",
        "--bootstrap-servers", "localhost:9092",
        "--registry-url", "http://localhost:8085/apis/registry/v3"
    };

    @Test
    void aLocalRunHasTheWebUiThePrometheusReporterAndTheCheckpointSettings() {
        StreamExecutionEnvironment env =
                environment(
                        "--local",
                        "--web-ui-port",
                        "18081",
                        "--metrics-port",
                        "19249",
                        "--parallelism",
                        "3",
                        "--checkpoint-interval",
                        "1m",
                        "--state-backend",
                        "rocksdb");

        ReadableConfig conf = env.getConfiguration();
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(conf.get(RestOptions.PORT)).isEqualTo(18081);
        assertThat(conf.toMap())
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "19249");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    }

    @Test
    void aClusterRunStartsFromTheGivenSavepointWithoutAReporterOfItsOwn() {
        StreamExecutionEnvironment env =
                environment("--savepoint", "/savepoints/savepoint-1", "--allow-non-restored-state");

        ReadableConfig conf = env.getConfiguration();
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo("/savepoints/savepoint-1");
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isTrue();
        assertThat(conf.toMap()).doesNotContainKey("metrics.reporter.prom.port");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Checkpointing.DEFAULT_INTERVAL);
    }

    private static StreamExecutionEnvironment environment(String... args) {
        return JobLauncher.environment(
                JobOptions.parse(
                        Stream.concat(Stream.of(REQUIRED), Stream.of(args))
                                .toArray(String[]::new)));
    }
}
