package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointingTest {

    @TempDir Path dir;

    @Test
    void setsFlinksCheckpointAndStateBackendOptions() {
        Configuration conf =
                new Checkpointing(
                                Duration.ofSeconds(1),
                                Duration.ofMinutes(2),
                                Duration.ofMillis(100),
                                true,
                                Checkpointing.StateBackend.ROCKSDB,
                                Optional.of("s3://bucket/checkpoints"),
                                Optional.of("/var/savepoints"))
                        .configuration();

        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
                .isEqualTo(Duration.ofMillis(100));
        assertThat(conf.get(CheckpointingOptions.ENABLE_UNALIGNED)).isTrue();
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("s3://bucket/checkpoints");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .isEqualTo("file:///var/savepoints");
    }

    @Test
    void defaultsToHashmapStateAndTheClustersDirectories() {
        Configuration conf = Checkpointing.defaults().configuration();

        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThat(conf.get(CheckpointingOptions.ENABLE_UNALIGNED)).isFalse();
        assertThat(conf.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isFalse();
        assertThat(conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();
        assertThat(conf.contains(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isFalse();
    }

    @Test
    void theLatestStateIsTheCheckpointOrSavepointWhoseMetadataWasWrittenLast() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        Optional<Path> savepoints = Optional.of(dir.resolve("savepoints"));
        assertThat(Checkpointing.latestState(checkpoints, savepoints)).isEmpty();
        Files.createDirectories(checkpoints);
        assertThat(Checkpointing.latestState(checkpoints, savepoints)).isEmpty();

        // A first run got to checkpoint 7; a second, resumed, to 9, whose chk-10 is unfinished.
        metadata("checkpoints/job-a/chk-7", 1_000);
        metadata("checkpoints/job-b/chk-9", 2_000);
        Files.createDirectories(checkpoints.resolve("job-b/chk-10"));
        Files.createDirectories(checkpoints.resolve("job-b/shared"));
        assertThat(Checkpointing.latestState(checkpoints, savepoints))
                .hasValue(checkpoints.resolve("job-b/chk-9"));

        // The second run was stopped with a savepoint.
        metadata("savepoints/savepoint-0b1c2d-3e4f5a6b7c8d", 2_500);
        assertThat(Checkpointing.latestState(checkpoints, savepoints))
                .hasValue(dir.resolve("savepoints/savepoint-0b1c2d-3e4f5a6b7c8d"));
        assertThat(Checkpointing.latestState(checkpoints, Optional.empty()))
                .hasValue(checkpoints.resolve("job-b/chk-9"));

        // A third run that started afresh numbers from 1 again, yet is the newest.
        metadata("checkpoints/job-c/chk-1", 3_000);
        assertThat(Checkpointing.latestState(checkpoints, savepoints))
                .hasValue(checkpoints.resolve("job-c/chk-1"));
    }

    @Test
    void restoresTheLatestCheckpointOfALocalDirectoryOrAGivenSavepoint() throws IOException {
        Checkpointing checkpointing =
                new Checkpointing(
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(1),
                        Duration.ZERO,
                        false,
                        Checkpointing.StateBackend.HASHMAP,
                        Optional.of(dir.toString()),
                        Optional.empty());
        StateRestore latest = new StateRestore(Optional.empty(), true, false);
        assertThat(latest.path(checkpointing)).isEmpty();

        metadata("job-a/chk-3", 1_000);
        assertThat(latest.path(checkpointing)).hasValue(dir.resolve("job-a/chk-3").toString());
        assertThat(StateRestore.none().path(checkpointing)).isEmpty();
        StateRestore savepoint = new StateRestore(Optional.of("/sp/savepoint-1"), false, true);
        assertThat(savepoint.path(checkpointing)).hasValue("/sp/savepoint-1");

        Configuration conf = savepoint.configuration("/sp/savepoint-1");
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH)).isEqualTo("/sp/savepoint-1");
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE)).isTrue();

        Checkpointing remote =
                new Checkpointing(
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(1),
                        Duration.ZERO,
                        false,
                        Checkpointing.StateBackend.HASHMAP,
                        Optional.of("s3://bucket/checkpoints"),
                        Optional.empty());
        assertThatThrownBy(() -> latest.path(remote))
                .hasMessageContaining("needs a local checkpoint directory");
    }

    private void metadata(String path, long modifiedMillis) throws IOException {
        Path metadata = dir.resolve(path).resolve(Checkpointing.METADATA_FILE);
        Files.createDirectories(metadata.getParent());
        Files.writeString(metadata, "metadata");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(modifiedMillis));
    }
}
