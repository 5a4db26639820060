package dev.tessera.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.spec.avro.FeatureLogEntry;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The whole pipeline on one machine, as {@code ./run.sh} and the end-to-end tests run it: {@link
 * LocalInfra} (Kafka, Redis, Apicurio Registry), the topics of {@code features.yaml}, the Flink job
 * (in a local MiniCluster with its web UI, or submitted to a {@link FlinkCluster}), and the
 * gateway, writer and reader from their built jars, each a child process that dies with this JVM.
 */
public final class LocalPipeline implements AutoCloseable {

    /** The Flink job's entry point, in the MiniCluster's JVM and in the jar a cluster runs. */
    public static final String JOB_ENTRY_CLASS = "dev.tessera.job.JobLauncher";

    /** Where the Flink job runs. */
    public enum FlinkDeployment {
        /** In a JVM of its own, in a MiniCluster with the web UI ({@code --local}). */
        MINI_CLUSTER,
        /**
         * Its shaded jar submitted to a standalone session cluster of a JobManager and {@value
         * #TASK_MANAGERS} TaskManagers ({@link FlinkCluster}), as to a real cluster.
         */
        SESSION_CLUSTER;

        /**
         * TaskManagers of the session cluster, {@value FlinkCluster#SLOTS_PER_TASK_MANAGER} slots
         * each.
         */
        public static final int TASK_MANAGERS = 2;
    }

    /**
     * Every port of the pipeline; 0 means a free one.
     *
     * @param flinkMetrics the port of the Flink job's Prometheus reporter
     * @param gatewayManagement the gateway's management interface (health, metrics), and so on
     */
    public record Ports(
            int kafka,
            int registry,
            int redis,
            int flinkUi,
            int flinkMetrics,
            int gateway,
            int reader,
            int writer,
            int gatewayManagement,
            int readerManagement,
            int writerManagement) {

        /** The fixed ports of {@code ./run.sh}. */
        public static Ports defaults() {
            return new Ports(9092, 8085, 6379, 8081, 9249, 8080, 8082, 8083, 9080, 9082, 9083);
        }

        /** Free ports, for tests. */
        public static Ports free() {
            return new Ports(
                    0,
                    0,
                    0,
                    FreePorts.pick(),
                    FreePorts.pick(),
                    FreePorts.pick(),
                    FreePorts.pick(),
                    FreePorts.pick(),
                    FreePorts.pick(),
                    FreePorts.pick(),
                    FreePorts.pick());
        }
    }

    /**
     * The parts of the pipeline that are Kafka clients, each with credentials of its own on a
     * secured cluster: the pipeline's own admin client (topics), the gateway, the job and the
     * writer.
     */
    public static final List<String> KAFKA_CLIENTS =
            List.of("admin", "ingest-gateway", "flink-feature-job", "feature-writer");

    /**
     * Where the infrastructure the pipeline runs on listens.
     *
     * @param redisConfig the writer's and the reader's {@code quarkus.redis.*} keys: one server's
     *     URI, or a Redis Cluster's seeds and client type
     * @param kafkaClients Kafka client settings ({@code security.protocol}, {@code sasl.*}, {@code
     *     ssl.*}) of each of {@link #KAFKA_CLIENTS}, none on a plaintext cluster
     */
    public record Endpoints(
            String bootstrapServers,
            String registryUrl,
            Map<String, String> redisConfig,
            Map<String, Map<String, String>> kafkaClients) {

        public Endpoints {
            redisConfig = Map.copyOf(redisConfig);
            kafkaClients = Map.copyOf(kafkaClients);
        }

        /** Endpoints of a plaintext Kafka cluster and one Redis server at {@code redisUri}. */
        public Endpoints(String bootstrapServers, String registryUrl, String redisUri) {
            this(bootstrapServers, registryUrl, Map.of("quarkus.redis.hosts", redisUri), Map.of());
        }

        /** The infrastructure's endpoints: its SASL_SSL listener, if its broker has one. */
        public static Endpoints of(LocalInfra infra) {
            KafkaCluster kafka = infra.kafka();
            return kafka.saslSsl()
                    .map(
                            saslSsl -> {
                                Map<String, Map<String, String>> clients = new LinkedHashMap<>();
                                KAFKA_CLIENTS.forEach(
                                        user -> clients.put(user, saslSsl.clientSettings(user)));
                                return new Endpoints(
                                        kafka.saslSslBootstrapServers(),
                                        infra.registry().url(),
                                        infra.redisDeployment().clientConfig(),
                                        clients);
                            })
                    .orElseGet(
                            () ->
                                    new Endpoints(
                                            kafka.bootstrapServers(),
                                            infra.registry().url(),
                                            infra.redisDeployment().clientConfig(),
                                            Map.of()));
        }

        /** The Kafka client settings of one of {@link #KAFKA_CLIENTS}. */
        public Map<String, String> kafkaClient(String client) {
            return kafkaClients.getOrDefault(client, Map.of());
        }
    }

    /**
     * The job's arguments to resume from the newest checkpoint or savepoint under the data
     * directory. Locally, state of features removed from the spec since is dropped, not refused.
     */
    static final List<String> RESUME_LATEST =
            List.of("--resume-latest", "--allow-non-restored-state");

    /** Partitions of each topic: more than one, so idle partitions and keying are exercised. */
    static final int PARTITIONS = 2;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** How long the tokens written for {@code ./run.sh} stay valid. */
    static final Duration TOKEN_LIFETIME = Duration.ofDays(365);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path root;
    private final Path spec;
    private final Path dataDir;
    private final Ports ports;
    private final Endpoints endpoints;
    private final LocalInfra infra;
    private final FlinkDeployment flinkDeployment;
    private final JwtIssuer jwt;
    private final String producerToken;
    private final String readerToken;

    /** The running services by module name. */
    private final Map<String, ChildProcess> services = new ConcurrentHashMap<>();

    /** The job's JVM on a MiniCluster. */
    private volatile ChildProcess job;

    private volatile Supervisor supervisor;

    /** The session cluster the job is submitted to, once started. */
    private volatile FlinkCluster flinkCluster;

    private LocalPipeline(
            Path root,
            Path spec,
            Path dataDir,
            Ports ports,
            Endpoints endpoints,
            LocalInfra infra,
            FlinkDeployment flinkDeployment) {
        this.root = root.toAbsolutePath().normalize();
        this.spec = spec.toAbsolutePath().normalize();
        this.dataDir = dataDir.toAbsolutePath();
        this.ports = ports;
        this.endpoints = endpoints;
        this.infra = infra;
        this.flinkDeployment = flinkDeployment;
        // The key pair is kept with the data, so tokens written by an earlier run stay valid.
        this.jwt = JwtIssuer.loadOrCreate(this.dataDir.resolve("jwt"));
        this.producerToken =
                read(jwt.writeToken(producerTokenFile(), TOKEN_LIFETIME, "produce:*")).trim();
        this.readerToken = read(jwt.writeToken(readerTokenFile(), TOKEN_LIFETIME, "read:*")).trim();
    }

    /**
     * Starts {@link LocalInfra} and the pipeline on it, and returns once every part is ready.
     *
     * @param root the repository, whose modules are built ({@code ./mvnw package})
     * @param jobArgs extra arguments for the Flink job, such as {@code --delivery exactly-once}
     */
    public static LocalPipeline start(
            Path root, Path spec, Path dataDir, Ports ports, List<String> jobArgs) {
        return start(root, spec, dataDir, ports, FlinkDeployment.MINI_CLUSTER, jobArgs);
    }

    /**
     * {@link #start(Path, Path, Path, Ports, List)} with the Flink job where {@code flink} says.
     */
    public static LocalPipeline start(
            Path root,
            Path spec,
            Path dataDir,
            Ports ports,
            FlinkDeployment flink,
            List<String> jobArgs) {
        return start(root, spec, dataDir, ports, flink, false, jobArgs);
    }

    /**
     * {@link #start(Path, Path, Path, Ports, FlinkDeployment, List)}, the online store a {@link
     * RedisCluster} (on free ports, kept across runs) when {@code redisCluster}.
     */
    public static LocalPipeline start(
            Path root,
            Path spec,
            Path dataDir,
            Ports ports,
            FlinkDeployment flink,
            boolean redisCluster,
            List<String> jobArgs) {
        SpecParser.parse(spec); // a bad spec fails here, before anything starts
        LocalInfra infra =
                redisCluster
                        ? LocalInfra.startWithRedisCluster(
                                dataDir.resolve("infra"), ports.kafka(), ports.registry())
                        : LocalInfra.start(
                                dataDir.resolve("infra"),
                                ports.kafka(),
                                ports.redis(),
                                ports.registry());
        return startOn(infra, flink, root, spec, dataDir, ports, jobArgs);
    }

    /**
     * Starts the pipeline, the job in a MiniCluster, on infrastructure already started (such as
     * {@link LocalInfra#startWithKafkaBrokers}), which it closes with itself.
     */
    public static LocalPipeline startOn(
            LocalInfra infra,
            Path root,
            Path spec,
            Path dataDir,
            Ports ports,
            List<String> jobArgs) {
        return startOn(infra, FlinkDeployment.MINI_CLUSTER, root, spec, dataDir, ports, jobArgs);
    }

    private static LocalPipeline startOn(
            LocalInfra infra,
            FlinkDeployment flink,
            Path root,
            Path spec,
            Path dataDir,
            Ports ports,
            List<String> jobArgs) {
        return start(
                new LocalPipeline(root, spec, dataDir, ports, Endpoints.of(infra), infra, flink),
                jobArgs);
    }

    /**
     * Starts the pipeline on infrastructure that runs elsewhere (such as containers), and returns
     * once every part is ready.
     */
    public static LocalPipeline startOn(
            Endpoints endpoints,
            Path root,
            Path spec,
            Path dataDir,
            Ports ports,
            List<String> jobArgs) {
        return start(
                new LocalPipeline(
                        root, spec, dataDir, ports, endpoints, null, FlinkDeployment.MINI_CLUSTER),
                jobArgs);
    }

    private static LocalPipeline start(LocalPipeline pipeline, List<String> jobArgs) {
        try {
            pipeline.createTopics(SpecParser.parse(pipeline.spec));
            pipeline.startJob(jobArgs);
            pipeline.startServices();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /**
     * The infrastructure this pipeline started, or null when it runs on {@link #startOn} endpoints.
     */
    public LocalInfra infra() {
        return infra;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** The Flink job's process on a MiniCluster, for tests that kill it. */
    public ChildProcess job() {
        if (flinkDeployment != FlinkDeployment.MINI_CLUSTER) {
            throw new IllegalStateException("the job runs on a session cluster: flinkCluster()");
        }
        return job;
    }

    /** The session cluster the job runs on, for tests that kill its TaskManagers. */
    public FlinkCluster flinkCluster() {
        if (flinkCluster == null) {
            throw new IllegalStateException("the job runs on a MiniCluster: job()");
        }
        return flinkCluster;
    }

    /**
     * Starts the Flink job again (stopping it first if it still runs), with {@code jobArgs} such as
     * {@code --resume-latest} or {@code --savepoint PATH}; returns once it runs.
     */
    public void restartJob(List<String> jobArgs) {
        if (job != null) {
            job.close();
        }
        if (flinkCluster != null) {
            flinkCluster.cancelJobs();
        }
        startJob(jobArgs);
    }

    /**
     * The process of a service ({@code ingest-gateway}, {@code feature-writer} or {@code
     * feature-reader}), for tests that kill it.
     */
    public ChildProcess service(String module) {
        return services.get(module);
    }

    /** Starts a service again (stopping it first if it still runs); returns once it is ready. */
    public void restartService(String module) {
        ChildProcess running = services.remove(module);
        if (running != null) {
            running.close();
        }
        startService(module);
    }

    /** Where the job writes its checkpoints (kept when it is cancelled or killed). */
    public Path checkpointDir() {
        return dataDir.resolve("checkpoints");
    }

    /** Where the job writes savepoints by default. */
    public Path savepointDir() {
        return dataDir.resolve("savepoints");
    }

    public String gatewayUrl() {
        return "http://localhost:" + ports.gateway();
    }

    public String readerUrl() {
        return "http://localhost:" + ports.reader();
    }

    /** The root ({@code /q}) of a service's management interface: health and metrics. */
    public String managementUrl(String module) {
        int port =
                switch (module) {
                    case "ingest-gateway" -> ports.gatewayManagement();
                    case "feature-writer" -> ports.writerManagement();
                    case "feature-reader" -> ports.readerManagement();
                    default -> throw new IllegalArgumentException("no service " + module);
                };
        return "http://localhost:" + port + "/q";
    }

    /** The issuer of the tokens the gateway and the reader trust, for tests that vary them. */
    public JwtIssuer jwt() {
        return jwt;
    }

    /** A bearer token granting {@code produce:*}, valid for a year. */
    public String producerToken() {
        return producerToken;
    }

    /** A bearer token granting {@code read:*}, valid for a year. */
    public String readerToken() {
        return readerToken;
    }

    public Path producerTokenFile() {
        return dataDir.resolve("tokens/producer.jwt");
    }

    public Path readerTokenFile() {
        return dataDir.resolve("tokens/reader.jwt");
    }

    public String flinkUrl() {
        return "http://localhost:" + ports.flinkUi();
    }

    /**
     * Where Prometheus scrapes the Flink job's metrics (its Prometheus reporter); on a session
     * cluster the JobManager's, each TaskManager has its own ({@link
     * FlinkCluster.TaskManager#metricsUrl()}).
     */
    public String flinkMetricsUrl() {
        return "http://localhost:" + ports.flinkMetrics() + "/metrics";
    }

    private void createTopics(FeatureSpec featureSpec) {
        // Event topics keep everything: tests and backfills post events with old timestamps, which
        // the default 7-day time retention would delete at once. Dead letters keep the timestamps
        // of their records, and wait for a fix to be replayed.
        for (Stream stream : featureSpec.streams()) {
            createIfMissing(stream.topic(), Map.of("retention.ms", "-1"));
            createIfMissing(stream.lateTopic(), Map.of());
            createIfMissing(stream.deadLetterTopic(), Map.of("retention.ms", "-1"));
        }
        createIfMissing(featureSpec.featureTopic(), Map.of());
        // The reader's log of what it served, when it logs (tessera.reader.feature-log.rate).
        createIfMissing(FeatureLogEntry.DEFAULT_TOPIC, Map.of());
    }

    private void createIfMissing(String topic, Map<String, String> configs) {
        Map<String, Object> adminConfig = new HashMap<>(endpoints.kafkaClient("admin"));
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.bootstrapServers());
        try (Admin admin = Admin.create(adminConfig)) {
            // The brokers' default replication factor: 3 on a cluster of three, as in production.
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty())
                                            .configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not create topic " + topic + " in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + topic, e);
        }
    }

    private void startJob(List<String> jobArgs) {
        if (flinkDeployment == FlinkDeployment.SESSION_CLUSTER) {
            if (flinkCluster == null) {
                flinkCluster =
                        FlinkCluster.start(
                                dataDir.resolve("flink-cluster"),
                                ports.flinkUi(),
                                ports.flinkMetrics(),
                                FlinkDeployment.TASK_MANAGERS);
            }
            flinkCluster.submit(clusterSubmission(jobArgs));
            return;
        }
        job =
                ChildProcess.start(
                        jobCommand(jobArgs), dataDir.resolve("logs/flink-feature-job.log"));
        awaitReady(
                "the Flink job", job, flinkUrl() + "/jobs/overview", LocalPipeline::tasksRunning);
    }

    /**
     * Whether a job of {@code /jobs/overview} runs with every task running: a job turns RUNNING
     * while its tasks still deploy and open their sources and sinks, and an event sent then waits
     * for them.
     */
    static boolean tasksRunning(String overview) {
        try {
            for (JsonNode job : JSON.readTree(overview).path("jobs")) {
                JsonNode tasks = job.path("tasks");
                if (job.path("state").asText().equals("RUNNING")
                        && tasks.path("running").asInt() == tasks.path("total").asInt()) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The command that runs the Flink job on this pipeline, as {@link #restartJob} does; later
     * {@code jobArgs} override earlier settings, such as another {@code --spec}.
     */
    public List<String> jobCommand(List<String> jobArgs) {
        Path module = root.resolve("flink-feature-job");
        Path classpath = module.resolve("target/classpath.txt");
        Path providedClasspath = module.resolve("target/provided-classpath.txt");
        if (!Files.exists(classpath) || !Files.exists(providedClasspath)) {
            throw new IllegalStateException(
                    classpath + " is missing: build first (./mvnw package -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(
                String.join(
                        ":",
                        module.resolve("target/classes").toString(),
                        read(classpath).trim(),
                        read(providedClasspath).trim()));
        command.add(JOB_ENTRY_CLASS);
        command.addAll(
                List.of(
                        "--local",
                        "--web-ui-port",
                        Integer.toString(ports.flinkUi()),
                        "--metrics-port",
                        Integer.toString(ports.flinkMetrics())));
        command.addAll(jobArguments(jobArgs));
        return command;
    }

    /**
     * The job on the session cluster, as {@code flink run} submits it: the options {@code flink
     * run} takes as its own go in the run request, {@code --parallelism} (its {@code -p}), {@code
     * --savepoint} ({@code -s}) and {@code --allow-non-restored-state} ({@code -n}); the rest are
     * the program's arguments. {@code --resume-latest} stays with the job's main(), which runs in
     * the JobManager on this machine and finds the newest checkpoint in the same directory.
     */
    private FlinkCluster.Submission clusterSubmission(List<String> jobArgs) {
        List<String> args = jobArguments(jobArgs);
        List<String> program = new ArrayList<>();
        OptionalInt parallelism = OptionalInt.empty();
        Optional<String> savepoint = Optional.empty();
        boolean allowNonRestoredState = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--parallelism" ->
                        parallelism = OptionalInt.of(Integer.parseInt(args.get(++i)));
                case "--savepoint" -> savepoint = Optional.of(args.get(++i));
                case "--allow-non-restored-state" -> {
                    // Also main()'s, for the checkpoint --resume-latest restores.
                    allowNonRestoredState = true;
                    program.add(args.get(i));
                }
                default -> program.add(args.get(i));
            }
        }
        return new FlinkCluster.Submission(
                jobJar(root),
                JOB_ENTRY_CLASS,
                program,
                parallelism,
                savepoint,
                allowNonRestoredState);
    }

    /** The job's shaded jar in the repository {@code root}, which {@code ./mvnw package} builds. */
    public static Path jobJar(Path root) {
        Path target = root.resolve("flink-feature-job/target");
        try (java.util.stream.Stream<Path> files =
                Files.list(target)
                        .filter(
                                file ->
                                        file.getFileName()
                                                .toString()
                                                .matches("flink-feature-job-.*\\.jar"))) {
            List<Path> jars = files.toList();
            if (jars.size() != 1) {
                throw new IllegalStateException(
                        "one flink-feature-job-*.jar expected in " + target + ", found " + jars);
            }
            return jars.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(
                    target + " is unreadable: build first (./mvnw package -DskipTests)", e);
        }
    }

    /**
     * The job's arguments on this pipeline, wherever it runs: its spec, Kafka, registry and state
     * directories, then {@code jobArgs}, which override them.
     */
    private List<String> jobArguments(List<String> jobArgs) {
        List<String> arguments =
                new ArrayList<>(
                        List.of(
                                "--spec",
                                spec.toString(),
                                "--bootstrap-servers",
                                endpoints.bootstrapServers(),
                                "--registry-url",
                                endpoints.registryUrl(),
                                "--checkpoint-dir",
                                checkpointDir().toString(),
                                "--savepoint-dir",
                                savepointDir().toString()));
        Map<String, String> kafkaClient = endpoints.kafkaClient("flink-feature-job");
        if (!kafkaClient.isEmpty()) {
            arguments.addAll(
                    List.of("--kafka-properties", secretFile("kafka-job.properties", kafkaClient)));
        }
        arguments.addAll(jobArgs);
        return arguments;
    }

    /**
     * Writes settings holding credentials as a properties file only this user can read, and returns
     * its path: where the job, as in Kubernetes (a mounted Secret), reads them from.
     */
    private String secretFile(String name, Map<String, String> settings) {
        Path file = dataDir.resolve("secrets").resolve(name);
        Properties properties = new Properties();
        properties.putAll(settings);
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(
                    file,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(file)) {
                properties.store(out, "Kafka client settings of the Flink job");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file.toString();
    }

    /**
     * A Kafka client's settings as the environment variables Quarkus maps onto its {@code kafka.}
     * configuration ({@code KAFKA_SASL_JAAS_CONFIG} to {@code sasl.jaas.config}): credentials never
     * on a command line.
     */
    private static Map<String, String> kafkaEnvironment(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach(
                (key, value) ->
                        env.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }

    private void startServices() {
        for (String module : List.of("ingest-gateway", "feature-writer", "feature-reader")) {
            startService(module);
        }
    }

    private void startService(String module) {
        services.put(
                module,
                startService(
                        module,
                        spec,
                        servicePort(module),
                        URI.create(managementUrl(module)).getPort(),
                        dataDir.resolve("logs/" + module + ".log")));
    }

    private int servicePort(String module) {
        return switch (module) {
            case "ingest-gateway" -> ports.gateway();
            case "feature-writer" -> ports.writer();
            case "feature-reader" -> ports.reader();
            default -> throw new IllegalArgumentException("no service " + module);
        };
    }

    /**
     * Starts another instance of a service on this pipeline's infrastructure, with its own spec and
     * ports, and returns once it is ready.
     *
     * @throws IllegalStateException if it exits or is not ready in time (its log tells why)
     */
    public ChildProcess startService(
            String module, Path spec, int port, int managementPort, Path log) {
        Map<String, String> kafka =
                Map.of(
                        "kafka.bootstrap.servers", endpoints.bootstrapServers(),
                        "apicurio.registry.url", endpoints.registryUrl());
        Map<String, String> redis = endpoints.redisConfig();
        Map<String, String> auth = jwt.serviceConfig();
        Map<String, String> kafkaEnv = kafkaEnvironment(endpoints.kafkaClient(module));
        Map<String, String> config =
                switch (module) {
                    case "ingest-gateway" -> merge(kafka, auth);
                    case "feature-writer" -> merge(kafka, redis);
                    // Kafka for logged serving (off unless tessera.reader.feature-log.rate is set).
                    case "feature-reader" -> merge(merge(kafka, redis), auth);
                    default -> throw new IllegalArgumentException("no service " + module);
                };
        return startService(root, module, port, managementPort, spec, config, kafkaEnv, log);
    }

    /**
     * Starts one of Tessera's services from its packaged jar and returns once it is ready.
     *
     * @param managementPort where its health and metrics are served
     * @param config system properties (configuration keys and values)
     * @param env environment variables, for secrets
     */
    public static ChildProcess startService(
            Path root,
            String module,
            int port,
            int managementPort,
            Path spec,
            Map<String, String> config,
            Map<String, String> env,
            Path log) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build first (./mvnw package -DskipTests)");
        }
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m"));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dtessera.spec-path=" + spec);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        ChildProcess service = ChildProcess.start(command, env, log);
        try {
            awaitReady(
                    module,
                    service,
                    "http://localhost:" + managementPort + "/q/health/ready",
                    body -> true);
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    private static void awaitReady(
            String what, ChildProcess process, String url, Predicate<String> ready) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        what + " stopped; the end of " + process.log() + ":\n" + process.logTail());
            }
            try {
                HttpResponse<String> response =
                        HTTP.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && ready.test(response.body())) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
            sleep(Duration.ofMillis(300));
        }
        throw new IllegalStateException(
                what
                        + " was not ready within "
                        + START_TIMEOUT.toSeconds()
                        + " s; the end of "
                        + process.log()
                        + ":\n"
                        + process.logTail());
    }

    /** Stops the services, the job (or its cluster), then the infrastructure. */
    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.stop();
        }
        services.values().forEach(ChildProcess::close);
        if (job != null) {
            job.close();
        }
        if (flinkCluster != null) {
            flinkCluster.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    /**
     * Watches every process of the pipeline ({@link Supervisor}): the Flink job is restarted from
     * its latest checkpoint, a service or a Kafka broker is restarted (a broker on its data, at its
     * address), and Redis or the registry (whose data or identity the others depend on) stops
     * everything.
     *
     * @param stopAll stops the whole pipeline, given why
     */
    public Supervisor supervise(PrintStream console, Consumer<String> stopAll) {
        List<Supervisor.Part> parts = new ArrayList<>();
        if (infra != null) {
            // A broker restarts on its data, and clients find it at the same address.
            for (KafkaBroker broker : infra.kafka().brokers()) {
                parts.add(
                        new Supervisor.Part(
                                infra.kafka().brokers().size() == 1
                                        ? "Kafka"
                                        : "Kafka broker " + broker.nodeId(),
                                broker::process,
                                broker::start,
                                false));
            }
            // A Redis Cluster outlives a node (its replica takes over): only one server is watched.
            if (infra.redisDeployment() instanceof RedisServer redis) {
                parts.add(new Supervisor.Part("Redis", redis::process, null, false));
            }
            parts.add(
                    new Supervisor.Part(
                            "The schema registry", infra.registry()::process, null, false));
        }
        if (flinkDeployment == FlinkDeployment.SESSION_CLUSTER) {
            parts.addAll(clusterParts(console));
        } else {
            parts.add(
                    new Supervisor.Part(
                            "The Flink job",
                            () -> job,
                            () -> {
                                restartJob(RESUME_LATEST);
                                console.println(restoredFrom(job.log()));
                            },
                            true));
        }
        for (String module : List.of("ingest-gateway", "feature-writer", "feature-reader")) {
            parts.add(
                    new Supervisor.Part(
                            module,
                            () -> services.get(module),
                            () -> restartService(module),
                            false));
        }
        supervisor = new Supervisor(parts, console, stopAll, Clock.systemUTC()).start();
        return supervisor;
    }

    /**
     * The session cluster's processes. A TaskManager that dies is replaced, and Flink's restart
     * strategy restores the job from its latest checkpoint onto the new slots. The JobManager has
     * no high availability here, so its job dies with it: a new cluster is started, and the job
     * submitted again resumes from the latest checkpoint under the data directory.
     */
    private List<Supervisor.Part> clusterParts(PrintStream console) {
        List<Supervisor.Part> parts = new ArrayList<>();
        parts.add(
                new Supervisor.Part(
                        "The Flink JobManager",
                        () -> flinkCluster.jobManager(),
                        () -> {
                            flinkCluster.close();
                            flinkCluster = null;
                            startJob(RESUME_LATEST);
                            console.println(restoredFrom(flinkCluster.jobManager().log()));
                        },
                        false));
        for (int i = 0; i < FlinkDeployment.TASK_MANAGERS; i++) {
            int position = i;
            parts.add(
                    new Supervisor.Part(
                            "Flink TaskManager " + (i + 1),
                            () -> flinkCluster.taskManagers().get(position).process(),
                            () ->
                                    console.println(
                                            "Started "
                                                    + flinkCluster
                                                            .replace(
                                                                    flinkCluster
                                                                            .taskManagers()
                                                                            .get(position))
                                                            .id()
                                                    + "; Flink restores the job from its latest"
                                                    + " checkpoint."),
                            false));
        }
        return parts;
    }

    /** What the job's log says it restored, as a cluster's restart strategy would say. */
    private static String restoredFrom(Path jobLog) {
        try (java.util.stream.Stream<String> lines = Files.lines(jobLog)) {
            return lines.filter(line -> line.startsWith("Restoring the job's state from "))
                    .reduce((first, last) -> last)
                    .map(line -> "The Flink job resumed: " + line)
                    .orElse("The Flink job started without state: no checkpoint was found.");
        } catch (IOException e) {
            return "The Flink job restarted (its log " + jobLog + " is unreadable: " + e + ")";
        }
    }

    /**
     * Runs the pipeline until Ctrl-C. Options: {@code --root DIR} (default .), {@code --spec FILE}
     * (features.yaml), {@code --data DIR} (.tessera), {@code --demo} (stream synthetic events),
     * {@code --from-savepoint PATH} (the job restores that savepoint; otherwise it resumes from the
     * newest checkpoint or savepoint under the data directory, if any), {@code --flink-cluster}
     * (the job's jar on a {@link FlinkDeployment#SESSION_CLUSTER} rather than a MiniCluster).
     */
    public static void main(String[] args) throws InterruptedException {
        Path root = Path.of(".");
        Path spec = null;
        Path data = Path.of(".tessera");
        boolean demo = false;
        List<String> restore = RESUME_LATEST;
        FlinkDeployment flink = FlinkDeployment.MINI_CLUSTER;
        boolean redisCluster = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(Arguments.requireValue(args, ++i));
                case "--spec" -> spec = Path.of(Arguments.requireValue(args, ++i));
                case "--data" -> data = Path.of(Arguments.requireValue(args, ++i));
                case "--demo" -> demo = true;
                case "--flink-cluster" -> flink = FlinkDeployment.SESSION_CLUSTER;
                case "--redis-cluster" -> redisCluster = true;
                case "--from-savepoint" ->
                        restore =
                                List.of(
                                        "--savepoint",
                                        Arguments.requireValue(args, ++i),
                                        "--allow-non-restored-state");
                default ->
                        throw new IllegalArgumentException(
                                "unknown argument "
                                        + args[i]
                                        + "; usage: [--root DIR] [--spec FILE] [--data DIR] [--demo]"
                                        + " [--from-savepoint PATH] [--flink-cluster]"
                                        + " [--redis-cluster]");
            }
        }
        Path specFile = spec != null ? spec : root.resolve("features.yaml");
        System.out.println(
                "Starting Kafka, Redis, the schema registry, the Flink job and the services...");
        LocalPipeline pipeline =
                start(root, specFile, data, Ports.defaults(), flink, redisCluster, restore);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "tessera-shutdown"));
        pipeline.supervise(System.out, why -> System.exit(1));
        String flinkUi = pipeline.flinkUrl();
        String flinkMetrics = pipeline.flinkMetricsUrl();
        if (flink == FlinkDeployment.SESSION_CLUSTER) {
            FlinkCluster cluster = pipeline.flinkCluster();
            flinkUi += " (session cluster, logs in " + cluster.jobManager().log().getParent() + ")";
            flinkMetrics +=
                    " (JobManager)"
                            + cluster.taskManagers().stream()
                                    .map(tm -> "\n  " + tm.id() + "    " + tm.metricsUrl())
                                    .collect(Collectors.joining());
        }
        System.out.printf(
                """

                Tessera is up (logs in %s):
                  ingest-gateway   %s/v1/events/{stream}
                  feature-reader   %s/v1/features/{entity}/{id}
                  Flink web UI     %s
                  Kafka            %s
                  schema registry  %s
                  Redis            %s
                Bearer tokens (valid for a year; the key pair is in %s):
                  produce:*        %s
                  read:*           %s
                  e.g. curl -H "Authorization: Bearer $(cat %s)" %s/v1/features/user/user-1
                Health (/health) and Prometheus metrics (/metrics), no token needed:
                  ingest-gateway   %s
                  feature-writer   %s
                  feature-reader   %s
                  Flink job        %s
                OpenAPI: /openapi under the gateway's and the reader's management root.
                The job checkpoints to %s and resumes from there when restarted;
                ./run.sh --stop-with-savepoint stops it with a savepoint in %s.
                A part that dies is restarted (the job from its latest checkpoint), or stops it all.
                Ctrl-C stops everything.
                %n""",
                pipeline.dataDir.resolve("logs"),
                pipeline.gatewayUrl(),
                pipeline.readerUrl(),
                flinkUi,
                pipeline.endpoints.bootstrapServers(),
                pipeline.endpoints.registryUrl(),
                pipeline.endpoints.redisConfig().get("quarkus.redis.hosts"),
                pipeline.dataDir.resolve("jwt"),
                pipeline.producerTokenFile(),
                pipeline.readerTokenFile(),
                pipeline.readerTokenFile(),
                pipeline.readerUrl(),
                pipeline.managementUrl("ingest-gateway"),
                pipeline.managementUrl("feature-writer"),
                pipeline.managementUrl("feature-reader"),
                flinkMetrics,
                pipeline.checkpointDir(),
                pipeline.savepointDir());
        if (demo) {
            DemoTraffic traffic =
                    new DemoTraffic(
                            SpecParser.parse(specFile),
                            pipeline.gatewayUrl(),
                            pipeline.producerToken());
            Thread demoThread = new Thread(traffic, "tessera-demo");
            demoThread.setDaemon(true);
            demoThread.start();
        }
        new CountDownLatch(1).await();
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
