package dev.tessera.spec.agg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AggregationsTest {

    @Test
    void parsesEveryAggregation() {
        assertThat(Aggregations.parse("count")).isSameAs(Count.INSTANCE);
        assertThat(Aggregations.parse("sum")).isSameAs(Sum.INSTANCE);
        assertThat(Aggregations.parse("avg")).isSameAs(Avg.INSTANCE);
        assertThat(Aggregations.parse("min")).isSameAs(MinMax.MIN);
        assertThat(Aggregations.parse("max")).isSameAs(MinMax.MAX);
        assertThat(Aggregations.parse("first")).isSameAs(FirstLast.FIRST);
        assertThat(Aggregations.parse("last")).isSameAs(FirstLast.LAST);
        assertThat(Aggregations.parse("distinct_count")).isSameAs(DistinctCount.INSTANCE);
        assertThat(Aggregations.parse("last_n(5)")).isEqualTo(new LastN(5));
        assertThat(Aggregations.parse("percentile(95)"))
                .isEqualTo(new Percentile(new BigDecimal("95")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "' count '|count",
                "last_n( 5 )|last_n(5)",
                "last_n (1000)|last_n(1000)",
                "' percentile ( 99.9 ) '|percentile(99.9)",
                "percentile(95.0)|percentile(95)",
                "percentile(100)|percentile(100)",
                "percentile(0.5)|percentile(0.5)"
            })
    void toleratesSpacesAndNamesCanonically(String text, String name) {
        Aggregation aggregation = Aggregations.parse(text);
        assertThat(aggregation.name()).isEqualTo(name);
        assertThat(Aggregations.parse(aggregation.name())).isEqualTo(aggregation);
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> Aggregations.parse("median"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown aggregation 'median' (expected one of count, sum, avg, min, max,"
                                + " first, last, last_n(n), distinct_count, percentile(p), count_by, time_since_last)");
        assertThatThrownBy(() -> Aggregations.parse("sum)"))
                .hasMessageStartingWith("'sum)' is not an aggregation (expected one of count,");
        assertThatThrownBy(() -> Aggregations.parse(""))
                .hasMessageStartingWith("'' is not an aggregation");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "last_n|last_n(n) needs an argument: n must be an integer from 1 to 1000",
                "last_n(0)|bad argument '0' of last_n(n): n must be an integer from 1 to 1000",
                "last_n(1001)|bad argument '1001' of last_n(n): n must be an integer from 1 to"
                        + " 1000",
                "last_n(99999999999)|bad argument '99999999999' of last_n(n): n must be an"
                        + " integer from 1 to 1000",
                "last_n(2.5)|bad argument '2.5' of last_n(n): n must be an integer from 1 to"
                        + " 1000",
                "last_n(-1)|bad argument '-1' of last_n(n): n must be an integer from 1 to 1000",
                "percentile()|bad argument '' of percentile(p): p must be a number with 0 < p <="
                        + " 100",
                "percentile(0)|bad argument '0' of percentile(p): p must be a number with 0 < p"
                        + " <= 100",
                "percentile(100.01)|bad argument '100.01' of percentile(p): p must be a number"
                        + " with 0 < p <= 100",
                "percentile(1e2)|bad argument '1e2' of percentile(p): p must be a number with 0"
                        + " < p <= 100",
                "count(5)|bad argument '5': count takes none",
            })
    void badArgumentsAreNamed(String text, String message) {
        assertThatThrownBy(() -> Aggregations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void constructorsCheckTheirArgument() {
        assertThatThrownBy(() -> new LastN(0)).hasMessage("last_n(n) needs 1 <= n <= 1000, not 0");
        assertThatThrownBy(() -> new Percentile(new BigDecimal("-1")))
                .hasMessage("percentile(p) needs 0 < p <= 100, not -1");
    }

    @Test
    void namesListsTheAggregationsForMessages() {
        assertThat(String.join(", ", Aggregations.names()))
                .isEqualTo(
                        "count, sum, avg, min, max, first, last, last_n(n), distinct_count,"
                                + " percentile(p), count_by, time_since_last");
    }

    @Test
    void fieldTypesAcceptedAndResultTypes() {
        assertThat(Count.INSTANCE.needsField()).isFalse();
        assertThat(Count.INSTANCE.valueType(null)).isEqualTo(ValueType.LONG);
        for (Aggregation numeric :
                new Aggregation[] {
                    Sum.INSTANCE, Avg.INSTANCE, new Percentile(BigDecimal.valueOf(50))
                }) {
            assertThat(numeric.needsField()).isTrue();
            assertThat(numeric.accepts(FieldType.LONG)).isTrue();
            assertThat(numeric.accepts(FieldType.DOUBLE)).isTrue();
            assertThat(numeric.accepts(FieldType.TIMESTAMP)).isFalse();
            assertThat(numeric.accepts(FieldType.STRING)).isFalse();
            assertThat(numeric.valueType(FieldType.LONG)).isEqualTo(ValueType.DOUBLE);
        }
        for (Aggregation extreme : new Aggregation[] {MinMax.MIN, MinMax.MAX}) {
            assertThat(extreme.accepts(FieldType.TIMESTAMP)).isTrue();
            assertThat(extreme.accepts(FieldType.BOOLEAN)).isFalse();
            assertThat(extreme.valueType(FieldType.TIMESTAMP)).isEqualTo(ValueType.DOUBLE);
        }
        for (FieldType type : FieldType.values()) {
            assertThat(FirstLast.FIRST.accepts(type)).isTrue();
            assertThat(FirstLast.LAST.valueType(type)).isEqualTo(ValueType.of(type));
            assertThat(new LastN(3).valueType(type)).isEqualTo(ValueType.LIST);
            assertThat(DistinctCount.INSTANCE.valueType(type)).isEqualTo(ValueType.LONG);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "count",
                "sum",
                "avg",
                "min",
                "max",
                "first",
                "last",
                "last_n(7)",
                "distinct_count",
                "percentile(99.9)"
            })
    void toStringIsTheName(String name) {
        assertThat(Aggregations.parse(name)).hasToString(name);
    }
}
