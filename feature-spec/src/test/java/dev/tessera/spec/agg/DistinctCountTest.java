package dev.tessera.spec.agg;

import static dev.tessera.spec.agg.Event.decodedResult;
import static dev.tessera.spec.agg.Event.inOrder;
import static dev.tessera.spec.agg.Event.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class DistinctCountTest {

    private static final DistinctCount DISTINCT = DistinctCount.INSTANCE;

    @Test
    void countsDistinctPresentValues() {
        assertThat(result(DISTINCT, inOrder())).isEqualTo(0L);
        assertThat(result(DISTINCT, inOrder(null, null))).isEqualTo(0L);
        assertThat(result(DISTINCT, inOrder("a", "b", "a", null, "b", "c"))).isEqualTo(3L);
        assertThat(result(DISTINCT, inOrder(true, false, true))).isEqualTo(2L);
        assertThat(decodedResult(DISTINCT, inOrder(1L, 2L, 1L))).isEqualTo(2L);
    }

    @Test
    void valuesAreDistinctByTypeAndZeroByValue() {
        assertThat(result(DISTINCT, inOrder(1L, 1.0, "1", true))).isEqualTo(4L);
        assertThat(result(DISTINCT, inOrder(0.0, -0.0))).isEqualTo(1L);
        assertThat(result(DISTINCT, inOrder(Double.NaN, Double.NaN))).isEqualTo(1L);
    }

    @Test
    void exactUpToTheBound() {
        List<Event> events = distinct(DistinctCount.EXACT_LIMIT, i -> "user-" + i);
        events.addAll(events); // duplicates do not push it over
        assertThat(result(DISTINCT, events)).isEqualTo((long) DistinctCount.EXACT_LIMIT);
        assertThat(decodedResult(DISTINCT, events)).isEqualTo((long) DistinctCount.EXACT_LIMIT);
    }

    @Test
    void estimatedWithinAFewPercentAboveTheBound() {
        for (int n : new int[] {DistinctCount.EXACT_LIMIT + 1, 5_000, 100_000}) {
            List<Event> events = distinct(n, i -> i * 7919);
            long estimate = (long) result(DISTINCT, events);
            assertThat((double) estimate).isCloseTo(n, within(n * 0.04));
            assertThat(decodedResult(DISTINCT, events)).isEqualTo(estimate);
        }
    }

    @Test
    void theSketchTakesInExactPartialsAndTheReverse() {
        List<Event> many = distinct(3_000, i -> "id-" + i);
        Accumulator sketch = Event.fold(DISTINCT, many);
        Accumulator exact = Event.fold(DISTINCT, distinct(100, i -> "other-" + i));

        Accumulator sketchFirst = DISTINCT.decode(sketch.encode());
        sketchFirst.merge(exact);
        Accumulator exactFirst = DISTINCT.decode(exact.encode());
        exactFirst.merge(sketch);

        assertThat(exact.result()).isEqualTo(100L);
        assertThat(sketchFirst.result()).isEqualTo(exactFirst.result());
        assertThat((double) (long) sketchFirst.result()).isCloseTo(3_100, within(3_100 * 0.04));
    }

    private static List<Event> distinct(int n, LongFunction<Object> value) {
        List<Event> events = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            events.add(new Event(value.apply(i), i));
        }
        return events;
    }
}
