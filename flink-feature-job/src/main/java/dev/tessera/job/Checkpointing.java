package dev.tessera.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;

/**
 * How the job checkpoints and where its state lives: the one place these are configured, applied to
 * the job's Flink {@link Configuration} by {@link #configuration()}.
 *
 * @param interval how often a checkpoint starts; the Kafka sink flushes (at-least-once) or commits
 *     its transaction (exactly-once) on each, so it bounds how late exactly-once values become
 *     visible
 * @param timeout a checkpoint taking longer fails
 * @param minPause the least time between the end of one checkpoint and the start of the next
 * @param unaligned unaligned checkpoints: barriers overtake buffered records, so checkpoints stay
 *     short under backpressure, at the price of storing in-flight records
 * @param stateBackend where operator state lives between checkpoints
 * @param checkpointDir where checkpoints are written (a path or a file system URI such as {@code
 *     s3://...}), or empty for the cluster's configuration; they are kept when the job is
 *     cancelled, so a new run can resume from the latest one
 * @param savepointDir the default target of savepoints, or empty for the cluster's configuration
 */
public record Checkpointing(
        Duration interval,
        Duration timeout,
        Duration minPause,
        boolean unaligned,
        StateBackend stateBackend,
        Optional<String> checkpointDir,
        Optional<String> savepointDir) {

    /** Flink's state backends, as {@code state.backend.type} names them. */
    public enum StateBackend {
        /** State as objects on the JVM heap: fastest, bounded by memory. */
        HASHMAP,
        /** State in embedded RocksDB on local disk, checkpointed incrementally. */
        ROCKSDB;

        /** The name in Flink's configuration and on the command line. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static StateBackend of(String name) {
            for (StateBackend backend : values()) {
                if (backend.configName().equals(name)) {
                    return backend;
                }
            }
            throw new IllegalArgumentException("must be hashmap or rocksdb, was " + name);
        }
    }

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** Where a completed checkpoint's metadata is: {@code <dir>/<job id>/chk-<n>/_metadata}. */
    static final String METADATA_FILE = "_metadata";

    private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-(\\d+)");
    private static final Pattern URI_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:/");

    public Checkpointing {
        Objects.requireNonNull(stateBackend, "stateBackend");
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(savepointDir, "savepointDir");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the checkpoint interval must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the checkpoint timeout must be positive");
        }
        if (minPause.isNegative()) {
            throw new IllegalArgumentException(
                    "the pause between checkpoints must not be negative");
        }
    }

    /** Every 10 s, 10 min timeout, no pause, aligned, hashmap state, the cluster's directories. */
    public static Checkpointing defaults() {
        return new Checkpointing(
                DEFAULT_INTERVAL,
                DEFAULT_TIMEOUT,
                Duration.ZERO,
                false,
                StateBackend.HASHMAP,
                Optional.empty(),
                Optional.empty());
    }

    /** These settings as Flink configuration options. */
    public Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, timeout);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, minPause);
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, unaligned);
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend.configName());
        // Off even if the cluster's configuration turns it on: the changelog logs only what is
        // put, and panes and tiles on heap state are changed in place (StoredInPlace).
        conf.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, false);
        // Incremental checkpoints upload only RocksDB's new files; the hashmap backend ignores it.
        conf.set(
                CheckpointingOptions.INCREMENTAL_CHECKPOINTS, stateBackend == StateBackend.ROCKSDB);
        checkpointDir.ifPresent(
                dir -> {
                    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, uri(dir));
                    conf.set(
                            CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                            ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
                });
        savepointDir.ifPresent(dir -> conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, uri(dir)));
        return conf;
    }

    /**
     * The newest completed checkpoint or savepoint in local directories: of the {@code <job
     * id>/chk-<n>} directories of {@code checkpointDir} and the {@code savepoint-*} directories of
     * {@code savepointDir} that hold a {@code _metadata} file, the one whose metadata was written
     * last (checkpoint numbers restart with a job that does not resume, times do not). A savepoint
     * taken when the job was stopped is newer than its last checkpoint, and only the savepoint
     * matches the transactions the stop committed.
     */
    public static Optional<Path> latestState(Path checkpointDir, Optional<Path> savepointDir) {
        Stream<Path> checkpoints =
                subdirectories(checkpointDir)
                        .flatMap(
                                jobDir ->
                                        subdirectories(jobDir)
                                                .filter(
                                                        dir ->
                                                                CHECKPOINT_DIR
                                                                        .matcher(name(dir))
                                                                        .matches()));
        Stream<Path> savepoints =
                savepointDir.stream()
                        .flatMap(Checkpointing::subdirectories)
                        .filter(dir -> name(dir).startsWith("savepoint-"));
        return Stream.concat(checkpoints, savepoints)
                .filter(dir -> Files.isRegularFile(dir.resolve(METADATA_FILE)))
                .max(
                        Comparator.comparing(Checkpointing::metadataTime)
                                .thenComparing(Checkpointing::checkpointNumber));
    }

    private static Stream<Path> subdirectories(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String name(Path dir) {
        return dir.getFileName().toString();
    }

    private static long metadataTime(Path checkpoint) {
        try {
            return Files.getLastModifiedTime(checkpoint.resolve(METADATA_FILE)).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long checkpointNumber(Path checkpoint) {
        Matcher m = CHECKPOINT_DIR.matcher(name(checkpoint));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * A file system URI as is; a path without a scheme is a local one, made absolute so that it
     * does not depend on the working directory of whichever process reads it.
     */
    static String uri(String dir) {
        return localDir(dir).map(path -> "file://" + path).orElse(dir);
    }

    /** The local directory {@code dir} names (a path or a {@code file:} URI), if it is local. */
    static Optional<Path> localDir(String dir) {
        if (dir.startsWith("file:")) {
            return Optional.of(Path.of(URI.create(dir).getPath()));
        }
        if (URI_SCHEME.matcher(dir).lookingAt()) {
            return Optional.empty();
        }
        return Optional.of(Path.of(dir).toAbsolutePath().normalize());
    }
}
