package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Joins and stateful features compute what the reference computes, on random interleavings of three
 * streams with disorder within their watermark bound: an interval join (with a positive upper
 * bound, so joined events reach windows late) and an as-of join against a dimension (versions
 * arriving out of order, items without any version) feeding tumbling, rolling and lifetime
 * features, and a {@code since} rule over two streams. The job runs at parallelism 2, one source
 * subtask per stream: which stream's events reach a join first varies from run to run, and must not
 * change a stored value.
 */
class FeatureJobJoinPropertiesTest {

    private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    private static final long GRID = 250;
    private static final long BOUND = 2_000;

    static final String SPEC =
            """
            entities: {user: {key: user_id}, item: {key: item_id}}
            streams:
              views:
                entity: user
                watermark: {out_of_orderness: 2s}
                fields: {user_id: string, item_id: string, ts: timestamp}
              buys:
                entity: user
                watermark: {out_of_orderness: 2s}
                fields: {user_id: string, item_id: string, amount: double, ts: timestamp}
              items:
                entity: item
                watermark: {out_of_orderness: 2s}
                fields: {item_id: string, kind: string, price: double, ts: timestamp}
            joins:
              viewed_buys:
                type: interval
                stream: buys
                with: views
                as: view
                on: [user_id, item_id]
                between: [-5s, 1s]
              views_with_item:
                type: as_of
                stream: views
                with: items
                as: item
                on: [item_id]
                defaults: {kind: none}
            feature_groups:
              bought:
                entity: user
                stream: viewed_buys
                ttl: 1d
                tile: 2s
                features:
                  gap_avg_8s: {aggregation: avg, field: seconds_since_view, window: rolling(8s)}
                  n_5s: {aggregation: count, window: tumbling(5s)}
                  last_view: {aggregation: max, field: view_ts, window: lifetime}
              viewed:
                entity: user
                stream: views_with_item
                ttl: 1d
                tile: 2s
                features:
                  kinds_6s: {aggregation: count_by, field: item_kind, window: rolling(6s)}
                  price_avg_4s: {aggregation: avg, field: item_price, window: tumbling(4s)}
                  kinds: {aggregation: count_by, field: item_kind, window: lifetime}
                  last_3: {aggregation: last_n(3), field: item_id, window: lifetime}
              counters:
                entity: user
                stream: views
                ttl: 1d
                features:
                  views_since_buy: {aggregation: count, window: since(buys)}
                  since_last_view: {aggregation: time_since_last, window: lifetime}
            """;

    private static final FeatureSpec PARSED = SpecParser.parse("joins.yaml", SPEC);
    private static final CollectedRun RUN = new CollectedRun(2);

    @BeforeContainer
    static void startCluster() throws Exception {
        RUN.start();
    }

    @AfterContainer
    static void stopCluster() {
        RUN.stop();
    }

    /** A view before a buy, one after it, a version valid before the view and one after. */
    @Example
    void joinsOneBuyAndEnrichesViewsAsOfTheirTime() throws Exception {
        List<Event> arrivals =
                List.of(
                        event("items", "x", 0, Map.of("item_id", "x", "kind", "k1", "price", 1.0)),
                        event("views", "a", 1_000, Map.of("user_id", "a", "item_id", "x")),
                        event(
                                "items",
                                "x",
                                2_000,
                                Map.of("item_id", "x", "kind", "k2", "price", 3.0)),
                        event(
                                "buys",
                                "a",
                                3_000,
                                Map.of("user_id", "a", "item_id", "x", "amount", 5.0)),
                        event("views", "a", 3_500, Map.of("user_id", "a", "item_id", "x")),
                        event("views", "a", 9_000, Map.of("user_id", "a", "item_id", "y")));
        StoreModel store = theJobComputesWhatTheReferenceComputes(arrivals);

        // The view 0.5 s after the buy is nearer than the one 2 s before: within [-5 s, 1 s].
        assertThat(store.values().toString())
                .contains("last_view", "kinds", "k1=1", "k2=1", "none=1", "views_since_buy");
    }

    @Property(tries = 40)
    void joinsAgreeWithTheReference(@ForAll("arrivals") List<Event> arrivals) throws Exception {
        theJobComputesWhatTheReferenceComputes(arrivals);
    }

    private StoreModel theJobComputesWhatTheReferenceComputes(List<Event> arrivals)
            throws Exception {
        Reference.Result expected = new Reference(PARSED).run(arrivals);
        Map<String, List<StreamEvent>> byStream =
                CollectedRun.byStream(arrivals, List.of("views", "buys", "items"));
        CollectedRun.Outputs outputs = RUN.run(PARSED, byStream);

        Statistics.label("joined buys")
                .collect(
                        outputs.updates().stream().anyMatch(u -> u.group().equals("bought"))
                                ? "some"
                                : "none");
        StoreModel store = new StoreModel(PARSED);
        outputs.updates().forEach(store::apply);
        StoreModel reference = expected.store(PARSED);
        assertThat(store.values()).isEqualTo(reference.values());
        assertThat(store.tiles()).isEqualTo(reference.tiles());
        assertThat(outputs.late()).isEmpty();
        return store;
    }

    /**
     * Up to 60 events of the three streams on one clock moving 0 to 0.75 s per event, each up to
     * the 2 s bound behind it; two users, three items (one without versions), two kinds.
     */
    @Provide
    Arbitrary<List<Event>> arrivals() {
        Arbitrary<Draft> draft =
                Combinators.combine(
                                Arbitraries.of("views", "views", "buys", "items"),
                                Arbitraries.of("a", "b"),
                                Arbitraries.of("x", "y", "z"),
                                Arbitraries.longs()
                                        .between(0, 3)
                                        .withDistribution(RandomDistribution.uniform()),
                                Arbitraries.longs()
                                        .between(0, BOUND / GRID)
                                        .withDistribution(RandomDistribution.uniform()),
                                Arbitraries.integers().between(0, 8))
                        .as(Draft::new);
        return draft.list()
                .ofMinSize(1)
                .ofMaxSize(60)
                .withSizeDistribution(RandomDistribution.uniform())
                .map(FeatureJobJoinPropertiesTest::events);
    }

    private record Draft(
            String stream, String user, String item, long advance, long lag, int value) {}

    private static List<Event> events(List<Draft> drafts) {
        List<Draft> all = new ArrayList<>(drafts);
        for (String stream : List.of("views", "buys", "items")) {
            // Every source has an event: an empty generator source fails.
            if (drafts.stream().noneMatch(draft -> draft.stream().equals(stream))) {
                all.add(new Draft(stream, "a", "x", 1, 0, 1));
            }
        }
        List<Event> events = new ArrayList<>();
        long clock = 0;
        for (Draft draft : all) {
            clock += draft.advance() * GRID;
            long offset = Math.max(0, clock - draft.lag() * GRID);
            Map<String, Object> fields = new HashMap<>();
            fields.put("item_id", draft.item());
            String entityId = draft.user();
            switch (draft.stream()) {
                case "items" -> {
                    if (draft.item().equals("z")) {
                        fields.put("item_id", "x");
                    }
                    fields.put("kind", draft.value() % 2 == 0 ? "k1" : "k2");
                    fields.put("price", draft.value() * 0.5);
                    entityId = (String) fields.get("item_id");
                }
                case "buys" -> {
                    fields.put("user_id", draft.user());
                    fields.put("amount", draft.value() * 1.5);
                }
                default -> fields.put("user_id", draft.user());
            }
            events.add(event(draft.stream(), entityId, offset, fields));
        }
        return events;
    }

    private static Event event(
            String stream, String entityId, long offset, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("ts", T0 + offset);
        return new Event(stream, entityId, T0 + offset, Map.copyOf(all));
    }
}
