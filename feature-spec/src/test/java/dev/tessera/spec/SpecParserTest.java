package dev.tessera.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.spec.agg.Count;
import dev.tessera.spec.agg.Sum;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import dev.tessera.spec.parse.SpecException;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpecParserTest {

    static final String VALID =
            """
            entities:
              user:
                key: user_id
            streams:
              transactions:
                entity: user
                fields:
                  user_id: string
                  amount: double
                  merchant: string?
                  ts: timestamp
            feature_groups:
              txn:
                entity: user
                stream: transactions
                ttl: 1h
                features:
                  n_5m:
                    aggregation: count
                    window: tumbling(5m)
                  total_5m:
                    aggregation: sum
                    field: amount
                    window: tumbling(5m)
            """;

    @Test
    void parsesTheRepositorysSpec() {
        FeatureSpec spec = SpecParser.parse(Path.of("../features.yaml"));

        Stream transactions = spec.stream("transactions").orElseThrow();
        assertThat(transactions.topic()).isEqualTo("transactions");
        assertThat(transactions.keyField()).isEqualTo("user_id");
        assertThat(transactions.outOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(transactions.field("amount").orElseThrow().type()).isEqualTo(FieldType.DOUBLE);

        Feature count = spec.feature("txn_count_5m").orElseThrow();
        assertThat(count.aggregation()).isSameAs(Count.INSTANCE);
        assertThat(count.window()).isEqualTo(new Window.Tumbling(Duration.ofMinutes(5)));
        Feature sum = spec.feature("txn_amount_sum_5m").orElseThrow();
        assertThat(sum.aggregation()).isSameAs(Sum.INSTANCE);
        assertThat(sum.field()).isEqualTo("amount");
        assertThat(spec.featuresOf(spec.entity("user").orElseThrow()))
                .extracting(Feature::name)
                .containsExactly("txn_count_5m", "txn_amount_sum_5m");
        assertThat(spec.featureTopic()).isEqualTo(FeatureSpec.DEFAULT_FEATURE_TOPIC);
    }

    @Test
    void appliesDefaults() {
        FeatureSpec spec = SpecParser.parse("features.yaml", VALID);

        Stream stream = spec.stream("transactions").orElseThrow();
        assertThat(stream.topic()).isEqualTo("transactions");
        assertThat(stream.timeField()).isEqualTo("ts");
        assertThat(stream.idleness()).isEqualTo(Duration.ofSeconds(30));
        assertThat(stream.field("merchant").orElseThrow().optional()).isTrue();
        assertThat(spec.feature("n_5m").orElseThrow().staleAfter()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void unknownFieldNamesFileLineAndProblem() {
        assertProblem(
                VALID.replace("field: amount", "field: amout"),
                23,
                "feature 'total_5m' reads unknown field 'amout' of stream 'transactions'");
    }

    @Test
    void sumOverAStringIsRejected() {
        assertProblem(
                VALID.replace("field: amount", "field: merchant"),
                23,
                "sum cannot aggregate field 'merchant' of type string");
    }

    @Test
    void ttlShorterThanTheWindowIsRejected() {
        assertProblem(
                VALID.replace("ttl: 1h", "ttl: 1m"),
                16,
                "the ttl 1m of feature group 'txn' is shorter than the window tumbling(5m)");
    }

    @Test
    void duplicateFeatureNamesAreRejected() {
        assertProblem(VALID.replace("total_5m:", "n_5m:"), 21, "'n_5m' is declared twice");
    }

    @Test
    void misspeltKeysAreRejected() {
        assertProblem(
                VALID.replace("aggregation: count", "agregation: count"),
                19,
                "unknown key 'agregation'");
    }

    @Test
    void unknownWindowKindAndAggregation() {
        assertProblem(
                VALID.replace("tumbling(5m)\n  ", "hourly(5m)\n  "),
                20,
                "unknown window kind 'hourly'");
        assertProblem(
                VALID.replace("aggregation: count", "aggregation: median"),
                19,
                "unknown aggregation 'median'");
    }

    @Test
    void entityKeyMustBeDeclared() {
        assertProblem(
                VALID.replace("user_id: string", "id: string"),
                8,
                "must declare the entity key 'user_id'");
    }

    @Test
    void invalidYamlIsReportedWithItsLine() {
        assertProblem("entities:\n  user: [\n", 3, "not valid YAML");
    }

    private static void assertProblem(String yaml, int line, String problem) {
        assertThatThrownBy(() -> SpecParser.parse("features.yaml", yaml))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("features.yaml:" + line + ": ")
                .hasMessageContaining(problem);
    }
}
