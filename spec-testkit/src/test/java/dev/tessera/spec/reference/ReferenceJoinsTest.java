package dev.tessera.spec.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference's joins and stateful features on the example spec, worked out by hand. */
class ReferenceJoinsTest {

    static final FeatureSpec SPEC = SpecParser.parse(Path.of("../features.yaml"));
    static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;

    /** Arrival order; every stream's watermark is its newest time - 5 s - 1 ms. */
    static final List<Event> EVENTS =
            List.of(
                    product("p1", 0, "books", 10.0),
                    click("p1", 2 * MINUTE),
                    product("p1", 5 * MINUTE, "games", 20.0),
                    click("p1", 6 * MINUTE),
                    click("p2", 7 * MINUTE), // no version of p2: the defaults
                    purchase("p1", 8 * MINUTE, 30.0), // 2 minutes after the click at 6
                    purchase("p2", 30 * MINUTE, 5.0), // the click on p2 is 23 minutes before
                    click("p1", 9 * MINUTE),
                    click("p1", 5 * MINUTE + 1_000)); // behind the clicks' watermark: late

    final Reference.Result result = new Reference(SPEC).run(EVENTS);
    final StoreModel store = result.store(SPEC);

    @Test
    void anIntervalJoinMatchesEachPurchaseWithTheNearestClickWithinItsBounds() {
        long asOf = T0 + 31 * MINUTE;
        assertThat(result.rollingValue(SPEC, "u", "view_to_purchase_seconds_avg_24h", asOf))
                .isEqualTo(120.0);
        assertThat(result.rollingValue(SPEC, "u", "purchases_after_view_10m_count", asOf))
                .isEqualTo(1L);
    }

    @Test
    void anAsOfJoinTakesTheVersionValidAtTheClickOrTheDefaults() {
        long asOf = T0 + 31 * MINUTE;
        assertThat(result.rollingValue(SPEC, "u", "clicks_by_category_1h", asOf))
                .isEqualTo(Map.of("books", 1L, "games", 2L, "unknown", 1L));
        assertThat(result.rollingValue(SPEC, "u", "viewed_price_avg_1h", asOf))
                .isEqualTo((10.0 + 20.0 + 0.0 + 20.0) / 4);
    }

    @Test
    void statefulFeaturesHoldEveryEventOfTheUser() {
        // Lifetime features of the joined clicks: the late click never left the join.
        assertThat(store.value("u", "views_by_category").value())
                .isEqualTo(Map.of("books", 1L, "games", 2L, "unknown", 1L));
        assertThat(store.value("u", "last_10_actions").value())
                .isEqualTo(List.of("p1", "p2", "p1", "p1"));
        // Clicks (the stream itself, the late one too) after the newest purchase at 30: none.
        assertThat(store.value("u", "clicks_since_last_purchase").value()).isEqualTo(0L);
    }

    private static Event click(String product, long offset) {
        return event("clicks", "u", offset, Map.of("user_id", "u", "product_id", product));
    }

    private static Event purchase(String product, long offset, double amount) {
        return event(
                "purchases",
                "u",
                offset,
                Map.of("user_id", "u", "product_id", product, "amount", amount));
    }

    private static Event product(String product, long offset, String category, double price) {
        return event(
                "products",
                product,
                offset,
                Map.of("product_id", product, "category", category, "price", price));
    }

    private static Event event(
            String stream, String entityId, long offset, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("ts", T0 + offset);
        return new Event(stream, entityId, T0 + offset, Map.copyOf(all));
    }
}
