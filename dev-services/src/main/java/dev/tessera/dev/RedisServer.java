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
import java.util.Arrays;
import java.util.List;

/**
 * A real {@code redis-server} child process on 127.0.0.1, without persistence: a restart starts
 * empty, as a Redis used as a cache may.
 */
public final class RedisServer implements AutoCloseable {

    private static final String EXECUTABLE = "redis-server";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path workDir;
    private final int port;
    private ChildProcess process;

    /**
     * @param workDir Redis's working directory and the home of its log; created if missing
     * @param port the port, or 0 for a free one
     */
    public RedisServer(Path workDir, int port) {
        this.workDir = workDir.toAbsolutePath();
        this.port = FreePorts.orPick(port);
    }

    /** Starts redis-server and waits until it answers PING. */
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
        List<String> command =
                List.of(
                        executable,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        Loopback.HOST,
                        "--save",
                        "",
                        // An append-only file, as a production feature store would keep: a
                        // restart comes back with every acknowledged write.
                        "--appendonly",
                        "yes",
                        "--dir",
                        workDir.toString());
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
    public synchronized void stop() {
        if (process != null) {
            process.stop(STOP_TIMEOUT);
            process = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, the form Quarkus's {@code quarkus.redis.hosts} takes. */
    public String uri() {
        return "redis://" + Loopback.HOST + ":" + port;
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

    /** One inline PING over a plain socket: no Redis client needed here. */
    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.HOST, port), 1_000);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] expected = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
            return Arrays.equals(in.readNBytes(expected.length), expected);
        } catch (IOException e) {
            return false;
        }
    }
}
