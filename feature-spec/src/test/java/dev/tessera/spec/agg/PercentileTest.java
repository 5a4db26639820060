package dev.tessera.spec.agg;

import static dev.tessera.spec.agg.Event.decodedResult;
import static dev.tessera.spec.agg.Event.inOrder;
import static dev.tessera.spec.agg.Event.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentileTest {

    @Test
    void emptyIsNull() {
        assertThat(result(percentile("50"), inOrder())).isNull();
        assertThat(result(percentile("50"), inOrder(null, Double.NaN, Double.NEGATIVE_INFINITY)))
                .isNull();
        assertThat(decodedResult(percentile("50"), inOrder())).isNull();
    }

    /** Nearest rank: the value at index ceil(p/100 * n) - 1 of the sorted values. */
    @ParameterizedTest
    @CsvSource({
        "50, 10, 5",
        "95, 10, 10",
        "10, 10, 1",
        "10.1, 10, 2",
        "100, 10, 10",
        "0.001, 10, 1",
        "50, 1, 1",
        "99.9, 1000, 999",
        "99.9, 1001, 1000",
        "25, 4, 1",
        "25, 5, 2"
    })
    void exactNearestRank(String p, int n, long expected) {
        List<Object> values = new ArrayList<>();
        for (long v = 1; v <= n; v++) {
            values.add(v);
        }
        Collections.shuffle(values, new Random(n));
        assertThat(result(percentile(p), inOrder(values.toArray()))).isEqualTo((double) expected);
        assertThat(decodedResult(percentile(p), inOrder(values.toArray())))
                .isEqualTo((double) expected);
    }

    @Test
    void duplicatesAndNegativeValues() {
        List<Event> events = inOrder(-3.5, 2L, 2L, 2L, 7.25, null);
        assertThat(result(percentile("20"), events)).isEqualTo(-3.5);
        assertThat(result(percentile("50"), events)).isEqualTo(2.0);
        assertThat(result(percentile("80"), events)).isEqualTo(2.0);
        assertThat(result(percentile("81"), events)).isEqualTo(7.25);
    }

    @Test
    void ranksFiniteValuesOnly() {
        List<Event> events = inOrder(Double.POSITIVE_INFINITY, 1.0, 2.0, Double.NEGATIVE_INFINITY);
        assertThat(result(percentile("100"), events)).isEqualTo(2.0);
        assertThat(result(percentile("1"), events)).isEqualTo(1.0);
    }

    @Test
    void exactUpToTheBoundThenAnEstimate() {
        Random random = new Random(7);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < Percentile.EXACT_LIMIT; i++) {
            events.add(new Event(random.nextDouble() * 1000, i));
        }
        List<Double> sorted = events.stream().map(e -> (Double) e.value()).sorted().toList();
        assertThat(result(percentile("95"), events))
                .isEqualTo(sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1));

        for (int i = 0; i < 50_000; i++) {
            events.add(new Event(random.nextDouble() * 1000, i));
        }
        for (String p : new String[] {"1", "50", "95", "99.9"}) {
            double expected = Double.parseDouble(p) * 10;
            assertThat((double) result(percentile(p), events)).isCloseTo(expected, within(5.0));
            assertThat((double) decodedResult(percentile(p), events))
                    .isCloseTo(expected, within(5.0));
        }
        assertThat((double) result(percentile("100"), events)).isCloseTo(1000, within(0.1));
    }

    @Test
    void theDigestTakesInExactPartialsAndTheReverse() {
        Accumulator digest = Event.fold(percentile("50"), ramp(0, 10_000));
        Accumulator exact = Event.fold(percentile("50"), ramp(10_000, 12_000));

        Accumulator exactFirst = percentile("50").decode(exact.encode());
        exactFirst.merge(digest);
        Accumulator digestFirst = percentile("50").decode(digest.encode());
        digestFirst.merge(exact);

        assertThat((double) exactFirst.result()).isCloseTo(6_000, within(60.0));
        assertThat((double) digestFirst.result()).isCloseTo(6_000, within(60.0));
    }

    private static List<Event> ramp(long from, long to) {
        List<Event> events = new ArrayList<>();
        for (long v = from; v < to; v++) {
            events.add(new Event(v, v));
        }
        return events;
    }

    private static Percentile percentile(String p) {
        return new Percentile(new BigDecimal(p));
    }
}
