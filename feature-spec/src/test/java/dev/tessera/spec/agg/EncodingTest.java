package dev.tessera.spec.agg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EncodingTest {

    static Stream<Aggregation> aggregations() {
        return Stream.of(
                Count.INSTANCE,
                Sum.INSTANCE,
                Avg.INSTANCE,
                MinMax.MIN,
                MinMax.MAX,
                FirstLast.FIRST,
                FirstLast.LAST,
                new LastN(5),
                DistinctCount.INSTANCE,
                new Percentile(new BigDecimal("90")));
    }

    /** Enough distinct numbers to take distinct_count and percentile past their exact bounds. */
    private static List<Event> manyNumbers() {
        List<Event> events = new ArrayList<>();
        for (long i = 0; i < 5_000; i++) {
            events.add(new Event(i % 2 == 0 ? (Object) i : (Object) (i * 0.25), i));
        }
        return events;
    }

    /** Accumulators are Flink state, which may be Java-serialized. */
    @ParameterizedTest
    @MethodSource("aggregations")
    void accumulatorsSurviveJavaSerialization(Aggregation aggregation) throws Exception {
        for (List<Event> events :
                List.of(List.<Event>of(), Event.inOrder(3L, 1.5), manyNumbers())) {
            Accumulator acc = Event.fold(aggregation, events);
            Accumulator copy = javaRoundTrip(acc);
            assertThat(copy.result()).isEqualTo(acc.result());
            copy.add(7L, 99_999);
            acc.add(7L, 99_999);
            assertThat(copy.result()).isEqualTo(acc.result());
        }
    }

    @ParameterizedTest
    @MethodSource("aggregations")
    void malformedEncodingsAreRejected(Aggregation aggregation) {
        byte[] valid = Event.fold(aggregation, Event.inOrder(1L, 2L)).encode();
        byte[] otherVersion = valid.clone();
        otherVersion[0] = 99;
        assertThatThrownBy(() -> aggregation.decode(otherVersion))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed encoded " + aggregation.name() + " accumulator")
                .hasMessageContaining("format version 99, expected 1");
        assertThatThrownBy(() -> aggregation.decode(Arrays.copyOf(valid, valid.length - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed encoded");
        assertThatThrownBy(() -> aggregation.decode(Arrays.copyOf(valid, valid.length + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("1 trailing bytes");
        assertThatThrownBy(() -> aggregation.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("truncated");
    }

    @Test
    void encodingsAreCompact() {
        assertThat(Event.fold(Count.INSTANCE, Event.inOrder(null, null, null)).encode()).hasSize(2);
        assertThat(Event.fold(Sum.INSTANCE, Event.inOrder(1L, 2L, 3L)).encode()).hasSize(5);
        assertThat(Event.fold(FirstLast.LAST, Event.inOrder("abc")).encode()).hasSize(8);
        assertThat(Event.fold(new LastN(1000), manyNumbers()).encode().length).isLessThan(10_000);
        assertThat(Event.fold(DistinctCount.INSTANCE, manyNumbers()).encode().length)
                .isLessThan(4_200);
        assertThat(Event.fold(new Percentile(BigDecimal.ONE), manyNumbers()).encode().length)
                .isLessThan(4_000);
    }

    @Test
    void stringsComeBackCharForChar() {
        for (String s : List.of("", "plain", "é€", "\uD83D\uDE00 emoji", "lone \uD800 surrogate")) {
            assertThat(Event.decodedResult(FirstLast.FIRST, Event.inOrder(s))).isEqualTo(s);
        }
    }

    @Test
    void lastNRejectsMoreValuesThanItsN() {
        byte[] three = Event.fold(new LastN(3), Event.inOrder(1L, 2L, 3L)).encode();
        assertThatThrownBy(() -> new LastN(2).decode(three))
                .hasMessage("malformed encoded last_n(2) accumulator: count 3 above 2");
    }

    private static Accumulator javaRoundTrip(Accumulator acc)
            throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(acc);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (Accumulator) in.readObject();
        }
    }
}
