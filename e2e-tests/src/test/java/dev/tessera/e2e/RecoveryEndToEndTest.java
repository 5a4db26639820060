package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink job killed with SIGKILL twice while events stream in, each time restarted from its
 * latest checkpoint, and the feature writer killed once amid its batches: Redis ends up equal to
 * the reference, and with exactly-once delivery no feature update is committed twice. See {@link
 * RecoveryScenario}; {@code RecoveryLongTest} runs the same with a million events.
 */
class RecoveryEndToEndTest {

    @TempDir Path dataDir;

    @Test
    void theKilledJobResumesFromItsLatestCheckpointAndTheStoreEqualsTheReference()
            throws Exception {
        RecoveryScenario scenario =
                new RecoveryScenario(
                        12_000, 2, 1, Duration.ofSeconds(30), "exactly-once", "hashmap");

        RecoveryScenario.Outcome outcome = scenario.run(dataDir);

        assertThat(outcome.restoredFrom()).hasSize(2);
        System.out.println(scenario + ": " + outcome);
    }
}
