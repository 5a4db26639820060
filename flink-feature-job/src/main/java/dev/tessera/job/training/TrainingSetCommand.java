package dev.tessera.job.training;

import dev.tessera.job.FeatureJob;
import dev.tessera.job.JobOptions;
import dev.tessera.job.KafkaConnectors;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code ./tessera training-set}: a training set from the kept events of the streams its features
 * read, with the production job's operators ({@link TrainingSetJob}) on a MiniCluster in this JVM.
 * Refuses when a topic no longer starts at offset 0: retention deleted events, and every feature
 * would be computed without them.
 */
public final class TrainingSetCommand {

    static final String USAGE =
            """
            usage: ./tessera training-set --spine FILE --features NAME[,NAME...] --out FILE
                [--format parquet|csv (default: by --out's extension, else parquet)]
                [--id-column COLUMN (default: the entity's key, e.g. user_id)] [--time-column ts]
                [--spec features.yaml]
                [--bootstrap-servers HOST:PORT (default: $TESSERA_BOOTSTRAP_SERVERS, else localhost:9092)]
                [--registry-url URL (default: $TESSERA_REGISTRY_URL, else
                  http://localhost:8085/apis/registry/v3, where ./run.sh puts them)]
                [--kafka-properties FILE (Kafka client settings: security.protocol, sasl.*, ssl.*)]
                [--parallelism 2]
              The spine: Parquet or CSV rows of an entity id and a time (ISO-8601 or epoch millis),
              and any label columns. The output: the spine's columns, then per feature its value as
              of the row's time and its status (<feature>_status: PRESENT, STALE or MISSING).
              Exit 0 when written, 1 when the events cannot be replayed, 2 on bad usage.""";

    private static final Set<String> OPTIONS =
            Set.of(
                    "spine",
                    "features",
                    "out",
                    "format",
                    "id-column",
                    "time-column",
                    "spec",
                    "bootstrap-servers",
                    "registry-url",
                    "kafka-properties",
                    "parallelism");

    private TrainingSetCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        Map<String, String> options;
        FeatureSpec spec;
        List<Feature> features;
        KafkaConnectors kafka;
        String specYaml;
        Path specPath;
        Path spinePath;
        Path outPath;
        TrainingSetTable.Format format;
        try {
            options = options(args);
            specPath = Path.of(options.getOrDefault("spec", "features.yaml"));
            specYaml = Files.readString(specPath);
            spec = SpecParser.parse(specPath.toString(), specYaml);
            features = features(spec, required(options, "features"));
            kafka =
                    JobOptions.parse(
                                    jobArgs(
                                            specPath,
                                            option(
                                                    options,
                                                    "bootstrap-servers",
                                                    "TESSERA_BOOTSTRAP_SERVERS",
                                                    "localhost:9092"),
                                            option(
                                                    options,
                                                    "registry-url",
                                                    "TESSERA_REGISTRY_URL",
                                                    "http://localhost:8085/apis/registry/v3"),
                                            options.get("kafka-properties")))
                            .kafka();
            spinePath = Path.of(required(options, "spine"));
            outPath = Path.of(required(options, "out"));
            format =
                    options.containsKey("format")
                            ? TrainingSetTable.Format.valueOf(
                                    options.get("format").toUpperCase(Locale.ROOT))
                            : TrainingSetTable.Format.of(outPath);
        } catch (IllegalArgumentException e) {
            err.println("training-set: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Entity entity = spec.group(features.get(0).group()).orElseThrow().entity();
        long started = System.nanoTime();
        try (TrainingSetTable table = new TrainingSetTable(spinePath, features)) {
            List<SpineRow> spine;
            try {
                spine =
                        table.rows(
                                options.getOrDefault("id-column", entity.key()),
                                options.getOrDefault("time-column", "ts"));
            } catch (IllegalArgumentException e) {
                err.println("training-set: " + e.getMessage());
                return 2;
            }
            long events;
            try {
                events = keptEvents(kafka, spec);
            } catch (IllegalStateException e) {
                err.println("training-set: " + e.getMessage());
                return 1;
            }
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(
                            Integer.parseInt(options.getOrDefault("parallelism", "2")));
            TrainingSetJob job =
                    new TrainingSetJob(
                            spec,
                            specPath.toString(),
                            specYaml,
                            features,
                            kafka.replaySources(spec),
                            spine);
            try (CloseableIterator<TrainingRow> rows =
                    job.build(env).executeAndCollect(TrainingSetJob.JOB_NAME)) {
                while (rows.hasNext()) {
                    table.append(rows.next());
                }
            }
            long written = table.write(outPath, format);
            out.printf(
                    "training set: %d rows x %d features over %d kept events in %.1f s -> %s%n",
                    written, features.size(), events, (System.nanoTime() - started) / 1e9, outPath);
            return 0;
        }
    }

    /**
     * The events the topics of the job's input streams hold; throws when one no longer starts at
     * offset 0.
     */
    private static long keptEvents(KafkaConnectors kafka, FeatureSpec spec) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        config.put("default.api.timeout.ms", "20000");
        long events = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            for (Stream stream : FeatureJob.inputStreams(spec)) {
                List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(stream.topic())
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                for (TopicPartition partition : partitions) {
                    if (first.get(partition) > 0) {
                        throw new IllegalStateException(
                                partition
                                        + " starts at offset "
                                        + first.get(partition)
                                        + ": retention deleted the events before it, and features"
                                        + " computed without them would be wrong. Keep event topics"
                                        + " with retention.ms=-1 (README, \"Training data\").");
                    }
                    events += end.get(partition);
                }
            }
        } catch (KafkaException e) {
            throw new IllegalStateException(
                    "cannot read the offsets of the event topics: " + e.getMessage());
        }
        return events;
    }

    private static List<Feature> features(FeatureSpec spec, String names) {
        List<Feature> features = new ArrayList<>();
        for (String name : names.split(",")) {
            Feature feature =
                    spec.feature(name.strip())
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "unknown feature '" + name.strip() + "'"));
            features.add(feature);
        }
        Set<String> entities = new TreeSet<>();
        features.forEach(f -> entities.add(spec.group(f.group()).orElseThrow().entity().name()));
        if (entities.size() > 1) {
            throw new IllegalArgumentException(
                    "the features are of several entities " + entities + ": one at a time");
        }
        return features;
    }

    private static String[] jobArgs(
            Path spec, String bootstrap, String registry, String kafkaProperties) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--spec",
                                spec.toString(),
                                "--bootstrap-servers",
                                bootstrap,
                                "--registry-url",
                                registry,
                                "--group-id",
                                TrainingSetJob.JOB_NAME));
        if (kafkaProperties != null) {
            args.addAll(List.of("--kafka-properties", kafkaProperties));
        }
        return args.toArray(String[]::new);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (key == null || !OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            options.put(key, args[++i]);
        }
        return options;
    }

    /** An option, else the environment variable, else the default (that of {@code ./run.sh}). */
    private static String option(
            Map<String, String> options, String key, String variable, String fallback) {
        String value = options.get(key);
        if (value == null) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }
}
