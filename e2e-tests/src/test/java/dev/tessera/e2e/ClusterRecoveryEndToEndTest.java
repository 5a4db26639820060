package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.LocalPipeline.FlinkDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's shaded jar submitted to a standalone session cluster (a JobManager and two TaskManagers
 * of two slots each, {@link FlinkDeployment#SESSION_CLUSTER}) through failures and rescaling, while
 * events stream in: Redis ends up equal to the reference over every event, and with exactly-once
 * delivery no feature update is committed twice. The TaskManager loss runs on hashmap state, the
 * rescaling on RocksDB (keyed state redistributed by key group through its own snapshot format).
 * See {@link RecoveryScenario}; {@code RecoveryLongTest} runs longer variants of both backends.
 */
class ClusterRecoveryEndToEndTest {

    @TempDir Path dataDir;

    @Test
    void aTaskManagerKilledAtParallelism4IsReplacedAndTheJobResumesFromItsCheckpoint()
            throws Exception {
        RecoveryScenario scenario =
                new RecoveryScenario(
                        6_000,
                        1,
                        0,
                        List.of(),
                        Duration.ofSeconds(30),
                        "exactly-once",
                        "hashmap",
                        FlinkDeployment.SESSION_CLUSTER,
                        4);

        RecoveryScenario.Outcome outcome = scenario.run(dataDir);

        assertThat(outcome.restoredFrom()).hasSize(1);
        System.out.println(scenario + ": " + outcome);
    }

    @Test
    void theJobOnRocksDbRescaledThroughSavepointsFrom4To2To3ContinuesItsState() throws Exception {
        RecoveryScenario scenario =
                new RecoveryScenario(
                        6_000,
                        0,
                        0,
                        List.of(2, 3),
                        Duration.ofSeconds(30),
                        "exactly-once",
                        "rocksdb",
                        FlinkDeployment.SESSION_CLUSTER,
                        4);

        RecoveryScenario.Outcome outcome = scenario.run(dataDir);

        assertThat(outcome.restoredFrom()).hasSize(2).allMatch(path -> path.contains("savepoint-"));
        System.out.println(scenario + ": " + outcome);
    }
}
