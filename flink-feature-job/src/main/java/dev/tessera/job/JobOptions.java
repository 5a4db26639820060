package dev.tessera.job;

import dev.tessera.spec.model.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The command line of {@link JobLauncher#main}.
 *
 * @param local run in an in-process MiniCluster with the Flink web UI, for development
 * @param webUiPort the web UI's port when {@code local}
 * @param metricsPort the port of Flink's Prometheus reporter when {@code local}, or empty for none
 *     (on a cluster, the reporter is configured in the cluster's Flink configuration)
 * @param parallelism the job's default parallelism, or empty for the cluster's (or, local, the
 *     number of cores)
 * @param checkpointing checkpoints and state backend
 * @param restore the savepoint or checkpoint the job starts from, if any
 * @param tileEmitInterval how long the dirty tiles of an entity id's rolling features may wait to
 *     be emitted together; 0 emits one tile update per event
 * @param bufferTimeout how long a record may wait in a network buffer between operators for the
 *     buffer to fill (Flink's {@code execution.buffer-timeout.interval}); Flink's 100 ms default is
 *     a throughput setting, and at a few thousand events per second each exchange of the job waited
 *     most of it
 */
public record JobOptions(
        Path spec,
        KafkaConnectors kafka,
        boolean local,
        int webUiPort,
        OptionalInt metricsPort,
        OptionalInt parallelism,
        Checkpointing checkpointing,
        StateRestore restore,
        Duration tileEmitInterval,
        Duration bufferTimeout) {

    static final String USAGE =
            """
            Usage: JobLauncher --spec features.yaml --bootstrap-servers HOST:PORT \
            --registry-url http://HOST:PORT/apis/registry/v3
                [--local] [--web-ui-port 8081] [--metrics-port 9249] [--parallelism N]
                [--tile-emit-interval 200ms] [--buffer-timeout 5ms]
                [--group-id tessera-feature-job] [--delivery at-least-once|exactly-once]
                [--transactional-id-prefix tessera-feature-job]
                [--kafka-properties FILE (Kafka client settings: security.protocol, sasl.*, ssl.*)]
              Checkpoints and state:
                [--checkpoint-interval 10s] [--checkpoint-timeout 10m] [--checkpoint-min-pause 0s]
                [--unaligned-checkpoints] [--state-backend hashmap|rocksdb]
                [--checkpoint-dir DIR|URI] [--savepoint-dir DIR|URI]
              Restore (at most one of the first two):
                [--savepoint PATH] [--resume-latest (the newest checkpoint in --checkpoint-dir)]
                [--allow-non-restored-state]""";

    /** The names (without {@code --}) of the options that take no value, e.g. {@code local}. */
    public static final Set<String> FLAGS =
            Set.of("local", "unaligned-checkpoints", "resume-latest", "allow-non-restored-state");

    /** The names (without {@code --}) of the options followed by a value, e.g. {@code spec}. */
    public static final Set<String> OPTIONS =
            Set.of(
                    "spec",
                    "bootstrap-servers",
                    "registry-url",
                    "web-ui-port",
                    "metrics-port",
                    "parallelism",
                    "checkpoint-interval",
                    "checkpoint-timeout",
                    "checkpoint-min-pause",
                    "state-backend",
                    "checkpoint-dir",
                    "savepoint-dir",
                    "savepoint",
                    "tile-emit-interval",
                    "buffer-timeout",
                    "group-id",
                    "delivery",
                    "transactional-id-prefix",
                    "kafka-properties");

    /** Parses the arguments; an {@link IllegalArgumentException} says what is wrong. */
    public static JobOptions parse(String... args) {
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (key != null && FLAGS.contains(key)) {
                flags.add(key);
            } else if (key != null && OPTIONS.contains(key)) {
                if (i + 1 == args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                options.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        KafkaConnectors kafka =
                new KafkaConnectors(
                        required(options, "bootstrap-servers"),
                        required(options, "registry-url"),
                        options.getOrDefault("group-id", FeatureJob.JOB_NAME),
                        delivery(options.getOrDefault("delivery", "at-least-once")),
                        options.getOrDefault("transactional-id-prefix", FeatureJob.JOB_NAME),
                        kafkaProperties(options));
        return new JobOptions(
                Path.of(required(options, "spec")),
                kafka,
                flags.contains("local"),
                options.containsKey("web-ui-port") ? positive(options, "web-ui-port") : 8081,
                options.containsKey("metrics-port")
                        ? OptionalInt.of(positive(options, "metrics-port"))
                        : OptionalInt.empty(),
                options.containsKey("parallelism")
                        ? OptionalInt.of(positive(options, "parallelism"))
                        : OptionalInt.empty(),
                checkpointing(options, flags),
                restore(options, flags),
                duration(options, "tile-emit-interval", "200ms"),
                duration(options, "buffer-timeout", "5ms"));
    }

    /**
     * The Kafka client settings of {@code --kafka-properties}: a file, so that credentials never
     * show on a command line (mount it from a Secret).
     */
    private static Map<String, String> kafkaProperties(Map<String, String> options) {
        String file = options.get("kafka-properties");
        if (file == null) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--kafka-properties: cannot read " + file + ": " + e);
        }
        Map<String, String> settings = new HashMap<>();
        properties
                .stringPropertyNames()
                .forEach(name -> settings.put(name, properties.getProperty(name)));
        return settings;
    }

    private static Checkpointing checkpointing(Map<String, String> options, Set<String> flags) {
        Duration interval = duration(options, "checkpoint-interval", "10s");
        if (interval.isZero()) {
            throw new IllegalArgumentException("--checkpoint-interval must be positive");
        }
        Duration timeout = duration(options, "checkpoint-timeout", "10m");
        if (timeout.isZero()) {
            throw new IllegalArgumentException("--checkpoint-timeout must be positive");
        }
        Checkpointing.StateBackend backend;
        try {
            backend =
                    Checkpointing.StateBackend.of(options.getOrDefault("state-backend", "hashmap"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--state-backend " + e.getMessage());
        }
        return new Checkpointing(
                interval,
                timeout,
                duration(options, "checkpoint-min-pause", "0s"),
                flags.contains("unaligned-checkpoints"),
                backend,
                Optional.ofNullable(options.get("checkpoint-dir")),
                Optional.ofNullable(options.get("savepoint-dir")));
    }

    private static StateRestore restore(Map<String, String> options, Set<String> flags) {
        boolean resumeLatest = flags.contains("resume-latest");
        if (resumeLatest && options.containsKey("savepoint")) {
            throw new IllegalArgumentException(
                    "--savepoint and --resume-latest exclude each other");
        }
        if (resumeLatest && !options.containsKey("checkpoint-dir")) {
            throw new IllegalArgumentException("--resume-latest needs --checkpoint-dir");
        }
        return new StateRestore(
                Optional.ofNullable(options.get("savepoint")),
                resumeLatest,
                flags.contains("allow-non-restored-state"));
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    private static int positive(Map<String, String> options, String key) {
        String text = options.get(key);
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the option's name
        }
        throw new IllegalArgumentException("--" + key + " must be a positive number, was " + text);
    }

    private static Duration duration(Map<String, String> options, String key, String fallback) {
        try {
            return Durations.parse(options.getOrDefault(key, fallback));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + key + ": " + e.getMessage());
        }
    }

    private static DeliveryGuarantee delivery(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            default ->
                    throw new IllegalArgumentException(
                            "--delivery must be at-least-once or exactly-once, was " + text);
        };
    }
}
