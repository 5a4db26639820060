package dev.tessera.spec.agg;

import static dev.tessera.spec.agg.Event.decodedResult;
import static dev.tessera.spec.agg.Event.inOrder;
import static dev.tessera.spec.agg.Event.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FirstLastTest {

    @Test
    void emptyIsNull() {
        assertThat(result(FirstLast.FIRST, inOrder())).isNull();
        assertThat(result(FirstLast.LAST, inOrder(null, null))).isNull();
        assertThat(decodedResult(FirstLast.LAST, inOrder())).isNull();
    }

    @Test
    void earliestAndLatestByEventTimeNotArrival() {
        List<Event> events =
                List.of(
                        new Event("b", 20),
                        new Event("a", 10),
                        new Event(null, 5),
                        new Event("c", 15),
                        new Event(null, 30));
        assertThat(result(FirstLast.FIRST, events)).isEqualTo("a");
        assertThat(result(FirstLast.LAST, events)).isEqualTo("b");
        assertThat(decodedResult(FirstLast.FIRST, events)).isEqualTo("a");
        assertThat(decodedResult(FirstLast.LAST, events)).isEqualTo("b");
    }

    @Test
    void tiesOnTimeKeepTheSmallerFirstAndTheLargerLast() {
        assertTies("b", "a", "a", "b");
        assertTies("é", "z", "z", "é");
        assertTies(10L, 9L, 9L, 10L);
        assertTies(-1.5, 2.0, -1.5, 2.0);
        assertTies(0.0, -0.0, -0.0, 0.0);
        assertTies(true, false, false, true);
        assertTies(1_700_000_000_000L, 1_600_000_000_000L, 1_600_000_000_000L, 1_700_000_000_000L);
    }

    private static void assertTies(Object x, Object y, Object first, Object last) {
        for (List<Event> events :
                List.of(
                        List.of(new Event(x, 7), new Event(y, 7)),
                        List.of(new Event(y, 7), new Event(x, 7)))) {
            assertThat(result(FirstLast.FIRST, events)).isEqualTo(first);
            assertThat(result(FirstLast.LAST, events)).isEqualTo(last);
            assertThat(decodedResult(FirstLast.FIRST, events)).isEqualTo(first);
            assertThat(decodedResult(FirstLast.LAST, events)).isEqualTo(last);
        }
    }

    @Test
    void negativeAndExtremeTimes() {
        List<Event> events =
                List.of(
                        new Event(1L, Long.MIN_VALUE),
                        new Event(2L, -1),
                        new Event(3L, Long.MAX_VALUE));
        assertThat(decodedResult(FirstLast.FIRST, events)).isEqualTo(1L);
        assertThat(decodedResult(FirstLast.LAST, events)).isEqualTo(3L);
    }

    @Test
    void unsupportedValuesAreRejectedWhenAdded() {
        assertThatThrownBy(() -> result(FirstLast.FIRST, inOrder(42)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
    }
}
