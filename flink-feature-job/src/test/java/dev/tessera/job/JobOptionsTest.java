package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOptionsTest {

    private static final String[] REQUIRED = {
        "--spec", "features.yaml",
        "--bootstrap-servers", "localhost:9092",
        "--registry-url", "http://localhost:8085/apis/registry/v3"
    };

    @Test
    void defaultsToAClusterRunWithAtLeastOnceDelivery() {
        JobOptions options = JobOptions.parse(REQUIRED);

        assertThat(options.spec()).isEqualTo(Path.of("features.yaml"));
        assertThat(options.kafka())
                .isEqualTo(
                        new KafkaConnectors(
                                "localhost:9092",
                                "http://localhost:8085/apis/registry/v3",
                                "tessera-feature-job",
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                "tessera-feature-job"));
        assertThat(options.local()).isFalse();
        assertThat(options.webUiPort()).isEqualTo(8081);
        assertThat(options.parallelism()).isEmpty();
        assertThat(options.checkpointing()).isEqualTo(Checkpointing.defaults());
        assertThat(options.restore()).isEqualTo(StateRestore.none());
        assertThat(options.tileEmitInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void readsEveryOption() {
        JobOptions options =
                JobOptions.parse(
                        "--local",
                        "--spec",
                        "/etc/tessera/features.yaml",
                        "--bootstrap-servers",
                        "kafka:9092",
                        "--registry-url",
                        "http://registry:8080",
                        "--web-ui-port",
                        "18081",
                        "--metrics-port",
                        "19249",
                        "--parallelism",
                        "4",
                        "--checkpoint-interval",
                        "1m",
                        "--checkpoint-timeout",
                        "2m",
                        "--checkpoint-min-pause",
                        "500ms",
                        "--unaligned-checkpoints",
                        "--state-backend",
                        "rocksdb",
                        "--checkpoint-dir",
                        "s3://bucket/checkpoints",
                        "--savepoint-dir",
                        "/var/savepoints",
                        "--savepoint",
                        "/var/savepoints/savepoint-1",
                        "--allow-non-restored-state",
                        "--group-id",
                        "g",
                        "--delivery",
                        "exactly-once",
                        "--transactional-id-prefix",
                        "tx",
                        "--tile-emit-interval",
                        "0ms",
                        "--buffer-timeout",
                        "0ms");

        assertThat(options)
                .isEqualTo(
                        new JobOptions(
                                Path.of("/etc/tessera/features.yaml"),
                                new KafkaConnectors(
                                        "kafka:9092",
                                        "http://registry:8080",
                                        "g",
                                        DeliveryGuarantee.EXACTLY_ONCE,
                                        "tx"),
                                true,
                                18081,
                                OptionalInt.of(19249),
                                OptionalInt.of(4),
                                new Checkpointing(
                                        Duration.ofMinutes(1),
                                        Duration.ofMinutes(2),
                                        Duration.ofMillis(500),
                                        true,
                                        Checkpointing.StateBackend.ROCKSDB,
                                        Optional.of("s3://bucket/checkpoints"),
                                        Optional.of("/var/savepoints")),
                                new StateRestore(
                                        Optional.of("/var/savepoints/savepoint-1"), false, true),
                                Duration.ZERO,
                                Duration.ZERO));
    }

    @Test
    void readsKafkaClientSettingsFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(
                file,
                """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule \\
                  required username="job" password="s3cret";
                """);

        JobOptions options = JobOptions.parse(with("--kafka-properties", file.toString()));

        assertThat(options.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"job\" password=\"s3cret\";");
        assertThatThrownBy(
                        () ->
                                JobOptions.parse(
                                        with(
                                                "--kafka-properties",
                                                dir.resolve("missing").toString())))
                .hasMessageContaining("--kafka-properties: cannot read");
    }

    @Test
    void resumesTheLatestCheckpointOfTheCheckpointDirectory() {
        JobOptions options =
                JobOptions.parse(
                        with("--checkpoint-dir", ".tessera/checkpoints", "--resume-latest"));

        assertThat(options.restore()).isEqualTo(new StateRestore(Optional.empty(), true, false));
        assertThat(options.checkpointing().checkpointDir()).hasValue(".tessera/checkpoints");
    }

    @Test
    void saysWhatIsWrong() {
        assertThatThrownBy(() -> JobOptions.parse("--spec", "features.yaml"))
                .hasMessage("--bootstrap-servers is required");
        assertThatThrownBy(() -> JobOptions.parse(with("--parallelism", "0")))
                .hasMessage("--parallelism must be a positive number, was 0");
        assertThatThrownBy(() -> JobOptions.parse(with("--delivery", "none")))
                .hasMessage("--delivery must be at-least-once or exactly-once, was none");
        assertThatThrownBy(() -> JobOptions.parse(with("--paralelism", "2")))
                .hasMessage("unknown argument '--paralelism'");
        assertThatThrownBy(() -> JobOptions.parse(with("--group-id")))
                .hasMessage("--group-id needs a value");
        assertThatThrownBy(() -> JobOptions.parse(with("--checkpoint-interval", "10")))
                .hasMessageStartingWith("--checkpoint-interval: '10' is not a duration");
        assertThatThrownBy(() -> JobOptions.parse(with("--tile-emit-interval", "fast")))
                .hasMessageStartingWith("--tile-emit-interval: 'fast' is not a duration");
        assertThatThrownBy(() -> JobOptions.parse(with("--checkpoint-interval", "0s")))
                .hasMessage("--checkpoint-interval must be positive");
        assertThatThrownBy(() -> JobOptions.parse(with("--state-backend", "memory")))
                .hasMessage("--state-backend must be hashmap or rocksdb, was memory");
        assertThatThrownBy(() -> JobOptions.parse(with("--resume-latest")))
                .hasMessage("--resume-latest needs --checkpoint-dir");
        assertThatThrownBy(
                        () ->
                                JobOptions.parse(
                                        with(
                                                "--checkpoint-dir",
                                                "c",
                                                "--resume-latest",
                                                "--savepoint",
                                                "s")))
                .hasMessage("--savepoint and --resume-latest exclude each other");
    }

    private static String[] with(String... more) {
        String[] args = new String[REQUIRED.length + more.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(more, 0, args, REQUIRED.length, more.length);
        return args;
    }
}
