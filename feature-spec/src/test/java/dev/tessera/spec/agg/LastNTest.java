package dev.tessera.spec.agg;

import static dev.tessera.spec.agg.Event.decodedResult;
import static dev.tessera.spec.agg.Event.inOrder;
import static dev.tessera.spec.agg.Event.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastNTest {

    private static final LastN LAST_3 = new LastN(3);

    @Test
    void emptyIsTheEmptyList() {
        assertThat(result(LAST_3, inOrder())).isEqualTo(List.of());
        assertThat(result(LAST_3, inOrder(null, null))).isEqualTo(List.of());
        assertThat(decodedResult(LAST_3, inOrder())).isEqualTo(List.of());
    }

    @Test
    void newestFirstByEventTime() {
        List<Event> events =
                List.of(
                        new Event(1L, 10),
                        new Event(5L, 50),
                        new Event(null, 60),
                        new Event(2L, 20),
                        new Event(4L, 40),
                        new Event(3L, 30));
        assertThat(result(LAST_3, events)).isEqualTo(List.of(5L, 4L, 3L));
        assertThat(decodedResult(LAST_3, events)).isEqualTo(List.of(5L, 4L, 3L));
        assertThat(result(new LastN(10), events)).isEqualTo(List.of(5L, 4L, 3L, 2L, 1L));
    }

    @Test
    void tiesPutTheLargerValueFirstAndDuplicatesCountTwice() {
        List<Event> events =
                List.of(
                        new Event("a", 5),
                        new Event("c", 5),
                        new Event("b", 5),
                        new Event("c", 5),
                        new Event("z", 1));
        assertThat(result(LAST_3, events)).isEqualTo(List.of("c", "c", "b"));
        assertThat(result(new LastN(5), events)).isEqualTo(List.of("c", "c", "b", "a", "z"));
        assertThat(result(new LastN(1), events)).isEqualTo(List.of("c"));
    }

    @Test
    void mergeKeepsTheNewestOfBoth() {
        Accumulator older = Event.fold(LAST_3, inOrder(true, false, true));
        Accumulator newer = LAST_3.newAccumulator();
        newer.add(false, 100);
        newer.merge(LAST_3.decode(older.encode()));
        assertThat(newer.result()).isEqualTo(List.of(false, true, false));
        assertThat(older.result()).isEqualTo(List.of(true, false, true));
    }

    @Test
    @SuppressWarnings("unchecked")
    void holdsAThousand() {
        List<Event> events = new ArrayList<>();
        for (long i = 0; i < 1500; i++) {
            events.add(new Event(i * 0.5, i));
        }
        List<Object> last = (List<Object>) decodedResult(new LastN(1000), events);
        assertThat(last).hasSize(1000).startsWith(749.5, 749.0).endsWith(250.0);
    }

    @Test
    void differentNDoNotMerge() {
        assertThatThrownBy(() -> LAST_3.newAccumulator().merge(new LastN(4).newAccumulator()))
                .hasMessage("cannot merge last_n(4) into last_n(3)");
    }
}
