package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link RecoveryEndToEndTest} at scale: a million events, three kills, each delivery mode with
 * each state backend. Too long for every build: runs in the {@code recovery} profile only ({@code
 * ./mvnw -B verify -pl e2e-tests -am -Precovery -Dtest=RecoveryLongTest
 * -Dsurefire.failIfNoSpecifiedTests=false}).
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
}
