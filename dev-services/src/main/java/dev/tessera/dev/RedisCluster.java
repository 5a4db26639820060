package dev.tessera.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster on 127.0.0.1: three masters and a replica of each, every node a {@code
 * redis-server} child process ({@link RedisServer#clusterNode}) with an append-only file, the slots
 * spread over the masters by {@code redis-cli --cluster create}. A master gone for {@link
 * #NODE_TIMEOUT} is replaced by its replica.
 */
public final class RedisCluster implements RedisDeployment {

    /** Small, so a test sees a failover within seconds. */
    public static final Duration NODE_TIMEOUT = Duration.ofMillis(2000);

    private static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);

    private final Path workDir;
    private final List<RedisServer> nodes = new ArrayList<>();

    /**
     * The cluster's nodes, each under {@code workDir/node-<i>}, on free ports the first time, kept
     * in {@code node-<i>/ports} for the next: the nodes know each other by port.
     */
    public RedisCluster(Path workDir) {
        this.workDir = workDir.toAbsolutePath();
        for (int i = 0; i < 2 * MASTERS; i++) {
            Path nodeDir = this.workDir.resolve("node-" + i);
            int[] ports = ports(nodeDir.resolve("ports"));
            nodes.add(RedisServer.clusterNode(nodeDir, ports[0], ports[1], NODE_TIMEOUT));
        }
    }

    /** A node's port and bus port, picked and written the first time. */
    private static int[] ports(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, FreePorts.pick() + " " + FreePorts.pick());
            }
            String[] ports = Files.readString(file).trim().split(" ");
            return new int[] {Integer.parseInt(ports[0]), Integer.parseInt(ports[1])};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the ports of " + file.getParent(), e);
        }
    }

    /**
     * Starts every node; the first time, joins them into a cluster (the first three masters, each
     * of the others a replica); then waits until every node sees the cluster whole: all slots
     * served, every replica's link to its master up.
     */
    @Override
    public synchronized void start() {
        boolean created = Files.exists(workDir.resolve("created"));
        try {
            nodes.forEach(RedisServer::start);
            if (!created) {
                List<String> create = new ArrayList<>(List.of("--cluster", "create"));
                nodes.forEach(node -> create.add(Loopback.HOST + ":" + node.port()));
                create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
                cli(create);
                Files.writeString(workDir.resolve("created"), "");
            }
            awaitHealthy();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot mark " + workDir + " created", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Every node, masters first as created; a failover swaps roles, see {@link #masters()}. */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** The running nodes that are masters now. */
    public synchronized List<RedisServer> masters() {
        return nodes.stream()
                .filter(RedisServer::isRunning)
                .filter(node -> cli(node, "ROLE").startsWith("master"))
                .toList();
    }

    /**
     * Waits until every running node answers {@code cluster_state:ok}, knows one master per running
     * replica, and every running replica's link to its master is up.
     */
    public synchronized void awaitHealthy() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String problem = "";
        while (System.nanoTime() < deadline) {
            problem = healthProblem();
            if (problem.isEmpty()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException(
                "Redis Cluster not healthy after " + READY_TIMEOUT.toSeconds() + " s: " + problem);
    }

    /**
     * Waits until every running replica has all its master wrote: its replication offset reached
     * its master's. What was acknowledged before then survives the master's loss.
     */
    public synchronized void awaitReplicated() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String problem = "";
        while (System.nanoTime() < deadline) {
            problem = replicationLag();
            if (problem.isEmpty()) {
                return;
            }
            sleep(50);
        }
        throw new IllegalStateException(
                "replicas behind after " + READY_TIMEOUT.toSeconds() + " s: " + problem);
    }

    /** The seed nodes' URIs, comma-separated, the form {@code quarkus.redis.hosts} takes. */
    public String uris() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    /** What Quarkus' Redis client needs to reach the cluster: its seeds and the cluster type. */
    @Override
    public Map<String, String> clientConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.redis.hosts", uris());
        config.put("quarkus.redis.client-type", "cluster");
        return config;
    }

    /** Stops every node (SIGTERM); {@link #start()} brings the cluster back with its data. */
    @Override
    public synchronized void stop() {
        nodes.forEach(RedisServer::stop);
    }

    @Override
    public void close() {
        stop();
    }

    private String healthProblem() {
        int replicas = 0;
        int masters = 0;
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            String info = cli(node, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok")) {
                return node.uri() + " answers " + info.lines().findFirst().orElse("nothing");
            }
            String replication = cli(node, "INFO", "replication");
            if (replication.contains("role:slave")) {
                replicas++;
                if (!replication.contains("master_link_status:up")) {
                    return "replica " + node.uri() + " not linked to its master";
                }
            } else {
                masters++;
            }
        }
        return masters == MASTERS ? "" : masters + " masters of " + MASTERS + " running";
    }

    /** What redis-cli prints for a command sent to {@code node}; throws when it fails. */
    public String cli(RedisServer node, String... args) {
        List<String> command =
                new ArrayList<>(List.of("-h", Loopback.HOST, "-p", Integer.toString(node.port())));
        command.addAll(List.of(args));
        return cli(command);
    }

    /** Runs redis-cli, returning its output; throws when it fails or hangs. */
    /** A replica behind its master, or empty when none is. */
    private String replicationLag() {
        Map<Integer, Long> masterOffsets = new LinkedHashMap<>();
        Map<RedisServer, Map<String, String>> replicas = new LinkedHashMap<>();
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            Map<String, String> info = info(cli(node, "INFO", "replication"));
            if ("master".equals(info.get("role"))) {
                masterOffsets.put(node.port(), Long.parseLong(info.get("master_repl_offset")));
            } else {
                replicas.put(node, info);
            }
        }
        for (Map.Entry<RedisServer, Map<String, String>> replica : replicas.entrySet()) {
            Map<String, String> info = replica.getValue();
            Long master = masterOffsets.get(Integer.parseInt(info.get("master_port")));
            long offset = Long.parseLong(info.getOrDefault("slave_repl_offset", "-1"));
            if (master == null || offset < master) {
                return replica.getKey().uri() + " at " + offset + ", its master at " + master;
            }
        }
        return "";
    }

    /** The {@code key:value} lines of an INFO reply. */
    private static Map<String, String> info(String reply) {
        Map<String, String> fields = new LinkedHashMap<>();
        reply.lines()
                .map(String::trim)
                .filter(line -> line.indexOf(':') > 0 && !line.startsWith("#"))
                .forEach(
                        line ->
                                fields.put(
                                        line.substring(0, line.indexOf(':')),
                                        line.substring(line.indexOf(':') + 1)));
        return fields;
    }

    private String cli(List<String> args) {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " hangs");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command)
                                + " failed ("
                                + process.exitValue()
                                + "): "
                                + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-cli", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running redis-cli", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the Redis Cluster", e);
        }
    }
}
