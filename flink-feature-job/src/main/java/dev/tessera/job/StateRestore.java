package dev.tessera.job;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * Where the job's state comes from when it starts: nothing (a new job reads its sources from the
 * consumer group's committed offsets), a savepoint or checkpoint given by path, or the newest
 * completed checkpoint under the job's checkpoint directory.
 *
 * @param savepoint the savepoint (or retained checkpoint) to restore, or empty
 * @param resumeLatest restore the newest completed checkpoint under {@link
 *     Checkpointing#checkpointDir()} or savepoint under {@link Checkpointing#savepointDir()}, if
 *     there is one
 * @param allowNonRestoredState let state of operators the job no longer has be dropped (needed when
 *     an upgrade removes a feature), rather than refuse to start
 */
public record StateRestore(
        Optional<String> savepoint, boolean resumeLatest, boolean allowNonRestoredState) {

    public StateRestore {
        Objects.requireNonNull(savepoint, "savepoint");
        if (savepoint.isPresent() && resumeLatest) {
            throw new IllegalArgumentException(
                    "restore either a savepoint or the latest checkpoint, not both");
        }
    }

    /** A fresh start. */
    public static StateRestore none() {
        return new StateRestore(Optional.empty(), false, false);
    }

    /**
     * The path of the savepoint or checkpoint to restore, if any; the latest checkpoint is looked
     * up now, in a local checkpoint directory.
     */
    public Optional<String> path(Checkpointing checkpointing) {
        if (savepoint.isPresent()) {
            return savepoint;
        }
        if (!resumeLatest) {
            return Optional.empty();
        }
        String dir =
                checkpointing
                        .checkpointDir()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "resuming the latest checkpoint needs a"
                                                        + " checkpoint directory"));
        // On a cluster, the Flink Kubernetes Operator restores the last state itself.
        Path local =
                Checkpointing.localDir(dir)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "resuming the latest checkpoint needs a local"
                                                        + " checkpoint directory, not "
                                                        + dir));
        Optional<Path> savepoints = checkpointing.savepointDir().flatMap(Checkpointing::localDir);
        return Checkpointing.latestState(local, savepoints).map(Path::toString);
    }

    /** The Flink options restoring {@code path}. */
    public Configuration configuration(String path) {
        Configuration conf = new Configuration();
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path);
        conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
        return conf;
    }
}
