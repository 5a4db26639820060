package dev.tessera.dev;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server} child process on 127.0.0.1, with an append-only file. {@link
 * #secured} starts one as production should run: TLS only, and one ACL user with a password.
 */
public final class RedisServer implements RedisDeployment {

    private static final String EXECUTABLE = "redis-server";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** The ACL user a secured server requires, and its TLS certificates. */
    public record Security(String user, String password, TestCertificates certificates) {}

    private final Path workDir;
    private final int port;
    private final Security security;

    /** Options of a Redis Cluster node ({@link RedisCluster}), empty for a single server. */
    private final List<String> clusterOptions;

    private ChildProcess process;

    /**
     * @param workDir Redis's working directory and the home of its log; created if missing
     * @param port the port, or 0 for a free one
     */
    public RedisServer(Path workDir, int port) {
        this(workDir, port, null);
    }

    private RedisServer(Path workDir, int port, Security security, List<String> clusterOptions) {
        this.workDir = workDir.toAbsolutePath();
        this.port = FreePorts.orPick(port);
        this.security = security;
        this.clusterOptions = List.copyOf(clusterOptions);
    }

    private RedisServer(Path workDir, int port, Security security) {
        this(workDir, port, security, List.of());
    }

    /**
     * A node of a Redis Cluster, its cluster state in {@code workDir/nodes.conf}, its cluster bus
     * on {@code busPort} (the default, port + 10000, may be taken or past 65535): a node that
     * misses {@code nodeTimeout} is failing, and its replica is promoted.
     */
    static RedisServer clusterNode(Path workDir, int port, int busPort, Duration nodeTimeout) {
        return new RedisServer(
                workDir,
                port,
                null,
                List.of(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-port",
                        Integer.toString(busPort),
                        "--cluster-node-timeout",
                        Long.toString(nodeTimeout.toMillis()),
                        // The masters still up keep serving their slots while one fails over.
                        "--cluster-require-full-coverage",
                        "no"));
    }

    /**
     * A redis-server that speaks TLS only on its port (certificates made under {@code workDir/tls})
     * and accepts only {@code user} with {@code password}: the {@code default} user is disabled.
     */
    public static RedisServer secured(Path workDir, int port, String user, String password) {
        return new RedisServer(
                workDir,
                port,
                new Security(user, password, TestCertificates.create(workDir.resolve("tls"))));
    }

    /** Starts redis-server and waits until it answers PING. */
    @Override
    public synchronized void start() {
        if (process != null) {
            throw new IllegalStateException("redis-server already running on port " + port);
        }
        String executable = findOnPath();
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir, e);
        }
        List<String> command = new ArrayList<>(List.of(executable));
        if (security == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            TestCertificates tls = security.certificates();
            command.addAll(
                    List.of(
                            "--port",
                            "0",
                            "--tls-port",
                            Integer.toString(port),
                            "--tls-cert-file",
                            tls.serverCert().toString(),
                            "--tls-key-file",
                            tls.serverKey().toString(),
                            "--tls-ca-cert-file",
                            tls.caCert().toString(),
                            "--tls-auth-clients",
                            "no",
                            "--user",
                            "default",
                            "off",
                            "--user",
                            security.user(),
                            "on",
                            ">" + security.password(),
                            "~*",
                            "&*",
                            "+@all"));
        }
        command.addAll(
                List.of(
                        "--bind",
                        Loopback.HOST,
                        "--save",
                        "",
                        // An append-only file, as a production feature store would keep: a
                        // restart comes back with every acknowledged write.
                        "--appendonly",
                        "yes",
                        "--dir",
                        workDir.toString()));
        command.addAll(clusterOptions);
        process = ChildProcess.start(command, workDir.resolve("redis.log"));
        try {
            awaitPong();
        } catch (RuntimeException e) {
            process.kill9();
            process = null;
            throw e;
        }
    }

    /**
     * Stops redis-server (SIGTERM); {@link #start()} brings it back on the same port, with its data
     * (read back from its append-only file).
     */
    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_TIMEOUT);
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

    public int port() {
        return port;
    }

    /**
     * {@code redis://127.0.0.1:PORT}, the form Quarkus's {@code quarkus.redis.hosts} takes; {@code
     * rediss://127.0.0.1:PORT?user=USER} when secured. The password goes separately ({@code
     * quarkus.redis.password}); the user goes as a parameter, since Vert.x takes {@code USER@} for
     * no user at all and {@code USER:@} for an empty password.
     */
    public String uri() {
        return security == null
                ? "redis://" + Loopback.HOST + ":" + port
                : "rediss://" + Loopback.HOST + ":" + port + "?user=" + security.user();
    }

    /** The ACL user and certificates of a secured server, or null. */
    public Security security() {
        return security;
    }

    /**
     * What Quarkus' Redis client needs to reach this server: the URI, and when secured the password
     * and a TLS configuration (named {@code redis}) trusting the test CA.
     */
    @Override
    public Map<String, String> clientConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.redis.hosts", uri());
        if (security != null) {
            config.put("quarkus.redis.password", security.password());
            config.put("quarkus.redis.tls-configuration-name", "redis");
            config.put(
                    "quarkus.tls.redis.trust-store.pem.certs",
                    security.certificates().caCert().toString());
            // Vert.x's Redis client will not connect over TLS without one: check the server's name.
            config.put("quarkus.tls.redis.hostname-verification-algorithm", "HTTPS");
        }
        return config;
    }

    @Override
    public void close() {
        stop();
    }

    private static String findOnPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, EXECUTABLE);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(
                EXECUTABLE
                        + " is not on the PATH; install it, e.g. `apt-get install -y redis-server`"
                        + " (Debian/Ubuntu)");
    }

    private void awaitPong() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive()) {
                throw startupFailure("redis-server exited during startup");
            }
            if (System.nanoTime() > deadline) {
                throw startupFailure(
                        "redis-server not answering PING after "
                                + READY_TIMEOUT.toSeconds()
                                + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for redis-server", e);
            }
        }
    }

    private IllegalStateException startupFailure(String problem) {
        return new IllegalStateException(
                problem
                        + " (port "
                        + port
                        + "); "
                        + process.log()
                        + " ends with:\n"
                        + process.logTail());
    }

    /**
     * One PING over a plain socket, or over TLS after AUTH when secured: no Redis client needed
     * here.
     */
    private boolean answersPing() {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(Loopback.HOST, port), 1_000);
            plain.setSoTimeout(1_000);
            String commands = "PING\r\n";
            String expected = "+PONG\r\n";
            Socket socket = plain;
            if (security != null) {
                socket =
                        security.certificates()
                                .clientContext()
                                .getSocketFactory()
                                .createSocket(plain, Loopback.HOST, port, true);
                commands = resp("AUTH", security.user(), security.password()) + commands;
                expected = "+OK\r\n" + expected;
            }
            OutputStream out = socket.getOutputStream();
            out.write(commands.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = expected.getBytes(StandardCharsets.US_ASCII);
            return Arrays.equals(in.readNBytes(answer.length), answer);
        } catch (IOException e) {
            return false;
        }
    }

    /** A command as a RESP array: any byte of its arguments is safe. */
    private static String resp(String... args) {
        StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            command.append('$')
                    .append(arg.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(arg)
                    .append("\r\n");
        }
        return command.toString();
    }
}
