package dev.tessera.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Kafka, Redis and Apicurio Registry together, on loopback, with their data under one directory:
 * what Tessera's services need to run locally. Used by {@link TesseraTestResources} for Quarkus
 * tests, directly by other tests (Flink, end to end), and by {@code ./run.sh} through {@link
 * #main}.
 */
public final class LocalInfra implements AutoCloseable {

    private final Path dataDir;
    private final boolean temporary;
    private final KafkaCluster kafka;
    private final RedisDeployment redis;
    private final ApicurioRegistry registry;

    private LocalInfra(
            Path dataDir,
            boolean temporary,
            KafkaCluster kafka,
            RedisDeployment redis,
            ApicurioRegistry registry) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.kafka = kafka;
        this.redis = redis;
        this.registry = registry;
    }

    /** Starts everything on free ports in a temporary directory, deleted by {@link #close()}. */
    public static LocalInfra start() {
        try {
            return start(Files.createTempDirectory("tessera-infra"), 0, 0, 0, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /**
     * Starts everything on free ports in a temporary directory, deleted by {@link #close()}, the
     * online store a {@link RedisCluster}.
     */
    public static LocalInfra startWithRedisCluster() {
        try {
            return startWithRedisCluster(Files.createTempDirectory("tessera-infra"), 0, 0, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /**
     * Starts everything with data kept in {@code dataDir} across runs, the online store a {@link
     * RedisCluster}; a port of 0 means a free one.
     */
    public static LocalInfra startWithRedisCluster(Path dataDir, int kafkaPort, int registryPort) {
        return startWithRedisCluster(dataDir.toAbsolutePath(), kafkaPort, registryPort, false);
    }

    private static LocalInfra startWithRedisCluster(
            Path dataDir, int kafkaPort, int registryPort, boolean temporary) {
        return start(
                dataDir,
                KafkaCluster.of(new KafkaBroker(dataDir.resolve("kafka"), kafkaPort)),
                new RedisCluster(dataDir.resolve("redis-cluster")),
                registryPort,
                temporary);
    }

    /**
     * Starts everything with data kept in {@code dataDir} across runs; a port of 0 means a free
     * one.
     */
    public static LocalInfra start(Path dataDir, int kafkaPort, int redisPort, int registryPort) {
        return start(dataDir.toAbsolutePath(), kafkaPort, redisPort, registryPort, false);
    }

    /**
     * Starts everything on free ports in {@code dataDir}, Kafka with a SASL_SSL listener as
     * production clusters have: TLS (a test CA), and a SCRAM user with a random password for each
     * part of {@link LocalPipeline#KAFKA_CLIENTS}; {@link LocalPipeline.Endpoints#of} then points
     * every part at that listener.
     */
    public static LocalInfra startWithKafkaSaslSsl(Path dataDir) {
        Map<String, String> users = new LinkedHashMap<>();
        LocalPipeline.KAFKA_CLIENTS.forEach(user -> users.put(user, UUID.randomUUID().toString()));
        KafkaBroker.SaslSsl saslSsl =
                new KafkaBroker.SaslSsl(
                        0, TestCertificates.create(dataDir.resolve("kafka-tls")), users);
        return start(
                dataDir.toAbsolutePath(),
                KafkaCluster.of(new KafkaBroker(dataDir.resolve("kafka"), 0, saslSsl)),
                new RedisServer(dataDir.resolve("redis"), 0),
                0,
                false);
    }

    /**
     * Starts everything on free ports in {@code dataDir}, Kafka as a cluster of {@code brokers}
     * nodes (see {@link KafkaCluster}).
     */
    public static LocalInfra startWithKafkaBrokers(Path dataDir, int brokers) {
        return start(
                dataDir.toAbsolutePath(),
                KafkaCluster.of(dataDir.toAbsolutePath().resolve("kafka"), brokers),
                new RedisServer(dataDir.toAbsolutePath().resolve("redis"), 0),
                0,
                false);
    }

    private static LocalInfra start(
            Path dataDir, int kafkaPort, int redisPort, int registryPort, boolean temporary) {
        return start(
                dataDir,
                KafkaCluster.of(new KafkaBroker(dataDir.resolve("kafka"), kafkaPort)),
                new RedisServer(dataDir.resolve("redis"), redisPort),
                registryPort,
                temporary);
    }

    private static LocalInfra start(
            Path dataDir,
            KafkaCluster kafka,
            RedisDeployment redis,
            int registryPort,
            boolean temporary) {
        // The registry takes longest to start: it starts while Redis and Kafka do.
        CompletableFuture<ApicurioRegistry> registry =
                CompletableFuture.supplyAsync(
                        () -> ApicurioRegistry.start(dataDir.resolve("registry"), registryPort));
        try {
            redis.start();
            kafka.start();
            return new LocalInfra(dataDir, temporary, kafka, redis, registry.join());
        } catch (RuntimeException e) {
            kafka.close();
            redis.close();
            try {
                registry.join().close();
            } catch (RuntimeException registryFailure) {
                if (registryFailure != e) {
                    e.addSuppressed(registryFailure);
                }
            }
            if (temporary) {
                deleteRecursively(dataDir);
            }
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause
                    ? cause
                    : e;
        }
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    /**
     * The one redis-server.
     *
     * @throws IllegalStateException when the online store is a {@link RedisCluster}
     */
    public RedisServer redis() {
        if (redis instanceof RedisServer server) {
            return server;
        }
        throw new IllegalStateException("the online store is a Redis Cluster: see redisCluster()");
    }

    /**
     * The Redis Cluster.
     *
     * @throws IllegalStateException when the online store is one redis-server
     */
    public RedisCluster redisCluster() {
        if (redis instanceof RedisCluster cluster) {
            return cluster;
        }
        throw new IllegalStateException("the online store is one redis-server: see redis()");
    }

    /** The online store, whichever it is. */
    public RedisDeployment redisDeployment() {
        return redis;
    }

    public ApicurioRegistry registry() {
        return registry;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Configuration pointing Tessera's services at this infrastructure: the Kafka, Redis and
     * Apicurio keys Quarkus and the SmallRye Kafka connector read, Quarkus Dev Services off (they
     * would try Docker). Tests reach the parts themselves through {@link #kafka()}, {@link
     * #redisDeployment()} and {@link #registry()}: keys under {@code tessera.} would fail the
     * services' strict config mappings.
     */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.putAll(redis.clientConfig());
        config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", registry.url());
        config.put("apicurio.registry.url", registry.url());
        config.put("quarkus.devservices.enabled", "false");
        return Collections.unmodifiableMap(config);
    }

    /** Stops everything; a temporary data directory is deleted. */
    @Override
    public void close() {
        // Closes all three (Kafka first) even if one fails.
        try (registry;
                redis;
                kafka) {
        } finally {
            if (temporary) {
                deleteRecursively(dataDir);
            }
        }
    }

    /**
     * Runs the infrastructure until the process is stopped, printing its configuration as {@code
     * key=value} lines. Options: {@code --data DIR} (default {@code .tessera/infra}), {@code
     * --kafka-port} (9092), {@code --redis-port} (6379), {@code --registry-port} (8085).
     */
    public static void main(String[] args) throws InterruptedException {
        Path data = Path.of(".tessera", "infra");
        int kafkaPort = 9092;
        int redisPort = 6379;
        int registryPort = 8085;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(Arguments.requireValue(args, ++i));
                case "--kafka-port" ->
                        kafkaPort = Integer.parseInt(Arguments.requireValue(args, ++i));
                case "--redis-port" ->
                        redisPort = Integer.parseInt(Arguments.requireValue(args, ++i));
                case "--registry-port" ->
                        registryPort = Integer.parseInt(Arguments.requireValue(args, ++i));
                default ->
                        throw new IllegalArgumentException(
                                "unknown argument "
                                        + args[i]
                                        + "; usage: [--data DIR] [--kafka-port P] [--redis-port P]"
                                        + " [--registry-port P]");
            }
        }
        LocalInfra infra = start(data, kafkaPort, redisPort, registryPort);
        Runtime.getRuntime().addShutdownHook(new Thread(infra::close));
        infra.config().forEach((key, value) -> System.out.println(key + "=" + value));
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(LocalInfra::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
