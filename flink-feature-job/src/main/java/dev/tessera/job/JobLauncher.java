package dev.tessera.job;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.StreamSchemas;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the {@link FeatureJob} on Kafka: the job jar's entry class, on a cluster (the Flink
 * Kubernetes Operator's {@code entryClass}) and locally ({@code ./run.sh}). It reads the command
 * line ({@link JobOptions}), registers the streams' schemas, sets up the environment (checkpoints,
 * the state to restore, the local MiniCluster with its web UI and metrics) and wires the job's
 * sources and sinks ({@link KafkaConnectors}).
 */
public final class JobLauncher {

    private static final String PROMETHEUS_REPORTER_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private JobLauncher() {}

    /** Runs the job on Kafka; see {@link JobOptions} for the arguments. */
    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(JobOptions.USAGE);
            System.exit(2);
            return;
        }
        FeatureSpec spec = SpecParser.parse(options.spec());
        KafkaConnectors kafka = options.kafka();
        // A schema change the stream's rule refuses stops the job here, before it reads a record.
        new StreamSchemas(spec, options.spec().toString(), new RegistryClient(kafka.registryUrl()))
                .register();
        StreamExecutionEnvironment env = environment(options);
        new FeatureJob(
                        spec,
                        kafka.sources(spec),
                        kafka.sink(spec),
                        kafka.lateSink(spec),
                        kafka.deadLetterSink(spec),
                        FeatureJob.Settings.defaults()
                                .withTileEmitInterval(options.tileEmitInterval()))
                .execute(env);
    }

    /**
     * The job's environment: local (a MiniCluster with the web UI) or the cluster's, with the
     * checkpoint settings of {@link Checkpointing} and, when restoring, the savepoint or checkpoint
     * to start from.
     */
    static StreamExecutionEnvironment environment(JobOptions options) {
        // The Kafka sink flushes (at-least-once) or commits (exactly-once) on checkpoints, and
        // source offsets are committed on them.
        Configuration conf = options.checkpointing().configuration();
        options.restore()
                .path(options.checkpointing())
                .ifPresentOrElse(
                        path -> {
                            System.err.println("Restoring the job's state from " + path);
                            conf.addAll(options.restore().configuration(path));
                        },
                        () -> {
                            if (options.restore().resumeLatest()) {
                                System.err.println("No checkpoint to resume yet: a fresh start");
                            }
                        });
        StreamExecutionEnvironment env;
        if (options.local()) {
            conf.set(RestOptions.PORT, options.webUiPort());
            options.metricsPort()
                    .ifPresent(
                            port -> {
                                // What a cluster's Flink configuration sets for Prometheus to
                                // scrape; locally the MiniCluster has one reporter for all its
                                // metrics (job manager, task manager, operators).
                                conf.addAll(
                                        Configuration.fromMap(
                                                Map.of(
                                                        "metrics.reporter.prom.factory.class",
                                                        PROMETHEUS_REPORTER_FACTORY,
                                                        "metrics.reporter.prom.port",
                                                        Integer.toString(port))));
                            });
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        }
        options.parallelism().ifPresent(env::setParallelism);
        env.setBufferTimeout(options.bufferTimeout().toMillis());
        return env;
    }
}
