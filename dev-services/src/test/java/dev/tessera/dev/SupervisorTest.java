package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor on real child processes ({@code sleep}), checked one round at a time. */
class SupervisorTest {

    @TempDir Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final List<String> stops = new ArrayList<>();
    private final List<ChildProcess> started = new ArrayList<>();

    @AfterEach
    void killAll() {
        started.forEach(ChildProcess::kill9);
    }

    private ChildProcess start(String... command) {
        ChildProcess process =
                ChildProcess.start(
                        List.of(command), dir.resolve("part-" + started.size() + ".log"));
        started.add(process);
        return process;
    }

    private Supervisor supervisor(Supervisor.Part... parts) {
        return new Supervisor(List.of(parts), console, stops::add, Clock.systemUTC());
    }

    private static void awaitExit(ChildProcess process) throws Exception {
        process.waitFor(Duration.ofSeconds(10));
    }

    @Test
    void aPartThatDiesIsRestartedAndTheConsoleSaysSo() throws Exception {
        AtomicReference<ChildProcess> service = new AtomicReference<>(start("sleep", "600"));
        Supervisor supervisor =
                supervisor(
                        new Supervisor.Part(
                                "ingest-gateway",
                                service::get,
                                () -> service.set(start("sleep", "600")),
                                false));
        supervisor.check();
        assertThat(output.toString(StandardCharsets.UTF_8)).isEmpty();

        ChildProcess first = service.get();
        first.kill9();
        supervisor.check();
        assertThat(service.get()).isNotSameAs(first);
        assertThat(service.get().isAlive()).isTrue();
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("ingest-gateway exited with status 137 (killed by signal 9); restarting")
                .contains("ingest-gateway is running again.");
        assertThat(stops).isEmpty();
    }

    @Test
    void aJobStoppedOnPurposeIsLeftAloneAndSaidSo() throws Exception {
        ChildProcess job = start("true");
        awaitExit(job);
        Supervisor supervisor =
                supervisor(
                        new Supervisor.Part(
                                "The Flink job",
                                () -> job,
                                () -> {
                                    throw new AssertionError("restarted");
                                },
                                true));
        supervisor.check();
        supervisor.check();
        assertThat(output.toString(StandardCharsets.UTF_8))
                .containsOnlyOnce("The Flink job stopped (exit status 0");
        assertThat(stops).isEmpty();
    }

    @Test
    void aPartThatCannotBeRestartedStopsEverything() throws Exception {
        ChildProcess redis = start("false");
        awaitExit(redis);
        supervisor(new Supervisor.Part("Redis", () -> redis, null, false)).check();
        assertThat(stops)
                .singleElement()
                .asString()
                .startsWith("Redis exited with status 1, and cannot be restarted");
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("Stopping the whole pipeline.");
    }

    @Test
    void aPartThatKeepsDyingStopsEverything() throws Exception {
        AtomicReference<ChildProcess> job = new AtomicReference<>(start("false"));
        Supervisor supervisor =
                supervisor(
                        new Supervisor.Part(
                                "The Flink job", job::get, () -> job.set(start("false")), true));
        for (int round = 0; round <= Supervisor.MAX_RESTARTS; round++) {
            awaitExit(job.get());
            supervisor.check();
        }
        assertThat(stops)
                .singleElement()
                .asString()
                .startsWith("The Flink job exited with status 1 for the 4th time in 10 minutes");
    }
}
