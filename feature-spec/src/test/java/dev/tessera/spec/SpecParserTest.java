package dev.tessera.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.spec.agg.Count;
import dev.tessera.spec.agg.Sum;
import dev.tessera.spec.model.Compatibility;
import dev.tessera.spec.model.EventFilter;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.ValueType;
import dev.tessera.spec.model.Window;
import dev.tessera.spec.model.WireFormat;
import dev.tessera.spec.parse.SpecException;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
                .startsWith("txn_count_5m", "txn_amount_sum_5m")
                .contains("txn_amount_sum_1h", "clicks_per_session", "last_5_merchants");
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
    void maxFutureBoundsEventTimeAheadOfTheClock() {
        Stream byDefault = SpecParser.parse("features.yaml", VALID).stream("transactions").get();
        assertThat(byDefault.maxFuture()).isEqualTo(Duration.ofMinutes(1));
        assertThat(byDefault.deadLetterTopic()).isEqualTo("transactions.dlq");

        String declared =
                VALID.replace(
                        "    entity: user\n    fields:",
                        "    entity: user\n    max_future: 5s\n    fields:");
        assertThat(
                        SpecParser.parse("features.yaml", declared).stream("transactions")
                                .get()
                                .maxFuture())
                .isEqualTo(Duration.ofSeconds(5));
        assertProblem(declared.replace("max_future: 5s", "max_future: -5s"), 7, "max_future");
    }

    @Test
    void entityKeyMustBeDeclared() {
        assertProblem(
                VALID.replace("user_id: string", "id: string"),
                8,
                "must declare the entity key 'user_id'");
    }

    static final String ROLLING =
            """
            entities:
              user:
                key: user_id
            streams:
              transactions:
                entity: user
                allowed_lateness: 1m
                fields:
                  user_id: string
                  amount: double
                  merchant: string
                  ts: timestamp
            feature_groups:
              txn:
                entity: user
                stream: transactions
                ttl: 2d
                features:
                  sum_1h:
                    aggregation: sum
                    field: amount
                    window: rolling(1h)
                  big_1h:
                    aggregation: count
                    where: amount >= 100 and merchant != 'books'
                    window: rolling(1h)
                  p95_1h:
                    aggregation: percentile(95)
                    field: amount
                    window: rolling(1h)
                  avg_1h_10m:
                    aggregation: avg
                    field: amount
                    window: sliding(1h, 10m)
                  per_session:
                    aggregation: last_n(3)
                    field: merchant
                    window: session(30m)
            """;

    @Test
    void parsesEveryWindowKindFiltersAndTiles() {
        FeatureSpec spec = SpecParser.parse("features.yaml", ROLLING);

        assertThat(spec.stream("transactions").orElseThrow().allowedLateness())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(spec.stream("transactions").orElseThrow().lateTopic())
                .isEqualTo("transactions.late");
        FeatureGroup group = spec.group("txn").orElseThrow();
        assertThat(group.tile()).isEqualTo(Duration.ofMinutes(1));
        assertThat(group.tileRetention()).isEqualTo(Duration.ofMinutes(61));
        assertThat(group.rollingFeatures())
                .extracting(Feature::name)
                .containsExactly("sum_1h", "big_1h", "p95_1h");
        assertThat(spec.feature("avg_1h_10m").orElseThrow().window())
                .isEqualTo(new Window.Sliding(Duration.ofHours(1), Duration.ofMinutes(10)));
        assertThat(spec.feature("per_session").orElseThrow().window())
                .isEqualTo(new Window.Session(Duration.ofMinutes(30)));
        assertThat(spec.feature("per_session").orElseThrow().valueType()).isEqualTo(ValueType.LIST);
        assertThat(spec.feature("p95_1h").orElseThrow().aggregation().name())
                .isEqualTo("percentile(95)");

        EventFilter where = spec.feature("big_1h").orElseThrow().where();
        assertThat(where.test(Map.of("amount", 150.0, "merchant", "games"))).isTrue();
        assertThat(where.test(Map.of("amount", 150.0, "merchant", "books"))).isFalse();
        assertThat(where.test(Map.of("amount", 50.0, "merchant", "games"))).isFalse();
        assertThat(where.test(Map.of("merchant", "games"))).isFalse();
    }

    @Test
    void aRollingWindowThatIsNotAMultipleOfTheTileIsRejected() {
        assertProblem(
                ROLLING.replace("ttl: 2d", "ttl: 2d\n    tile: 7m"),
                21,
                "the window rolling(1h) of feature 'sum_1h' is not a multiple of the tile 7m");
    }

    @Test
    void aSlidingWindowMustBeAMultipleOfItsSlide() {
        assertProblem(
                ROLLING.replace("sliding(1h, 10m)", "sliding(1h, 7m)"),
                34,
                "is not a multiple of its slide");
    }

    @Test
    void badFiltersAndArgumentsAreRejected() {
        assertProblem(
                ROLLING.replace("merchant != 'books'", "merchant > 'books'"),
                25,
                "string field 'merchant' takes == or !=");
        assertProblem(
                ROLLING.replace("amount >= 100", "amout >= 100"),
                25,
                "where reads unknown field 'amout'");
        assertProblem(ROLLING.replace("percentile(95)", "percentile(120)"), 28, "percentile");
    }

    @Test
    void streamsCanDedupeOnAnIdField() {
        FeatureSpec spec =
                SpecParser.parse(
                        "features.yaml",
                        VALID.replace(
                                "    entity: user\n    fields:",
                                "    entity: user\n    dedupe: {field: merchant, within: 1h}\n    fields:"));
        assertThat(spec.stream("transactions").orElseThrow().dedupe())
                .isEqualTo(new Stream.Dedupe("merchant", Duration.ofHours(1)));
        assertThat(
                        SpecParser.parse("features.yaml", VALID).stream("transactions")
                                .orElseThrow()
                                .dedupe())
                .isNull();
        assertProblem(
                VALID.replace(
                        "    entity: user\n    fields:",
                        "    entity: user\n    dedupe: {field: amount}\n    fields:"),
                7,
                "dedupes on 'amount', which must be one of its string fields");
    }

    @Test
    void joinsDeriveStreamsThatGroupsRead() {
        FeatureSpec spec = SpecParser.parse(Path.of("../features.yaml"));

        Join.Interval viewed = (Join.Interval) spec.join("viewed_purchases").orElseThrow();
        assertThat(viewed.left().name()).isEqualTo("purchases");
        assertThat(viewed.right().name()).isEqualTo("clicks");
        assertThat(viewed.on()).containsExactly("user_id", "product_id");
        assertThat(viewed.lower()).isEqualTo(Duration.ofMinutes(-10));
        assertThat(viewed.upper()).isEqualTo(Duration.ZERO);
        assertThat(viewed.output().fields())
                .extracting(Field::name)
                .containsExactly(
                        "event_id",
                        "user_id",
                        "product_id",
                        "amount",
                        "ts",
                        "click_ts",
                        "seconds_since_click");
        assertThat(viewed.output().entity().name()).isEqualTo("user");
        assertThat(spec.origin(viewed.output()).name()).isEqualTo("purchases");

        Join.AsOf enriched = (Join.AsOf) spec.join("clicks_with_product").orElseThrow();
        assertThat(enriched.defaults()).containsEntry("category", "unknown");
        assertThat(enriched.defaults()).containsEntry("price", 0.0);
        assertThat(enriched.output().field("product_category").orElseThrow().optional()).isFalse();
        assertThat(spec.stream("clicks_with_product")).as("not a stream to POST to").isEmpty();

        assertThat(spec.group("user_product_clicks").orElseThrow().stream())
                .isEqualTo(enriched.output());
        assertThat(spec.feature("clicks_by_category_1h").orElseThrow().valueType())
                .isEqualTo(ValueType.MAP);
        assertThat(spec.feature("last_10_actions").orElseThrow().window())
                .isEqualTo(new Window.Lifetime());
        assertThat(spec.feature("clicks_since_last_purchase").orElseThrow().window())
                .isEqualTo(new Window.Since(spec.stream("purchases").orElseThrow()));
        Feature sinceLast = spec.feature("time_since_last_txn_s").orElseThrow();
        assertThat(sinceLast.storedType()).isEqualTo(ValueType.LONG);
        assertThat(sinceLast.serve(1_000L, 3_500L)).isEqualTo(2.5);
    }

    @Test
    void badJoinsAreReportedWithTheirLine() {
        String joins =
                VALID.replace(
                        "feature_groups:",
                        """
                        joins:
                          again:
                            type: interval
                            stream: transactions
                            with: transactions
                            on: [user_id]
                            between: [-1m, 0s]
                        feature_groups:""");
        assertProblem(joins, joinLine(joins) + 3, "joins stream 'transactions' with itself");
        assertProblem(joins.replace("type: interval", "type: outer"), joinLine(joins) + 1, "outer");
        String unknown =
                VALID.replace(
                        "feature_groups:",
                        "feature_groups:\n  x:\n    entity: user\n    stream: nope");
        assertProblem(
                unknown,
                List.of(unknown.split("\n")).indexOf("feature_groups:") + 4,
                "reads unknown stream 'nope' (known: [transactions])");
    }

    private static int joinLine(String yaml) {
        return List.of(yaml.split("\n")).indexOf("joins:") + 2;
    }

    @Test
    void namesAndReferencesAcrossGroupsAndSectionsAreChecked() {
        assertProblem(
                VALID
                        + """
                          again:
                            entity: user
                            stream: transactions
                            ttl: 1h
                            features:
                              n_5m:
                                aggregation: count
                                window: tumbling(5m)
                        """,
                31,
                "feature 'n_5m' is already declared in feature group 'txn'");
        String firstWindow = "count\n        window: tumbling(5m)";
        assertProblem(
                VALID.replace(firstWindow, "count\n        window: since(transactions)"),
                20,
                "since(transactions) needs another stream of entity 'user'");
        assertProblem(
                VALID.replace(firstWindow, "count\n        window: since(nope)"),
                20,
                "since(nope) names unknown stream 'nope' (known: [transactions])");
        assertProblem(
                VALID.replace(
                        "feature_groups:",
                        "joins:\n  transactions:\n    type: interval\nfeature_groups:"),
                14,
                "join 'transactions' has the name of a stream");
        assertProblem(
                VALID.replace("ttl: 1h", "ttl: 1h\n    tile: 1m"),
                17,
                "feature group 'txn' sets a tile but has no rolling feature");
    }

    @Test
    void streamsDeclareCompatibilityWireFormatAndFieldDefaults() {
        FeatureSpec spec =
                SpecParser.parse(
                        "features.yaml",
                        VALID.replace(
                                        "    entity: user\n    fields:",
                                        "    entity: user\n"
                                                + "    compatibility: full_transitive\n"
                                                + "    wire_format: confluent\n"
                                                + "    fields:")
                                .replace(
                                        "merchant: string?",
                                        "merchant: {type: 'string?', default: unknown}\n"
                                                + "      items: {type: long, default: 1}"));
        Stream transactions = spec.stream("transactions").orElseThrow();
        assertThat(transactions.compatibility()).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThat(transactions.wireFormat()).isEqualTo(WireFormat.CONFLUENT);
        assertThat(transactions.line()).isEqualTo(6);
        assertThat(transactions.field("merchant").orElseThrow())
                .isEqualTo(new Field("merchant", FieldType.STRING, true, "unknown", 12));
        assertThat(transactions.field("items").orElseThrow().defaultValue()).isEqualTo(1L);
        assertThat(transactions.field("amount").orElseThrow().hasDefault()).isFalse();

        Stream plain = SpecParser.parse("features.yaml", VALID).stream("transactions").get();
        assertThat(plain.compatibility()).isEqualTo(Compatibility.BACKWARD);
        assertThat(plain.wireFormat()).isEqualTo(WireFormat.APICURIO);

        assertProblem(
                VALID.replace("    fields:", "    compatibility: sideways\n    fields:"),
                7,
                "compatibility 'sideways' is not one of [backward, backward_transitive, forward,"
                        + " forward_transitive, full, full_transitive, none]");
        assertProblem(
                VALID.replace("amount: double", "amount: {type: double, default: lots}"),
                9,
                "the default 'lots' of 'amount' is not a double");
        assertProblem(
                VALID.replace("amount: double", "amount: {default: 0}"),
                9,
                "field 'amount' needs 'type'");
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
