package dev.tessera.job.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.serve.FeatureStatus;
import dev.tessera.spec.serve.Served;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spines read and training sets written by DuckDB, without a replay. */
class TrainingSetTableTest {

    private static final FeatureSpec SPEC = SpecParser.parse(Path.of("..", "features.yaml"));
    private static final List<Feature> FEATURES =
            List.of(
                    SPEC.feature("txn_count_5m").orElseThrow(),
                    SPEC.feature("last_5_merchants").orElseThrow());

    @TempDir Path dir;

    @Test
    void readsIdsAsTextAndTimesAsIsoOrEpochMillisInTimeOrder() throws Exception {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(
                spine, "user_id,ts,label\n007,2026-11-30T07:00:01Z,a\n8,1796022000000,b\n");
        try (TrainingSetTable table = new TrainingSetTable(spine, "user_id", FEATURES)) {
            assertThat(table.rows("user_id", "ts"))
                    .containsExactly(
                            new SpineRow(1, "8", 1796022000000L),
                            new SpineRow(
                                    0,
                                    "007",
                                    Instant.parse("2026-11-30T07:00:01Z").toEpochMilli()));
        }
    }

    @Test
    void writesTheSpinesColumnsThenEachFeaturesValueAndStatusInSpineOrder() throws Exception {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, "user_id,ts,label\nu1,2000,1\nu2,1000,0\n");
        Path out = dir.resolve("training.csv");
        try (TrainingSetTable table = new TrainingSetTable(spine, "user_id", FEATURES)) {
            table.rows("user_id", "ts");
            table.append(new TrainingRow(1, List.of(Served.MISSING, Served.MISSING)));
            table.append(
                    new TrainingRow(
                            0,
                            List.of(
                                    new Served(3L, FeatureStatus.PRESENT, 1L, 1999L),
                                    new Served(
                                            List.of("a", "b"), FeatureStatus.STALE, 5L, 1995L))));
            assertThat(table.write(out, TrainingSetTable.Format.CSV)).isEqualTo(2);
        }
        assertThat(Files.readAllLines(out))
                .containsExactly(
                        "user_id,ts,label,txn_count_5m,txn_count_5m_status,last_5_merchants,"
                                + "last_5_merchants_status",
                        "u1,2000,1,3,PRESENT,\"[\"\"a\"\",\"\"b\"\"]\",STALE",
                        "u2,1000,0,,MISSING,,MISSING");
    }

    @Test
    void refusesASpineWithoutTheColumnsOrWithAColumnNamedLikeAFeature() throws Exception {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, "user_id,ts,txn_count_5m\nu1,1000,1\n");
        assertThatThrownBy(() -> new TrainingSetTable(spine, "uid", FEATURES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uid");
        try (TrainingSetTable table = new TrainingSetTable(spine, "user_id", FEATURES)) {
            assertThatThrownBy(() -> table.rows("user_id", "time"))
                    .hasMessageContaining("the spine has no column 'time'");
            assertThatThrownBy(() -> table.rows("user_id", "ts"))
                    .hasMessageContaining("named like feature 'txn_count_5m'");
        }
        Files.writeString(spine, "user_id,ts\nu1,yesterday\n");
        try (TrainingSetTable table = new TrainingSetTable(spine, "user_id", FEATURES)) {
            assertThatThrownBy(() -> table.rows("user_id", "ts"))
                    .hasMessageContaining("must hold ISO-8601 times or epoch millis");
        }
    }
}
