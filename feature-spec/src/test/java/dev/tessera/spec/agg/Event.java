package dev.tessera.spec.agg;

import java.util.ArrayList;
import java.util.List;

/** A field value at an event time, as the tests feed them to accumulators. */
record Event(Object value, long time) {

    /** Events with the given values, at times 0, 1, 2, ... */
    static List<Event> inOrder(Object... values) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            events.add(new Event(values[i], i));
        }
        return events;
    }

    /** A fresh accumulator of {@code aggregation} fed {@code events} in order. */
    static Accumulator fold(Aggregation aggregation, List<Event> events) {
        Accumulator acc = aggregation.newAccumulator();
        for (Event event : events) {
            acc.add(event.value(), event.time());
        }
        return acc;
    }

    static Object result(Aggregation aggregation, List<Event> events) {
        return fold(aggregation, events).result();
    }

    /** The result after a round trip of the accumulator through its binary form. */
    static Object decodedResult(Aggregation aggregation, List<Event> events) {
        return aggregation.decode(fold(aggregation, events).encode()).result();
    }
}
