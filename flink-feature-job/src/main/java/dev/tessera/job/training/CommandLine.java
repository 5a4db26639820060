package dev.tessera.job.training;

import dev.tessera.job.FeatureJob;
import dev.tessera.job.JobOptions;
import dev.tessera.job.KafkaConnectors;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the commands that replay kept events share: their common options (the spec, where Kafka and
 * the registry are, the parallelism), the check that the event topics still hold every event, and
 * the run of a training set on a MiniCluster in this JVM.
 */
final class CommandLine {

    /** The options every replaying command takes, documented in each command's usage. */
    static final Set<String> COMMON_OPTIONS =
            Set.of(
                    "spec",
                    "bootstrap-servers",
                    "registry-url",
                    "kafka-properties",
                    "parallelism",
                    "flink-cluster",
                    "job-jar");

    static final String COMMON_USAGE =
            """
                [--spec features.yaml]
                [--bootstrap-servers HOST:PORT (default: $TESSERA_BOOTSTRAP_SERVERS, else localhost:9092)]
                [--registry-url URL (default: $TESSERA_REGISTRY_URL, else
                  http://localhost:8085/apis/registry/v3, where ./run.sh puts them)]
                [--kafka-properties FILE (Kafka client settings: security.protocol, sasl.*, ssl.*)]
                [--parallelism 2]
                [--flink-cluster http://HOST:PORT (a session cluster's REST API: the replay runs
                  there, from the job's jar, instead of in this JVM)]
                [--job-jar FILE (default: the one ./tessera builds)]""";

    final Map<String, String> options;
    final Path specPath;
    final String specYaml;
    final FeatureSpec spec;
    final KafkaConnectors kafka;

    private CommandLine(
            Map<String, String> options,
            Path specPath,
            String specYaml,
            FeatureSpec spec,
            KafkaConnectors kafka) {
        this.options = options;
        this.specPath = specPath;
        this.specYaml = specYaml;
        this.spec = spec;
        this.kafka = kafka;
    }

    /**
     * Parses {@code --name value} pairs of the common options and {@code own}; an {@link
     * IllegalArgumentException} says what is wrong.
     */
    static CommandLine parse(String[] args, Set<String> own) {
        Set<String> known = new HashSet<>(COMMON_OPTIONS);
        known.addAll(own);
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (key == null || !known.contains(key)) {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            options.put(key, args[++i]);
        }
        if (options.containsKey("flink-cluster")) {
            String jar = options.getOrDefault("job-jar", System.getProperty("tessera.job.jar"));
            if (jar == null || !Files.isRegularFile(Path.of(jar))) {
                throw new IllegalArgumentException(
                        "--flink-cluster needs the job's jar: --job-jar FILE (./tessera sets it)");
            }
            options.put("job-jar", jar);
        }
        Path specPath = Path.of(options.getOrDefault("spec", "features.yaml"));
        String yaml;
        try {
            yaml = Files.readString(specPath);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the spec " + specPath + ": " + e);
        }
        FeatureSpec spec = SpecParser.parse(specPath.toString(), yaml);
        List<String> jobArgs =
                new ArrayList<>(
                        List.of(
                                "--spec",
                                specPath.toString(),
                                "--bootstrap-servers",
                                orEnvironment(
                                        options,
                                        "bootstrap-servers",
                                        "TESSERA_BOOTSTRAP_SERVERS",
                                        "localhost:9092"),
                                "--registry-url",
                                orEnvironment(
                                        options,
                                        "registry-url",
                                        "TESSERA_REGISTRY_URL",
                                        "http://localhost:8085/apis/registry/v3"),
                                "--group-id",
                                TrainingSetJob.JOB_NAME));
        if (options.containsKey("kafka-properties")) {
            jobArgs.addAll(List.of("--kafka-properties", options.get("kafka-properties")));
        }
        KafkaConnectors kafka = JobOptions.parse(jobArgs.toArray(String[]::new)).kafka();
        return new CommandLine(options, specPath, yaml, spec, kafka);
    }

    String required(String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }

    /** The features named, comma-separated; all of one entity. */
    List<Feature> features(String names) {
        List<Feature> features = new ArrayList<>();
        Set<String> entities = new HashSet<>();
        for (String name : names.split(",")) {
            Feature feature =
                    spec.feature(name.strip())
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "unknown feature '" + name.strip() + "'"));
            features.add(feature);
            entities.add(spec.group(feature.group()).orElseThrow().entity().name());
        }
        if (entities.size() > 1) {
            throw new IllegalArgumentException(
                    "the features are of several entities " + entities + ": one at a time");
        }
        return features;
    }

    /**
     * The events the topics of the streams {@code features} read hold; throws an {@link
     * IllegalStateException} when one no longer starts at offset 0, or cannot be asked.
     */
    long keptEvents(List<Feature> features) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        config.put("default.api.timeout.ms", "20000");
        long events = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            for (Stream stream : FeatureJob.inputStreams(TrainingSetJob.jobSpec(spec, features))) {
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

    /**
     * Runs the training set of {@code spine} and hands each row to {@code rows}; throws an {@link
     * IllegalStateException} when the job fails or does not answer every row.
     */
    void trainingSet(List<Feature> features, List<SpineRow> spine, Consumer<TrainingRow> rows) {
        StreamExecutionEnvironment env = environment();
        TrainingSetJob job =
                new TrainingSetJob(
                        spec,
                        specPath.toString(),
                        specYaml,
                        features,
                        kafka.replaySources(TrainingSetJob.jobSpec(spec, features)),
                        spine);
        try (CloseableIterator<TrainingRow> collected =
                job.build(env).executeAndCollect(TrainingSetJob.JOB_NAME)) {
            long answered = 0;
            while (collected.hasNext()) {
                rows.accept(collected.next());
                answered++;
            }
            if (answered != spine.size()) {
                throw new IllegalStateException(
                        "the replay answered " + answered + " of " + spine.size() + " spine rows");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the training set's job failed: " + e, e);
        }
    }

    /**
     * A MiniCluster in this JVM, or the session cluster of {@code --flink-cluster}, where the job's
     * jar (the production job's, which holds the replay) is shipped with the job.
     */
    private StreamExecutionEnvironment environment() {
        int parallelism = Integer.parseInt(options.getOrDefault("parallelism", "2"));
        String cluster = options.get("flink-cluster");
        if (cluster == null) {
            return StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        }
        URI rest = URI.create(cluster);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        rest.getHost(), rest.getPort(), options.get("job-jar"));
        env.setParallelism(parallelism);
        return env;
    }

    /** This JVM's peak resident memory in MiB (Linux's VmHWM), or -1 where it cannot be read. */
    static long peakMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: no figure.
        }
        return -1;
    }

    /** An option, else the environment variable, else the default (that of {@code ./run.sh}). */
    private static String orEnvironment(
            Map<String, String> options, String key, String variable, String fallback) {
        String value = options.get(key);
        if (value == null) {
            value = System.getenv(variable);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
