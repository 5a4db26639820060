package dev.tessera.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker in KRaft mode (broker and controller in one process), in a child JVM
 * listening on 127.0.0.1: a single-node cluster of its own, or a member of a {@link KafkaCluster}.
 *
 * <p>The ports and the data directory are fixed for the life of this object, so {@link #stop()} or
 * {@link #kill9()} followed by {@link #start()} brings back the same broker with its data, as
 * clients reconnecting to the same bootstrap address expect.
 *
 * <p>Besides its PLAINTEXT listener it can have a {@link SaslSsl} one, as production clusters do:
 * TLS, and SCRAM-SHA-512 users and passwords.
 */
public final class KafkaBroker implements AutoCloseable {

    /**
     * A SASL_SSL listener with SCRAM-SHA-512 users.
     *
     * @param port the listener's port, or 0 for a free one
     * @param certificates the listener's certificate and key, and the CA clients trust
     * @param users passwords by user name, set when the broker's storage is formatted
     */
    public record SaslSsl(int port, TestCertificates certificates, Map<String, String> users) {

        static final String MECHANISM = "SCRAM-SHA-512";

        public SaslSsl {
            port = FreePorts.orPick(port);
            users = Map.copyOf(users);
        }

        /** What a Kafka client of this listener sets to log in as {@code user}. */
        public Map<String, String> clientSettings(String user) {
            String password = users.get(user);
            if (password == null) {
                throw new IllegalArgumentException("no SCRAM user " + user);
            }
            return Map.of(
                    "security.protocol",
                    "SASL_SSL",
                    "sasl.mechanism",
                    MECHANISM,
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + user
                            + "\" password=\""
                            + password
                            + "\";",
                    "ssl.truststore.type",
                    "PEM",
                    "ssl.truststore.location",
                    certificates.caCert().toAbsolutePath().toString());
        }
    }

    /**
     * Its place in a cluster whose every node is broker and controller.
     *
     * @param nodeId its {@code node.id}
     * @param controllerPort its controller listener's port
     * @param voters every node's {@code id@host:controllerPort}, the static controller quorum
     * @param clusterId the id its storage is formatted with, the same on every node
     * @param size how many nodes the cluster has
     */
    record Membership(int nodeId, int controllerPort, String voters, String clusterId, int size) {

        /** A cluster of one node. */
        static Membership alone() {
            int controllerPort = FreePorts.pick();
            return new Membership(
                    1,
                    controllerPort,
                    "1@" + Loopback.HOST + ":" + controllerPort,
                    Uuid.randomUuid().toString(),
                    1);
        }

        /** Replicas of each partition: three where the cluster has them. */
        int replicationFactor() {
            return Math.min(size, 3);
        }

        /** In-sync replicas a write with acks=all needs: two of three, so one node may be lost. */
        int minInSyncReplicas() {
            return Math.min(size, 2);
        }
    }

    /** Written at build time by the dependency plugin: the jars of the broker JVM. */
    private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final Membership membership;
    private final SaslSsl saslSsl;
    private ChildProcess process;

    /**
     * @param dataDir holds the broker's logs (its data), its properties and its output; created if
     *     missing, formatted on first start
     * @param port the client port, or 0 for a free one
     */
    public KafkaBroker(Path dataDir, int port) {
        this(dataDir, port, null);
    }

    /** A broker with a SASL_SSL listener beside the PLAINTEXT one. */
    public KafkaBroker(Path dataDir, int port, SaslSsl saslSsl) {
        this(dataDir, port, saslSsl, Membership.alone());
    }

    KafkaBroker(Path dataDir, int port, SaslSsl saslSsl, Membership membership) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = FreePorts.orPick(port);
        this.membership = membership;
        this.saslSsl = saslSsl;
    }

    /**
     * Starts the broker (formatting its storage on first use) and waits until it serves clients.
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(
                    "Kafka broker already running on " + bootstrapServers());
        }
        Path config = writeConfig();
        if (!Files.exists(logDir().resolve("meta.properties"))) {
            format(config);
        }
        process = ChildProcess.start(javaCommand("kafka.Kafka", config.toString()), brokerLog());
        try {
            awaitReady();
        } catch (RuntimeException e) {
            process.kill9();
            process = null;
            throw e;
        }
    }

    /**
     * Shuts the broker down cleanly (SIGTERM), as an operator would; {@link #start()} resumes it.
     */
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_TIMEOUT);
            process = null;
        }
    }

    /** Kills the broker with SIGKILL, as a crash would; {@link #start()} recovers it. */
    public synchronized void kill9() {
        if (process != null) {
            process.kill9();
            process = null;
        }
    }

    /** Its process, for supervision; null before it started. */
    public synchronized ChildProcess process() {
        return process;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String bootstrapServers() {
        return Loopback.HOST + ":" + port;
    }

    /** Its {@code node.id}, as partition leaders and replicas are named. */
    public int nodeId() {
        return membership.nodeId();
    }

    public int port() {
        return port;
    }

    /** Its SASL_SSL listener, if it has one. */
    public Optional<SaslSsl> saslSsl() {
        return Optional.ofNullable(saslSsl);
    }

    /** The SASL_SSL listener's address, for clients with {@link SaslSsl#clientSettings}. */
    public String saslSslBootstrapServers() {
        if (saslSsl == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener");
        }
        return Loopback.HOST + ":" + saslSsl.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker's stdout and stderr, appended across restarts. */
    public Path brokerLog() {
        return dataDir.resolve("broker.log");
    }

    /**
     * Creates a topic with the cluster's replication factor and {@code min.insync.replicas} (its
     * brokers' defaults: see {@link Membership}).
     *
     * @param configs topic configs such as {@code retention.ms=-1}
     * @throws IllegalStateException if the broker refuses, for instance because the topic exists
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = openAdmin()) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(name, Optional.of(partitions), Optional.empty())
                                            .configs(configs)))
                    .all()
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Path logDir() {
        return dataDir.resolve("kraft-combined-logs");
    }

    private Path writeConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(membership.nodeId()));
        config.put("controller.quorum.voters", membership.voters());
        int controllerPort = membership.controllerPort();
        String advertised = "PLAINTEXT://" + bootstrapServers();
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (saslSsl != null) {
            advertised += ",SASL_SSL://" + saslSslBootstrapServers();
            protocols += ",SASL_SSL:SASL_SSL";
            config.put("sasl.enabled.mechanisms", SaslSsl.MECHANISM);
            config.put(
                    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            config.put("listener.name.sasl_ssl.ssl.keystore.type", "PEM");
            config.put(
                    "listener.name.sasl_ssl.ssl.keystore.location",
                    saslSsl.certificates().serverKeyStore().toAbsolutePath().toString());
        }
        config.put(
                "listeners", advertised + ",CONTROLLER://" + Loopback.HOST + ":" + controllerPort);
        config.put("advertised.listeners", advertised);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", protocols);
        config.put("log.dirs", logDir().toString());
        String replicas = Integer.toString(membership.replicationFactor());
        String minInSync = Integer.toString(membership.minInSyncReplicas());
        config.put("default.replication.factor", replicas);
        config.put("min.insync.replicas", minInSync);
        config.put("offsets.topic.replication.factor", replicas);
        config.put("transaction.state.log.replication.factor", replicas);
        config.put("transaction.state.log.min.isr", minInSync);
        config.put("share.coordinator.state.topic.replication.factor", replicas);
        config.put("share.coordinator.state.topic.min.isr", minInSync);
        // 50 partitions each by default: creating and loading them slows the first consumer
        // group and the first transaction on a 2-core machine, for no benefit on one node.
        config.put("offsets.topic.num.partitions", "4");
        config.put("transaction.state.log.num.partitions", "4");
        // After a crash the restarted controller keeps the dead broker's registration until its
        // session expires (9 s by default) and refuses the new one meanwhile: keep crash tests
        // short.
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("broker.session.timeout.ms", "3000");
        // Tests should not wait 3 s for the first consumer group to form.
        config.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner allocates this buffer up front (128 MiB by default): too much for
        // -Xmx256m.
        config.put("log.cleaner.dedupe.buffer.size", "4194304");
        String text =
                config.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("\n", "", "\n"));
        Path file = dataDir.resolve("server.properties");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private void format(Path config) {
        List<String> formatArgs =
                new ArrayList<>(
                        List.of("format", "-t", membership.clusterId(), "-c", config.toString()));
        if (saslSsl != null) {
            // SCRAM credentials live in the cluster's metadata: written with it, before start.
            saslSsl.users()
                    .forEach(
                            (user, password) ->
                                    formatArgs.addAll(
                                            List.of(
                                                    "--add-scram",
                                                    SaslSsl.MECHANISM
                                                            + "=[name="
                                                            + user
                                                            + ",password="
                                                            + password
                                                            + "]")));
        }
        List<String> command =
                javaCommand("kafka.tools.StorageTool", formatArgs.toArray(String[]::new));
        try (ChildProcess storageTool =
                ChildProcess.start(command, dataDir.resolve("format.log"))) {
            int status = storageTool.waitFor(FORMAT_TIMEOUT);
            if (status != 0) {
                throw new IllegalStateException(
                        "formatting Kafka storage in "
                                + logDir()
                                + " failed ("
                                + status
                                + "):\n"
                                + storageTool.logTail());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("formatting Kafka storage timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted formatting Kafka storage", e);
        }
    }

    private List<String> javaCommand(String mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                new ArrayList<>(
                        List.of(
                                java,
                                "-Xmx256m",
                                // Two cores are shared with the tests: one GC thread is plenty.
                                "-XX:+UseSerialGC",
                                // Timestamps in the broker log, to line it up with test output.
                                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                                "-cp",
                                BuildClasspath.read(CLASSPATH_RESOURCE, "dev-services"),
                                mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Polls until the port accepts connections, then until an Admin client can describe the
     * cluster.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception lastFailure = null;
        while (!acceptsConnections()) {
            checkProgress(deadline, null);
            sleep();
        }
        try (Admin admin = openAdmin()) {
            while (true) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes()
                            .get()
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    lastFailure = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the Kafka broker", e);
                }
                checkProgress(deadline, lastFailure);
                sleep();
            }
        }
    }

    private void checkProgress(long deadline, Exception lastFailure) {
        String problem;
        if (!process.isAlive()) {
            problem = "Kafka broker exited during startup";
        } else if (System.nanoTime() > deadline) {
            problem = "Kafka broker not ready after " + READY_TIMEOUT.toSeconds() + " s";
        } else {
            return;
        }
        throw new IllegalStateException(
                problem
                        + " ("
                        + bootstrapServers()
                        + "); "
                        + brokerLog()
                        + " ends with:\n"
                        + process.logTail(),
                lastFailure);
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.HOST, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the Kafka broker", e);
        }
    }

    private Admin openAdmin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        props.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        return Admin.create(props);
    }
}
