package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.LocalPipeline.FlinkDeployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RecoveryEndToEndTest} at scale: a million events, three kills, each delivery mode with
 * each state backend; and {@link ClusterRecoveryEndToEndTest} at length. Too long for every build:
 * runs in the {@code recovery} profile only ({@code ./mvnw -B verify -pl e2e-tests -am -Precovery
 * -Dtest=RecoveryLongTest -Dsurefire.failIfNoSpecifiedTests=false}).
 */
@EnabledIfSystemProperty(named = "tessera.recovery.long", matches = "true")
class RecoveryLongTest {

    @TempDir Path dataDir;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "at-least-once, hashmap",
        "at-least-once, rocksdb",
        "exactly-once, hashmap",
        "exactly-once, rocksdb"
    })
    void aMillionEventsThroughThreeKills(String delivery, String stateBackend) throws Exception {
        RecoveryScenario scenario =
                new RecoveryScenario(
                        Integer.getInteger("tessera.recovery.events", 1_000_000),
                        3,
                        1,
                        Duration.ofMinutes(3),
                        delivery,
                        stateBackend);

        RecoveryScenario.Outcome outcome = scenario.run(dataDir);

        assertThat(outcome.restoredFrom()).hasSize(3);
        System.out.println(scenario + ": " + outcome);
    }

    /**
     * {@code ClusterRecoveryEndToEndTest} at length: on the session cluster at parallelism 4, two
     * TaskManagers lost, the writer killed, and rescales to 2, 3 and back to 4, all while events
     * stream in.
     */
    @ParameterizedTest(name = "session cluster, {0}, {1}")
    @CsvSource({"exactly-once, hashmap", "exactly-once, rocksdb", "at-least-once, rocksdb"})
    void onASessionClusterThroughLostTaskManagersAndRescales(String delivery, String stateBackend)
            throws Exception {
        RecoveryScenario scenario =
                new RecoveryScenario(
                        Integer.getInteger("tessera.recovery.cluster-events", 300_000),
                        2,
                        1,
                        List.of(2, 3, 4),
                        Duration.ofMinutes(3),
                        delivery,
                        stateBackend,
                        FlinkDeployment.SESSION_CLUSTER,
                        4);

        RecoveryScenario.Outcome outcome = scenario.run(dataDir);

        assertThat(outcome.restoredFrom()).hasSize(5);
        System.out.println(scenario + ": " + outcome);
    }
}
