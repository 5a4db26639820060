package dev.tessera.dev;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An external command whose output goes to a log file and which never outlives the JVM that started
 * it, even when that JVM is killed with SIGKILL and runs no shutdown hook.
 *
 * <p>The command runs under a small bash watchdog: the watchdog starts the command in the
 * background, reports its pid, and waits for it; a helper loop checks the launcher's pid every
 * second and, once the launcher is gone, terminates the command (TERM, then KILL after {@value
 * #ORPHAN_GRACE_SECONDS} s). The watchdog exits with the command's exit status as soon as the
 * command exits, so waiting for the watchdog process is waiting for the command.
 */
public final class ChildProcess implements AutoCloseable {

    private static final int ORPHAN_GRACE_SECONDS = 5;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 16 * 1024;

    /**
     * Positional parameters: $1 launcher pid, $2 log file, $3... the command. The command's output
     * is appended to the log; its pid is the watchdog's only line on stdout. The helper loop writes
     * to /dev/null so that it never holds that pipe open.
     */
    private static final String WATCHDOG =
            """
            launcher=$1; log=$2; shift 2
            "$@" >>"$log" 2>&1 </dev/null &
            child=$!
            echo "$child"
            (
              while kill -0 "$launcher" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
              if kill -0 "$child" 2>/dev/null; then
                kill -TERM "$child" 2>/dev/null
                for _ in $(seq %d); do kill -0 "$child" 2>/dev/null || exit 0; sleep 1; done
                kill -KILL "$child" 2>/dev/null
              fi
            ) >/dev/null 2>&1 &
            guard=$!
            wait "$child"; status=$?
            kill "$guard" 2>/dev/null
            exit "$status"
            """
                    .formatted(ORPHAN_GRACE_SECONDS);

    private final Process watchdog;
    private final long pid;

    /**
     * The command's own handle, taken while the watchdog (its parent) lives, so it is the command:
     * the JDK checks a handle's start time, so it never signals a later process given the same pid.
     * It outlives a watchdog killed on its own. Null if the command was gone at once.
     */
    private final ProcessHandle command;

    private final Path log;

    private ChildProcess(Process watchdog, long pid, Path log) {
        this.watchdog = watchdog;
        this.pid = pid;
        this.command = ProcessHandle.of(pid).orElse(null);
        this.log = log;
    }

    /**
     * Starts {@code command}, appending its stdout and stderr to {@code log} (created with its
     * parent directories if missing).
     */
    public static ChildProcess start(List<String> command, Path log) {
        return start(command, Map.of(), log);
    }

    /**
     * As {@link #start(List, Path)}, with {@code env} added to the environment: the way to hand a
     * child a secret, which its command line would show to every user of the machine.
     */
    public static ChildProcess start(List<String> command, Map<String, String> env, Path log) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            List<String> argv =
                    new ArrayList<>(List.of("bash", "-c", WATCHDOG, "tessera-watchdog"));
            argv.add(Long.toString(ProcessHandle.current().pid()));
            argv.add(log.toAbsolutePath().toString());
            argv.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().putAll(env);
            Process watchdog =
                    builder.redirectInput(
                                    ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
            return new ChildProcess(watchdog, readChildPid(watchdog, command, log), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    private static long readChildPid(Process watchdog, List<String> command, Path log)
            throws IOException {
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(watchdog.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException(
                        "watchdog for "
                                + command.get(0)
                                + " failed; log "
                                + log
                                + ":\n"
                                + tail(log));
            }
            return Long.parseLong(line.trim());
        }
    }

    /** The pid of the command itself (not of its watchdog). */
    public long pid() {
        return pid;
    }

    /**
     * Whether the command runs. The watchdog exits as soon as the command does; but should the
     * watchdog itself be killed, the command may run on.
     */
    public boolean isAlive() {
        return watchdog.isAlive() || (command != null && command.isAlive());
    }

    public Path log() {
        return log;
    }

    /** The command's exit status once it has exited (128 + the signal if a signal ended it). */
    public OptionalInt exitStatus() {
        return isAlive() ? OptionalInt.empty() : OptionalInt.of(watchdog.exitValue());
    }

    /** The last lines of the log, for error messages. */
    public String logTail() {
        return tail(log);
    }

    /**
     * Waits for the command to exit by itself.
     *
     * @return its exit status
     * @throws TimeoutException if it is still running after {@code timeout}
     */
    public int waitFor(Duration timeout) throws InterruptedException, TimeoutException {
        if (!watchdog.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(
                    "pid " + pid() + " still running after " + timeout + "; log " + log);
        }
        return watchdog.exitValue();
    }

    /** SIGKILLs the command, as a crash would, and waits until it is gone. */
    public void kill9() {
        signal(true);
        awaitExit(STOP_TIMEOUT);
    }

    /**
     * Stops the command: SIGTERM so it can shut down cleanly, SIGKILL if it is still running after
     * {@code timeout}. Returns once it is gone.
     */
    public void stop(Duration timeout) {
        signal(false);
        if (!awaitExit(timeout)) {
            signal(true);
            awaitExit(STOP_TIMEOUT);
        }
    }

    /** {@link #stop(Duration)} with a 30 s grace period. */
    @Override
    public void close() {
        stop(STOP_TIMEOUT);
    }

    /**
     * Signals the command itself, not the watchdog: a TERM to the watchdog would kill it and leave
     * the command running.
     */
    private void signal(boolean kill) {
        if (command == null) {
            return;
        }
        if (kill) {
            command.destroyForcibly();
        } else {
            command.destroy();
        }
    }

    /** Waits for the watchdog, which exits right after the command does, and for the command. */
    private boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!watchdog.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            while (command != null && command.isAlive()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(50);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of {@code log}; reads only its end, as a broker log can be large. */
    static String tail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join(
                    "\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }
}
