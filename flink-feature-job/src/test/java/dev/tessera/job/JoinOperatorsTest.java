package dev.tessera.job;

import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.SPEC;
import static dev.tessera.job.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.Join;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The joins of the example spec in operator harnesses: {@code viewed_purchases} (purchases with the
 * latest click on the product in the 10 minutes before) and {@code clicks_with_product} (clicks
 * with the product version valid at their time): what they emit and when, and that their state and
 * timers are gone once the watermark passes the bounds.
 */
class JoinOperatorsTest {

    private static final Join.Interval VIEWED =
            (Join.Interval) SPEC.join("viewed_purchases").orElseThrow();
    private static final Join.AsOf ENRICHED =
            (Join.AsOf) SPEC.join("clicks_with_product").orElseThrow();

    private static CoProcessHarness<StreamEvent> harness(Join join) throws Exception {
        JoinFunction function =
                join instanceof Join.Interval interval
                        ? new IntervalJoin(interval)
                        : new AsOfJoin((Join.AsOf) join);
        return new CoProcessHarness<>(function, JoinShape.of(join)::key);
    }

    @Test
    void anIntervalJoinEmitsThePurchaseWithTheNearestClickOnceTheWatermarkPassesIt()
            throws Exception {
        try (CoProcessHarness<StreamEvent> h = harness(VIEWED)) {
            h.right(click("alice", "p1", 1 * MINUTE));
            h.right(click("alice", "p1", 5 * MINUTE));
            h.right(click("alice", "p2", 5 * MINUTE + 30_000)); // another product
            h.left(purchase("alice", "p1", 6 * MINUTE, 30.0));
            h.right(click("alice", "p1", 6 * MINUTE + 1)); // after the purchase: out of bounds

            h.watermark(T0 + 6 * MINUTE - 1);
            assertThat(h.output()).isEmpty();

            h.watermark(T0 + 6 * MINUTE);
            assertThat(h.output())
                    .singleElement()
                    .satisfies(
                            joined -> {
                                assertThat(joined.entityId()).isEqualTo("alice");
                                assertThat(joined.eventTime()).isEqualTo(T0 + 6 * MINUTE);
                                assertThat(joined.fields())
                                        .containsEntry("amount", 30.0)
                                        .containsEntry("click_ts", T0 + 5 * MINUTE)
                                        .containsEntry("seconds_since_click", 60.0);
                            });

            // Each click is kept until no purchase within 10 minutes after it can come.
            h.watermark(T0 + 17 * MINUTE);
            assertThat(h.keyedStateEntries()).isZero();
            assertThat(h.eventTimeTimers()).isZero();
            assertThat(h.output()).isEmpty();
        }
    }

    @Test
    void aPurchaseWithoutAClickBeforeItIsNotEmittedAndLateEventsGoAside() throws Exception {
        try (CoProcessHarness<StreamEvent> h = harness(VIEWED)) {
            h.right(click("bob", "p1", 0));
            h.left(purchase("bob", "p1", 11 * MINUTE, 5.0)); // the click is 11 minutes before
            h.watermark(T0 + 11 * MINUTE);
            assertThat(h.output()).isEmpty();

            h.left(purchase("bob", "p1", 11 * MINUTE, 7.0)); // at the watermark: late
            h.right(click("bob", "p1", 10 * MINUTE));
            assertThat(h.late())
                    .extracting(LateEvent::stream)
                    .containsExactly("purchases", "clicks");
            assertThat(h.late())
                    .allSatisfy(late -> assertThat(late.group()).isEqualTo(VIEWED.name()));

            h.watermark(T0 + 30 * MINUTE);
            assertThat(h.output()).isEmpty();
            assertThat(h.keyedStateEntries()).isZero();
            assertThat(h.eventTimeTimers()).isZero();
        }
    }

    @Test
    void anAsOfJoinEnrichesEachClickWithTheVersionValidAtItsTime() throws Exception {
        try (CoProcessHarness<StreamEvent> h = harness(ENRICHED)) {
            h.right(product("p1", 0, "books", 10.0));
            h.left(click("alice", "p1", 3 * MINUTE));
            h.left(click("alice", "p1", 6 * MINUTE));
            // Arrives after the clicks, valid before the second: the watermark waited for it.
            h.right(product("p1", 5 * MINUTE, "games", 20.0));
            h.left(click("alice", "p9", 4 * MINUTE)); // no version of p9 at all

            h.watermark(T0 + 6 * MINUTE);
            assertThat(h.output())
                    .extracting(
                            e ->
                                    List.of(
                                            e.fields().get("product_id"),
                                            e.fields().get("product_category"),
                                            e.fields().get("product_price")))
                    .containsExactlyInAnyOrder(
                            List.of("p1", "books", 10.0),
                            List.of("p9", "unknown", 0.0),
                            List.of("p1", "games", 20.0));
            assertThat(h.eventTimeTimers()).isZero();
        }
    }

    @Test
    void anAsOfJoinKeepsOnlyTheVersionsThatCanStillApply() throws Exception {
        try (CoProcessHarness<StreamEvent> h = harness(ENRICHED)) {
            h.right(product("p1", 0, "books", 10.0));
            h.right(product("p1", MINUTE, "comics", 11.0));
            h.right(product("p1", 5 * MINUTE, "games", 20.0));
            assertThat(versions(h)).isEqualTo(3);

            // At 2 minutes the comics version is current: books can apply to nothing any more.
            h.watermark(T0 + 2 * MINUTE);
            assertThat(versions(h)).isEqualTo(2);

            h.watermark(T0 + 10 * MINUTE);
            assertThat(versions(h)).as("the current version stays").isEqualTo(1);

            // Valid from before the watermark: too late for the clicks emitted, kept for later
            // ones.
            h.right(product("p1", 9 * MINUTE, "maps", 12.0));
            assertThat(h.late()).isEmpty();
            h.left(click("alice", "p1", 11 * MINUTE));
            h.watermark(T0 + 11 * MINUTE);
            assertThat(h.output())
                    .singleElement()
                    .satisfies(
                            e -> assertThat(e.fields()).containsEntry("product_category", "maps"));
            assertThat(versions(h)).isEqualTo(1);
        }
    }

    private static int versions(CoProcessHarness<StreamEvent> h) throws Exception {
        return h.mapEntries("p1", AsOfJoin.versionsDescriptor());
    }

    static StreamEvent click(String user, String product, long offset) {
        return event(user, offset, Map.of("user_id", user, "product_id", product));
    }

    static StreamEvent purchase(String user, String product, long offset, double amount) {
        return event(
                user, offset, Map.of("user_id", user, "product_id", product, "amount", amount));
    }

    static StreamEvent product(String product, long offset, String category, double price) {
        return event(
                product,
                offset,
                Map.of("product_id", product, "category", category, "price", price));
    }

    private static StreamEvent event(String entityId, long offset, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("ts", T0 + offset);
        return new StreamEvent(entityId, T0 + offset, Map.copyOf(all));
    }
}
