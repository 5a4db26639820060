package dev.tessera.bench;

import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.FlinkCluster;
import dev.tessera.dev.FreePorts;
import dev.tessera.dev.LocalInfra;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Flink job, from a preloaded topic: events per CPU-second of the job's JVM (a MiniCluster,
 * parallelism 1) for a tumbling count+sum and for a 1h rolling (tiled) sum, beside a plain
 * consume-and-decode loop (KafkaConsumer + the Apicurio Avro deserializer) on the same topic. CPU
 * time rather than wall time makes the figures per core, and less sensitive to the other work on a
 * shared machine. Then the tumbling job's wall-clock rate at parallelism 1, 2 and 4, in a
 * MiniCluster and as its shaded jar on a session cluster of two TaskManagers, side by side.
 */
final class JobBench {

    static final String SECTION = "job";
    static final int USERS = 10_000;

    /** The preloaded events span this much event time: 5-minute windows close, tiles roll. */
    static final Duration EVENT_TIME_SPAN = Duration.ofHours(1);

    /** A job run stops measuring after this long even if it has not read every event. */
    static final int MEASURE_AT_MOST_SECONDS = 40;

    /** The parallelisms of the scaling figures; the topic has as many partitions as the most. */
    static final List<Integer> PARALLELISMS = List.of(1, 2, 4);

    /** Events processed, and the CPU and wall-clock seconds they took. */
    record Rate(long events, double cpuSeconds, double wallSeconds) {

        double perCpuSecond() {
            return events / cpuSeconds;
        }

        double perSecond() {
            return events / wallSeconds;
        }
    }

    private static final Pattern RECORDS_IN =
            Pattern.compile(
                    "(?m)^flink_taskmanager_job_task_operator_numRecordsIn\\{([^}]*)}\\s+(\\S+)");

    /** One job variant: its spec, and the feature group whose operator counts the events in. */
    private record Variant(String name, String specFile, String group, double targetRatio) {}

    private static final Variant TUMBLING =
            new Variant("tumbling 5m count+sum", "job-tumbling.yaml", "job_tumbling", 0.5);

    private static final Variant ROLLING =
            new Variant("rolling 1h sum (1m tiles)", "job-rolling.yaml", "job_rolling", 0.35);

    /** A running job being measured: the events its operator read, and its processes' CPU time. */
    private interface RunningJob extends AutoCloseable {

        /** Events into the group's aggregating operator so far, over all its subtasks. */
        long recordsIn(String group) throws InterruptedException;

        double cpuSeconds();

        /** The JVM whose CPU is measured (the one running the job's operators). */
        long pid();

        /** Fails if the job's processes died. */
        void checkAlive();

        @Override
        void close();
    }

    private final BenchContext context;
    private final LocalInfra infra;
    private final FeatureSpec spec;
    private final Stream stream;
    private final int events;

    JobBench(BenchContext context, LocalInfra infra) {
        this.context = context;
        this.infra = infra;
        this.spec = SpecParser.parse(context.spec("job-tumbling.yaml"));
        this.stream = spec.stream("job_events").orElseThrow();
        this.events = context.count(12_000_000, 20_000);
    }

    List<Figure> run() throws Exception {
        int partitions = PARALLELISMS.get(PARALLELISMS.size() - 1);
        infra.kafka().createTopic(stream.topic(), partitions, Map.of("retention.ms", "-1"));
        infra.kafka().createTopic(stream.lateTopic(), 1, Map.of());
        infra.kafka().createTopic(stream.deadLetterTopic(), 1, Map.of("retention.ms", "-1"));
        if (!topics().contains(spec.featureTopic())) {
            infra.kafka().createTopic(spec.featureTopic(), 1, Map.of());
        }
        preload();
        List<Figure> figures = new ArrayList<>();
        Rate baseline = consumeAndDecode();
        figures.add(
                Figure.info(
                        SECTION,
                        "consume-and-decode loop (KafkaConsumer + Apicurio Avro deserializer), "
                                + "per CPU-second",
                        baseline.perCpuSecond(),
                        "events/s/core"));
        for (Variant variant : List.of(TUMBLING, ROLLING)) {
            Rate job = measure(variant, miniCluster(variant, 1), "job, " + variant.name());
            figures.add(
                    Targets.ratioAtLeast(
                            SECTION,
                            variant.name() + ", per CPU-second of the job's JVM",
                            job.perCpuSecond(),
                            "events/s/core",
                            baseline.perCpuSecond(),
                            "consume-and-decode loop, per CPU-second",
                            variant.targetRatio()));
            figures.add(
                    Figure.info(
                            SECTION,
                            variant.name()
                                    + ", wall-clock rate ("
                                    + job.events()
                                    + " events in "
                                    + Targets.format(job.wallSeconds())
                                    + " s, "
                                    + Targets.format(job.cpuSeconds() / job.wallSeconds())
                                    + " cores busy)",
                            job.perSecond(),
                            "events/s"));
        }
        figures.addAll(scaling());
        return figures;
    }

    /**
     * The tumbling job at each of {@link #PARALLELISMS}: in a MiniCluster (one JVM), and as the
     * shaded jar on a session cluster (a JobManager and two TaskManagers of two slots, each a JVM),
     * the MiniCluster's rate its baseline. On two cores, more parallelism than cores shows overhead
     * rather than gain.
     */
    private List<Figure> scaling() throws Exception {
        List<Figure> figures = new ArrayList<>();
        try (FlinkCluster cluster =
                FlinkCluster.start(
                        context.dataDir().resolve("flink-cluster"),
                        0,
                        0,
                        LocalPipeline.FlinkDeployment.TASK_MANAGERS)) {
            for (int parallelism : PARALLELISMS) {
                Rate mini = measure(TUMBLING, miniCluster(TUMBLING, parallelism), null);
                Rate onCluster =
                        measure(TUMBLING, sessionCluster(cluster, TUMBLING, parallelism), null);
                figures.add(
                        Figure.compared(
                                SECTION,
                                String.format(
                                        "%s, parallelism %d, session cluster (%d TaskManagers x %d"
                                                + " slots), wall-clock rate (%s cores busy)",
                                        TUMBLING.name(),
                                        parallelism,
                                        LocalPipeline.FlinkDeployment.TASK_MANAGERS,
                                        FlinkCluster.SLOTS_PER_TASK_MANAGER,
                                        Targets.format(
                                                onCluster.cpuSeconds() / onCluster.wallSeconds())),
                                onCluster.perSecond(),
                                "events/s",
                                mini.perSecond(),
                                String.format(
                                        "MiniCluster, parallelism %d (%s cores busy)",
                                        parallelism,
                                        Targets.format(mini.cpuSeconds() / mini.wallSeconds()))));
            }
        }
        return figures;
    }

    private Set<String> topics() throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                infra.kafka().bootstrapServers()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    /** Events of {@link #USERS} users, their times spread evenly over {@link #EVENT_TIME_SPAN}. */
    private void preload() {
        Schema schema = AvroSchemas.eventSchema(stream);
        Random random = new Random(42);
        long start = System.currentTimeMillis() - 2 * EVENT_TIME_SPAN.toMillis();
        log().produce(
                        events,
                        i -> {
                            GenericRecord event = new GenericData.Record(schema);
                            event.put("user_id", "job-user-" + random.nextInt(USERS));
                            event.put("amount", random.nextInt(100_000) / 100.0);
                            event.put("ts", start + EVENT_TIME_SPAN.toMillis() * i / events);
                            return event;
                        },
                        "user_id");
    }

    /** The baseline: a plain consumer reading and decoding every event. */
    private Rate consumeAndDecode() {
        return log().consumeAndDecode(events);
    }

    private EventLog log() {
        return new EventLog(
                infra.kafka().bootstrapServers(), infra.registry().url(), stream.topic());
    }

    /**
     * One job run, from the end of its warm-up ({@link EventLog#warmUp}) until it has read them all
     * or {@link #MEASURE_AT_MOST_SECONDS} passed.
     *
     * @param profile the name of the CPU profile taken while measuring, or null for none
     */
    private Rate measure(Variant variant, RunningJob job, String profile) throws Exception {
        try (job) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            double cpu0 = Double.NaN;
            long t0 = 0;
            long n0 = 0;
            Duration limit = context.seconds(MEASURE_AT_MOST_SECONDS);
            while (System.nanoTime() < deadline) {
                job.checkAlive();
                long n = job.recordsIn(variant.group());
                if (n >= EventLog.warmUp(events) && Double.isNaN(cpu0)) {
                    if (profile != null) {
                        context.profiler().start(job.pid());
                    }
                    cpu0 = job.cpuSeconds();
                    t0 = System.nanoTime();
                    n0 = n;
                } else if (n >= events || (t0 > 0 && System.nanoTime() - t0 > limit.toNanos())) {
                    double cpu = job.cpuSeconds() - cpu0;
                    double wall = (System.nanoTime() - t0) / 1e9;
                    if (profile != null) {
                        context.profiler().stop(profile, job.pid());
                    }
                    return new Rate(n - n0, cpu, wall);
                }
                // Not more often: each scrape has Flink's reporter format all its metrics as text.
                Thread.sleep(250);
            }
            throw new IllegalStateException(
                    "the job did not read " + events + " events in 5 minutes");
        }
    }

    /** The job's arguments for one run: its own consumer group and checkpoints. */
    private List<String> jobArguments(Variant variant, String run) {
        return List.of(
                // Checkpoints to disk, as in production: the default (the job manager's
                // memory) fails once state passes 5 MB, and each failure restarts the job.
                "--checkpoint-dir",
                context.dataDir().resolve("checkpoints-" + run).toAbsolutePath().toString(),
                "--group-id",
                "bench-" + run + "-" + System.nanoTime(),
                "--spec",
                context.spec(variant.specFile()).toAbsolutePath().toString(),
                "--bootstrap-servers",
                infra.kafka().bootstrapServers(),
                "--registry-url",
                infra.registry().url());
    }

    /** The job in a MiniCluster in a JVM of its own, as {@code ./run.sh} runs it. */
    private RunningJob miniCluster(Variant variant, int parallelism) throws IOException {
        String run = variant.group() + "-mini-p" + parallelism;
        int uiPort = FreePorts.pick();
        int metricsPort = FreePorts.pick();
        Path module = context.root().resolve("flink-feature-job");
        List<String> command = new ArrayList<>();
        command.addAll(
                List.of(
                        Processes.java(),
                        "-Xmx1g",
                        "-cp",
                        String.join(
                                ":",
                                module.resolve("target/classes").toString(),
                                Files.readString(module.resolve("target/classpath.txt")).trim(),
                                Files.readString(module.resolve("target/provided-classpath.txt"))
                                        .trim()),
                        LocalPipeline.JOB_ENTRY_CLASS,
                        "--local",
                        "--web-ui-port",
                        Integer.toString(uiPort),
                        "--metrics-port",
                        Integer.toString(metricsPort),
                        "--parallelism",
                        Integer.toString(parallelism)));
        command.addAll(jobArguments(variant, run));
        ChildProcess job =
                ChildProcess.start(command, context.dataDir().resolve("logs/job-" + run + ".log"));
        String metrics = "http://localhost:" + metricsPort + "/metrics";
        return new RunningJob() {
            @Override
            public long recordsIn(String group) throws InterruptedException {
                return JobBench.this.recordsIn(metrics, group);
            }

            @Override
            public double cpuSeconds() {
                return Processes.cpuSeconds(job.pid());
            }

            @Override
            public long pid() {
                return job.pid();
            }

            @Override
            public void checkAlive() {
                if (!job.isAlive()) {
                    throw new IllegalStateException("the job stopped:\n" + job.logTail());
                }
            }

            @Override
            public void close() {
                job.close();
            }
        };
    }

    /**
     * The job's shaded jar submitted to a session cluster, as {@code ./run.sh --flink-cluster} and
     * {@code flink run} do; its CPU time is the JobManager's and every TaskManager's.
     */
    private RunningJob sessionCluster(FlinkCluster cluster, Variant variant, int parallelism) {
        String run = variant.group() + "-cluster-p" + parallelism;
        cluster.submit(
                new FlinkCluster.Submission(
                        LocalPipeline.jobJar(context.root()),
                        LocalPipeline.JOB_ENTRY_CLASS,
                        jobArguments(variant, run),
                        OptionalInt.of(parallelism),
                        Optional.empty(),
                        false));
        return new RunningJob() {
            @Override
            public long recordsIn(String group) throws InterruptedException {
                long total = 0;
                for (FlinkCluster.TaskManager taskManager : cluster.taskManagers()) {
                    total += JobBench.this.recordsIn(taskManager.metricsUrl(), group);
                }
                return total;
            }

            @Override
            public double cpuSeconds() {
                double total = Processes.cpuSeconds(cluster.jobManager().pid());
                for (FlinkCluster.TaskManager taskManager : cluster.taskManagers()) {
                    total += Processes.cpuSeconds(taskManager.process().pid());
                }
                return total;
            }

            @Override
            public long pid() {
                return cluster.taskManagers().get(0).process().pid();
            }

            @Override
            public void checkAlive() {
                if (!cluster.jobManager().isAlive()) {
                    throw new IllegalStateException(
                            "the JobManager stopped:\n" + cluster.jobManager().logTail());
                }
            }

            @Override
            public void close() {
                cluster.cancelJobs();
            }
        };
    }

    /** Events into the group's aggregating operator so far, from the job's Prometheus reporter. */
    private long recordsIn(String metricsUrl, String group) throws InterruptedException {
        String text;
        try {
            text = context.http().call(HttpLoad.Request.get(metricsUrl)).body();
        } catch (IOException e) {
            return 0; // the reporter is not listening yet
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long total = 0;
        Matcher sample = RECORDS_IN.matcher(text);
        while (sample.find()) {
            if (sample.group(1).contains("operator_name=\"") && sample.group(1).contains(group)) {
                total += (long) Double.parseDouble(sample.group(2));
            }
        }
        return total;
    }
}
