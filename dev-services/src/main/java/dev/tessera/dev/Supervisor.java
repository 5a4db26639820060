package dev.tessera.dev;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches the processes {@code ./run.sh} started, so the local pipeline never runs on half-dead and
 * silent: a part that dies is restarted and the console says so, as a cluster's restart strategy or
 * Kubernetes would; a part that cannot be restarted, or dies again and again, stops everything with
 * a message saying which and where its log is.
 */
public final class Supervisor implements Runnable {

    /** How often the parts are looked at. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** More restarts of one part than this within {@link #RESTART_WINDOW} stop everything. */
    static final int MAX_RESTARTS = 3;

    static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    /**
     * One supervised part.
     *
     * @param process its current process (a restart replaces it)
     * @param restart starts it again and returns once it is ready; null if it cannot be restarted
     *     (its data would be lost, or the others depend on its identity)
     * @param finishedDeliberately whether an exit with status 0 is a deliberate stop to leave alone
     *     (the Flink job stopped with a savepoint), rather than a failure
     */
    public record Part(
            String name,
            java.util.function.Supplier<ChildProcess> process,
            Runnable restart,
            boolean finishedDeliberately) {}

    private final List<Part> parts;
    private final PrintStream console;
    private final Consumer<String> stopAll;
    private final Clock clock;
    private final Map<String, Deque<Long>> restarts = new HashMap<>();
    private final Map<String, ChildProcess> leftAlone = new HashMap<>();
    private volatile boolean stopped;

    /**
     * @param stopAll stops the whole pipeline, given why
     */
    public Supervisor(
            List<Part> parts, PrintStream console, Consumer<String> stopAll, Clock clock) {
        this.parts = List.copyOf(parts);
        this.console = console;
        this.stopAll = stopAll;
        this.clock = clock;
    }

    /** Starts watching in a daemon thread. */
    public Supervisor start() {
        Thread thread = new Thread(this, "tessera-supervisor");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Stops watching: the pipeline is being stopped on purpose. */
    public void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        while (!stopped) {
            check();
            LocalPipeline.sleep(POLL);
        }
    }

    /** Looks at every part once, restarting or stopping everything as needed. */
    void check() {
        for (Part part : parts) {
            if (stopped) {
                return;
            }
            ChildProcess process = part.process().get();
            if (process == null || process.isAlive() || leftAlone.get(part.name()) == process) {
                continue;
            }
            int status = process.exitStatus().orElse(-1);
            if (status == 0 && part.finishedDeliberately()) {
                leftAlone.put(part.name(), process);
                console.printf(
                        "%n%s stopped (exit status 0, e.g. ./run.sh --stop-with-savepoint); the rest"
                                + " runs on. Ctrl-C, then ./run.sh --from-savepoint PATH to go on.%n",
                        part.name());
                continue;
            }
            String died = part.name() + " exited with status " + describe(status);
            if (part.restart() == null) {
                stop(died + ", and cannot be restarted without losing data; see " + process.log());
                return;
            }
            if (!mayRestart(part.name())) {
                stop(
                        died
                                + " for the "
                                + (MAX_RESTARTS + 1)
                                + "th time in "
                                + RESTART_WINDOW.toMinutes()
                                + " minutes; see "
                                + process.log());
                return;
            }
            console.printf("%n%s; restarting it (log: %s)...%n", died, process.log());
            try {
                part.restart().run();
                console.printf("%s is running again.%n", part.name());
            } catch (RuntimeException e) {
                stop(part.name() + " could not be restarted: " + e.getMessage());
                return;
            }
        }
    }

    private boolean mayRestart(String name) {
        long now = clock.millis();
        Deque<Long> times = restarts.computeIfAbsent(name, n -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() > RESTART_WINDOW.toMillis()) {
            times.removeFirst();
        }
        if (times.size() >= MAX_RESTARTS) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    private void stop(String why) {
        stopped = true;
        console.printf("%n%s. Stopping the whole pipeline.%n", why);
        stopAll.accept(why);
    }

    /** 137 reads as "137 (killed by signal 9)". */
    private static String describe(int status) {
        return status > 128 ? status + " (killed by signal " + (status - 128) + ")" : "" + status;
    }
}
