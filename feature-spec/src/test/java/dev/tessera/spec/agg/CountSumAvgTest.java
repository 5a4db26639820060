package dev.tessera.spec.agg;

import static dev.tessera.spec.agg.Event.decodedResult;
import static dev.tessera.spec.agg.Event.inOrder;
import static dev.tessera.spec.agg.Event.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CountSumAvgTest {

    @Test
    void countCountsEveryEvent() {
        assertThat(result(Count.INSTANCE, inOrder())).isEqualTo(0L);
        assertThat(result(Count.INSTANCE, inOrder(null, null, "x"))).isEqualTo(3L);
        assertThat(decodedResult(Count.INSTANCE, inOrder(null, null, null))).isEqualTo(3L);
    }

    @Test
    void sumSkipsAbsentAndNaNValues() {
        assertThat(result(Sum.INSTANCE, inOrder())).isEqualTo(0.0);
        assertThat(result(Sum.INSTANCE, inOrder(null, Double.NaN))).isEqualTo(0.0);
        assertThat(result(Sum.INSTANCE, inOrder(1L, null, 2.5, Double.NaN))).isEqualTo(3.5);
        assertThat(decodedResult(Sum.INSTANCE, inOrder(1L, null, 2.5))).isEqualTo(3.5);
    }

    @Test
    void sumIsExactThenRoundedOnce() {
        // Left to right in doubles: (0.1 + 0.2) + 0.3 = 0.6000000000000001, but 0.1 + (0.2 +
        // 0.3) = 0.6; the exact sum of the three doubles rounds to 0.6.
        assertThat(result(Sum.INSTANCE, inOrder(0.1, 0.2, 0.3))).isEqualTo(0.6);
        assertThat(result(Sum.INSTANCE, inOrder(0.3, 0.2, 0.1))).isEqualTo(0.6);
        // A double sum loses the 1.0 next to 1e100 in either order that meets 1e100 first.
        assertThat(result(Sum.INSTANCE, inOrder(1e100, 1.0, -1e100))).isEqualTo(1.0);
        assertThat(result(Sum.INSTANCE, inOrder(1e-300, 1e300, -1e300))).isEqualTo(1e-300);
        // Longs beyond 2^53 and beyond Long.MAX_VALUE in total are exact too.
        assertThat(result(Sum.INSTANCE, inOrder(Long.MAX_VALUE, Long.MAX_VALUE, -Long.MAX_VALUE)))
                .isEqualTo((double) Long.MAX_VALUE);
        assertThat(result(Sum.INSTANCE, inOrder((1L << 53) + 1, 1L, -(1L << 53)))).isEqualTo(2.0);
    }

    @Test
    void sumIsTheSameDoubleInEveryOrder() {
        Random random = new Random(42);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            double magnitude = Math.pow(10, random.nextInt(30) - 15);
            events.add(new Event(random.nextGaussian() * magnitude, i));
        }
        Object expected = result(Sum.INSTANCE, events);
        for (int shuffle = 0; shuffle < 20; shuffle++) {
            Collections.shuffle(events, random);
            assertThat(result(Sum.INSTANCE, events)).isEqualTo(expected);
            assertThat(decodedResult(Sum.INSTANCE, events)).isEqualTo(expected);
        }
    }

    @Test
    void sumOfInfinities() {
        double inf = Double.POSITIVE_INFINITY;
        assertThat(result(Sum.INSTANCE, inOrder(1.0, inf))).isEqualTo(inf);
        assertThat(result(Sum.INSTANCE, inOrder(-inf, 1.0))).isEqualTo(-inf);
        assertThat(result(Sum.INSTANCE, inOrder(inf, -inf))).isEqualTo(Double.NaN);
        assertThat(decodedResult(Sum.INSTANCE, inOrder(inf, 2.0))).isEqualTo(inf);
        // Finite values whose exact sum is beyond the double range round to infinity.
        assertThat(result(Sum.INSTANCE, inOrder(Double.MAX_VALUE, Double.MAX_VALUE)))
                .isEqualTo(inf);
    }

    @Test
    void avgIsTheMeanOfPresentValues() {
        assertThat(result(Avg.INSTANCE, inOrder())).isNull();
        assertThat(result(Avg.INSTANCE, inOrder(null, Double.NaN))).isNull();
        assertThat(result(Avg.INSTANCE, inOrder(1L, null, 2L))).isEqualTo(1.5);
        assertThat(result(Avg.INSTANCE, inOrder(0.1, 0.2, 0.3))).isEqualTo(0.2);
        assertThat(result(Avg.INSTANCE, inOrder(1e100, 1.0, -1e100))).isEqualTo(1.0 / 3);
        assertThat(result(Avg.INSTANCE, inOrder(Long.MAX_VALUE, Long.MAX_VALUE)))
                .isEqualTo((double) Long.MAX_VALUE);
        assertThat(decodedResult(Avg.INSTANCE, inOrder(1L, 2L, 4L))).isEqualTo(7.0 / 3);
    }

    @Test
    void numericAggregationsRejectOtherValues() {
        assertThatThrownBy(() -> result(Sum.INSTANCE, inOrder("1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a number: java.lang.String 1");
    }
}
