package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    @TempDir Path dir;

    @Test
    void waitForGivesTheExitStatusAndTheLogHoldsTheOutput() throws Exception {
        try (ChildProcess process =
                ChildProcess.start(
                        List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                        dir.resolve("a.log"))) {
            assertThat(process.waitFor(Duration.ofSeconds(10))).isEqualTo(3);
            assertThat(process.isAlive()).isFalse();
            assertThat(Files.readString(process.log())).contains("out", "err");
        }
    }

    /** A watchdog killed on its own (a careless kill -9) must not hide a command that runs on. */
    @Test
    void aKilledWatchdogNeitherHidesTheCommandNorLetsItOutliveClose() throws Exception {
        ChildProcess process = ChildProcess.start(List.of("sleep", "300"), dir.resolve("w.log"));
        ProcessHandle command = ProcessHandle.of(process.pid()).orElseThrow();
        ProcessHandle watchdog = command.parent().orElseThrow();
        watchdog.destroyForcibly();
        watchdog.onExit().get(10, TimeUnit.SECONDS);

        assertThat(process.isAlive()).isTrue();
        assertThat(process.exitStatus()).isEmpty();
        process.close();
        assertThat(command.isAlive()).isFalse();
        assertThat(process.exitStatus()).isPresent();
    }

    @Test
    void closeTerminatesTheCommand() {
        ChildProcess process = ChildProcess.start(List.of("sleep", "300"), dir.resolve("b.log"));
        try (process) {
            assertThat(process.isAlive()).isTrue();
            assertThat(
                            ProcessHandle.of(process.pid())
                                    .flatMap(ProcessHandle::parent)
                                    .flatMap(ProcessHandle::parent)
                                    .map(ProcessHandle::pid))
                    .as("pid() is the command's, a child of the watchdog, a child of this JVM")
                    .hasValue(ProcessHandle.current().pid());
        }

        assertThat(process.isAlive()).isFalse();
        assertThat(ProcessHandle.of(process.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void stopEscalatesToKillWhenTermIsIgnored() throws Exception {
        try (ChildProcess process = startIgnoringTerm(dir.resolve("c.log"))) {
            long start = System.nanoTime();

            process.stop(Duration.ofMillis(500));

            assertThat(process.isAlive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void kill9KillsAProcessThatIgnoresTerm() throws Exception {
        try (ChildProcess process = startIgnoringTerm(dir.resolve("d.log"))) {
            process.kill9();

            assertThat(process.isAlive()).isFalse();
        }
    }

    /**
     * Returns once the command ignores SIGTERM, so a test cannot signal it before the trap is set.
     */
    private static ChildProcess startIgnoringTerm(Path log) throws Exception {
        ChildProcess process =
                ChildProcess.start(
                        List.of("bash", "-c", "trap '' TERM; echo trapped; exec sleep 300"), log);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(log).contains("trapped")) {
            assertThat(System.nanoTime()).as("trap set within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
        return process;
    }

    /**
     * The launcher JVM is killed with SIGKILL, so no shutdown hook runs: only the watchdog acts.
     */
    @Test
    void commandDiesWhenTheLauncherJvmIsKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process launcher =
                new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                OrphanLauncher.class.getName(),
                                dir.resolve("orphan.log").toString())
                        .redirectErrorStream(true)
                        .start();
        long childPid;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
            childPid = Long.parseLong(out.readLine().trim());
        }
        ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
        ProcessHandle watchdog = child.parent().orElseThrow();
        assertThat(child.isAlive()).isTrue();

        launcher.destroyForcibly();
        assertThat(launcher.waitFor(10, TimeUnit.SECONDS)).isTrue();

        child.onExit().get(15, TimeUnit.SECONDS);
        watchdog.onExit().get(5, TimeUnit.SECONDS);
        assertThat(child.isAlive()).isFalse();
        assertThat(watchdog.isAlive()).isFalse();
    }
}
