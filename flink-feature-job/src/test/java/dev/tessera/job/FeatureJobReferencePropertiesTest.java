package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.spec.reference.StoreModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The job computes what feature-spec's reference implementation ({@link Reference}) computes, on
 * random events: disorder within and beyond the watermark bound, duplicates, missing fields, three
 * entity ids, every window kind with {@code where} filters, with and without allowed lateness. The
 * job runs at parallelism 2 with one source subtask emitting a watermark after every event (the
 * reference's time model); its updates are folded by the reference's store model (the writer's
 * rules) and compared with the reference's, and its late events with the reference's.
 */
class FeatureJobReferencePropertiesTest {

    private static final int PARALLELISM = 2;
    private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    private static final long BOUND = 2_000;

    /**
     * Event times are on a grid of 500 ms (and 1 ms past it for lags beyond the bound), so that
     * watermarks ({@code newest - 2 s - 1 ms}) hit window and tile boundaries exactly.
     */
    private static final long GRID = 500;

    private static final String SPEC =
            """
            entities: {user: {key: user_id}}
            streams:
              s:
                entity: user
                watermark: {out_of_orderness: 2s}
                allowed_lateness: %s
                fields: {user_id: string, v: 'double?', tag: string, ts: timestamp}
            feature_groups:
              g:
                entity: user
                stream: s
                ttl: 1d
                tile: 2s
                features:
                  n_5s: {aggregation: count, window: tumbling(5s)}
                  big_5s: {aggregation: sum, field: v, where: v >= 5, window: tumbling(5s)}
                  sum_6s_2s: {aggregation: sum, field: v, window: 'sliding(6s, 2s)'}
                  last_6s_2s: {aggregation: last, field: tag, window: 'sliding(6s, 2s)'}
                  n_session: {aggregation: count, window: session(3s)}
                  first_session: {aggregation: first, field: tag, window: session(3s)}
                  sum_8s: {aggregation: sum, field: v, window: rolling(8s)}
                  max_a_4s: {aggregation: max, field: v, where: tag == 'a', window: rolling(4s)}
              h:
                entity: user
                stream: s
                ttl: 1d
                features:
                  p90_4s: {aggregation: percentile(90), field: v, window: tumbling(4s)}
                  avg_b_4s: {aggregation: avg, field: v, where: tag != 'b', window: tumbling(4s)}
                  tags_6s: {aggregation: distinct_count, field: tag, window: rolling(6s)}
                  last_3_4s: {aggregation: last_n(3), field: tag, window: 'sliding(4s, 1s)'}
                  min_4s: {aggregation: min, field: v, window: tumbling(4s)}
            """;

    private static final CollectedRun RUN = new CollectedRun(PARALLELISM);

    @BeforeContainer
    static void startCluster() throws Exception {
        RUN.start();
    }

    @AfterContainer
    static void stopCluster() {
        RUN.stop();
    }

    /** Watermarks exactly at window ends and lateness bounds, in one fixed case. */
    @Example
    void agreesOnTheBoundaries() throws Exception {
        List<StreamEvent> arrivals =
                List.of(
                        event("a", 7_000, 1.0, "a"), // W = 4999: window [0, 5 s) has fired
                        event("a", 3_000, 2.0, "b"), // late for it without lateness
                        event("a", 10_000, 4.0, "a"), // W = 7999
                        event("a", 4_999, 8.0, "c"), // 3 s lateness: gone at 7999
                        event("b", 4_000, 16.0, "a"));
        theJobComputesWhatTheReferenceComputes(arrivals, false);
        theJobComputesWhatTheReferenceComputes(arrivals, true);
    }

    @Property(tries = 60)
    void theJobComputesWhatTheReferenceComputes(
            @ForAll("arrivals") List<StreamEvent> arrivals, @ForAll boolean lateness)
            throws Exception {
        FeatureSpec spec =
                SpecParser.parse("property.yaml", SPEC.formatted(lateness ? "3s" : "0s"));

        Reference.Result expected = new Reference(spec).run(toReference(arrivals));
        CollectedRun.Outputs outputs = RUN.run(spec, Map.of("s", arrivals));
        List<FeatureUpdate> updates = outputs.updates();
        List<LateEvent> late = outputs.late();

        // What the random cases exercise, reported by jqwik.
        Statistics.label("late events").collect(late.isEmpty() ? "none" : "some");
        Statistics.label("corrections")
                .collect(
                        updates.stream()
                                                .filter(update -> update.tile() == null)
                                                .map(
                                                        update ->
                                                                List.of(
                                                                        update.entityId(),
                                                                        update.values().keySet(),
                                                                        update.eventTime()))
                                                .distinct()
                                                .count()
                                        < updates.stream()
                                                .filter(update -> update.tile() == null)
                                                .map(
                                                        update ->
                                                                List.of(
                                                                        update.entityId(),
                                                                        update.values().keySet(),
                                                                        update.eventTime(),
                                                                        update.version()))
                                                .distinct()
                                                .count()
                                ? "some"
                                : "none");
        StoreModel store = new StoreModel(spec);
        updates.forEach(store::apply);
        assertThat(store.values()).isEqualTo(expected.store(spec).values());
        assertThat(store.tiles()).isEqualTo(expected.store(spec).tiles());
        assertThat(late.stream().map(FeatureJobReferencePropertiesTest::describe).sorted().toList())
                .isEqualTo(
                        expected.late().stream()
                                .map(
                                        event ->
                                                describe(
                                                        event.group(),
                                                        event.event().entityId(),
                                                        event.event().eventTime(),
                                                        event.event().fields()))
                                .sorted()
                                .toList());
    }

    /**
     * Up to 80 events of three users on a clock moving 0 to 1.5 s per event: most in order, some
     * behind the newest within the 2 s bound, some beyond it (up to 12 s), some duplicates of the
     * previous event; {@code v} missing from some. Times and lags are multiples of {@link #GRID}
     * (beyond-bound lags 1 ms more).
     */
    @Provide
    Arbitrary<List<StreamEvent>> arrivals() {
        Arbitrary<Draft> draft =
                Combinators.combine(
                                Arbitraries.of("a", "b", "c"),
                                Arbitraries.longs()
                                        .between(0, 3)
                                        .withDistribution(RandomDistribution.uniform()),
                                Arbitraries.frequency(
                                        Tuple.of(70, Lag.NONE),
                                        Tuple.of(12, Lag.WITHIN),
                                        Tuple.of(12, Lag.BEYOND),
                                        Tuple.of(6, Lag.DUPLICATE)),
                                Arbitraries.longs()
                                        .between(0, 20)
                                        .withDistribution(RandomDistribution.uniform()),
                                Arbitraries.integers()
                                        .between(-1, 40)
                                        .withDistribution(RandomDistribution.uniform()),
                                Arbitraries.of("a", "b", "c"))
                        .as(Draft::new);
        return draft.list()
                .ofMinSize(1)
                .ofMaxSize(80)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(FeatureJobReferencePropertiesTest::events);
    }

    private enum Lag {
        NONE,
        WITHIN,
        BEYOND,
        DUPLICATE
    }

    /** One drawn event: {@code quarters} of -1 leaves {@code v} out. */
    private record Draft(
            String user, long advance, Lag lag, long lagSteps, int quarters, String tag) {}

    private static List<StreamEvent> events(List<Draft> drafts) {
        List<StreamEvent> events = new ArrayList<>();
        long clock = T0;
        for (Draft draft : drafts) {
            if (draft.lag() == Lag.DUPLICATE && !events.isEmpty()) {
                events.add(events.get(events.size() - 1));
                continue;
            }
            clock += draft.advance() * GRID;
            long lag =
                    switch (draft.lag()) {
                        case WITHIN -> draft.lagSteps() * GRID % (BOUND + 1);
                        case BEYOND -> BOUND + 1 + draft.lagSteps() * GRID;
                        default -> 0;
                    };
            long ts = clock - lag;
            Map<String, Object> fields = new HashMap<>();
            fields.put("user_id", draft.user());
            fields.put("ts", ts);
            fields.put("tag", draft.tag());
            if (draft.quarters() >= 0) {
                fields.put("v", draft.quarters() * 0.25);
            }
            events.add(new StreamEvent(draft.user(), ts, Map.copyOf(fields)));
        }
        return events;
    }

    private static StreamEvent event(String user, long offset, double v, String tag) {
        long ts = T0 + offset;
        return new StreamEvent(user, ts, Map.of("user_id", user, "ts", ts, "v", v, "tag", tag));
    }

    private static List<Event> toReference(List<StreamEvent> events) {
        return events.stream()
                .map(event -> new Event("s", event.entityId(), event.eventTime(), event.fields()))
                .toList();
    }

    private static String describe(LateEvent late) {
        return describe(
                late.group(),
                late.event().entityId(),
                late.event().eventTime(),
                late.event().fields());
    }

    private static String describe(
            String group, String entityId, long eventTime, Map<String, Object> fields) {
        return group + " " + entityId + " " + (eventTime - T0) + " " + new TreeMap<>(fields);
    }
}
