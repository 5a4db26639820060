package dev.tessera.spec.agg;

import static dev.tessera.spec.agg.Event.decodedResult;
import static dev.tessera.spec.agg.Event.inOrder;
import static dev.tessera.spec.agg.Event.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MinMaxTest {

    @Test
    void emptyIsNull() {
        assertThat(result(MinMax.MIN, inOrder())).isNull();
        assertThat(result(MinMax.MAX, inOrder(null, Double.NaN))).isNull();
        assertThat(decodedResult(MinMax.MAX, inOrder())).isNull();
    }

    @Test
    void extremesOfLongsDoublesAndTimestampsAsDoubles() {
        assertThat(result(MinMax.MIN, inOrder(3L, null, -2.5, 7L))).isEqualTo(-2.5);
        assertThat(result(MinMax.MAX, inOrder(3L, null, -2.5, 7L))).isEqualTo(7.0);
        assertThat(result(MinMax.MAX, inOrder(1_700_000_000_123L, 1_600_000_000_000L)))
                .isEqualTo(1_700_000_000_123.0);
        assertThat(decodedResult(MinMax.MIN, inOrder(3L, -4L))).isEqualTo(-4.0);
    }

    @Test
    void signedZerosAreOrdered() {
        assertThat(result(MinMax.MIN, inOrder(0.0, -0.0))).isEqualTo(-0.0);
        assertThat(result(MinMax.MIN, inOrder(-0.0, 0.0))).isEqualTo(-0.0);
        assertThat(result(MinMax.MAX, inOrder(-0.0, 0.0))).isEqualTo(0.0);
    }

    @Test
    void minAndMaxDoNotMerge() {
        Accumulator min = MinMax.MIN.newAccumulator();
        assertThatThrownBy(() -> min.merge(MinMax.MAX.newAccumulator()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
