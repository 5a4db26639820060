package dev.tessera.spec.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference's rules, checked on a case worked out by hand. */
class ReferenceTest {

    static final FeatureSpec SPEC =
            SpecParser.parse(
                    "reference.yaml",
                    """
                    entities: {user: {key: user_id}}
                    streams:
                      s:
                        entity: user
                        watermark: {out_of_orderness: 1s}
                        allowed_lateness: 5s
                        fields: {user_id: string, v: double, ts: timestamp}
                    feature_groups:
                      g:
                        entity: user
                        stream: s
                        ttl: 1d
                        features:
                          n_10s: {aggregation: count, window: tumbling(10s)}
                          sum_20s_10s: {aggregation: sum, field: v, window: 'sliding(20s, 10s)'}
                          per_session: {aggregation: count, window: session(5s)}
                          sum_60s: {aggregation: sum, field: v, window: rolling(60s)}
                    """);

    /** Arrival order, in seconds of event time: watermark = newest - 1 s - 1 ms. */
    static final List<Event> EVENTS = events(1, 3, 12, 4, 20, 2);

    final Reference.Result result = new Reference(SPEC).run(EVENTS);
    final StoreModel store = result.store(SPEC);

    @Test
    void tumblingWindowsCloseWithTheWatermarkAndLateEventsCorrectThemWithinTheLateness() {
        assertThat(updatesOf("n_10s"))
                .containsExactly(
                        "10000 v2 = 2", // closed by the event at 12 s
                        "10000 v3 = 3", // the event at 4 s corrects it: 1 s of 5 s lateness used
                        "20000 v1 = 1",
                        "30000 v1 = 1"); // closed at the end of input
        assertThat(store.value("u", "n_10s")).isEqualTo(new StoreModel.Value(1L, 30_000, 1));
    }

    @Test
    void slidingWindowsHoldEveryEventOfTheirSpan() {
        // Windows of 20 s ending every 10 s: [-10, 10) has 1, 3, 4; [0, 20) adds 12 and the late 2.
        assertThat(updatesOf("sum_20s_10s"))
                .containsExactly(
                        "10000 v2 = 2.0",
                        "10000 v3 = 3.0",
                        "20000 v5 = 5.0",
                        "30000 v2 = 2.0",
                        "40000 v1 = 1.0");
    }

    @Test
    void sessionsMergeAndCloseAfterTheirGap() {
        assertThat(updatesOf("per_session"))
                .containsExactly(
                        "8000 v2 = 2", // [1, 8) closed by the event at 12 s
                        "9000 v3 = 3", // the late event at 4 s extends it to [1, 9) and fires it
                        // again
                        "17000 v1 = 1",
                        "25000 v1 = 1");
    }

    @Test
    void eventsLaterThanTheLatenessAreDroppedPerGroupAndWindowKind() {
        // The event at 2 s is late for the tumbling window and the session (both cleaned up), not
        // for the sliding window ending at 20 s nor for the rolling tiles.
        assertThat(result.late())
                .extracting(late -> late.event().eventTime())
                .containsExactly(2_000L, 2_000L);
    }

    @Test
    void rollingValuesMergeTheTilesOfTheWindowEndingAtTheRequest() {
        assertThat(store.rollingValue("u", "sum_60s", 20_500)).isEqualTo(6.0);
        // At 70 s the window covers the tiles from 11 s on: the events at 12 and 20 s.
        assertThat(store.rollingValue("u", "sum_60s", 70_000)).isEqualTo(2.0);
        assertThat(store.tiles()).hasSize(6);
    }

    @Test
    void duplicatesOfAnEventCountOnce() {
        FeatureSpec spec =
                SpecParser.parse(
                        "dedupe.yaml",
                        """
                        entities: {user: {key: user_id}}
                        streams:
                          s:
                            entity: user
                            dedupe: {field: id}
                            fields: {user_id: string, id: 'string?', ts: timestamp}
                        feature_groups:
                          g:
                            entity: user
                            stream: s
                            ttl: 1d
                            features:
                              n: {aggregation: count, window: tumbling(10s)}
                        """);
        List<Event> events =
                List.of(
                        withId("a", 1_000),
                        withId("b", 2_000),
                        withId("a", 1_000), // a retry
                        withId(null, 3_000), // no id: never a duplicate
                        withId(null, 3_000));

        StoreModel store = new Reference(spec).run(events).store(spec);

        assertThat(store.value("u", "n")).isEqualTo(new StoreModel.Value(4L, 10_000, 4));
    }

    private static Event withId(String id, long ts) {
        Map<String, Object> fields = new java.util.HashMap<>(Map.of("user_id", "u", "ts", ts));
        if (id != null) {
            fields.put("id", id);
        }
        return new Event("s", "u", ts, fields);
    }

    private List<String> updatesOf(String feature) {
        List<String> updates = new ArrayList<>();
        for (FeatureUpdate update : result.updates()) {
            if (update.values().containsKey(feature)) {
                updates.add(
                        update.eventTime()
                                + " v"
                                + update.version()
                                + " = "
                                + update.values().get(feature));
            }
        }
        return updates;
    }

    static List<Event> events(int... seconds) {
        List<Event> events = new ArrayList<>();
        for (int second : seconds) {
            long ts = second * 1000L;
            events.add(new Event("s", "u", ts, Map.of("user_id", "u", "v", 1.0, "ts", ts)));
        }
        return events;
    }
}
