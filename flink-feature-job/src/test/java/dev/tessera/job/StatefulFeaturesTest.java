package dev.tessera.job;

import static dev.tessera.job.JoinOperatorsTest.click;
import static dev.tessera.job.JoinOperatorsTest.purchase;
import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.SPEC;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.group;
import static dev.tessera.job.TestEvents.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lifetime features and the {@code since} rule of the example spec, in operator harnesses. */
class StatefulFeaturesTest {

    @Test
    void lifetimeFeaturesEmitTheNewestValueOnEveryEventRegardlessOfOrder() throws Exception {
        FeatureGroup group = group(SPEC, "user_transaction_state");
        try (ProcessHarness h = new ProcessHarness(LifetimeAggregator.of(group))) {
            h.process(transaction("alice", Duration.ofMinutes(5), 1.0));
            h.process(transaction("alice", Duration.ofMinutes(2), 1.0)); // older: no change
            h.watermark(T0 + 60 * MINUTE); // no windows: the watermark changes nothing

            List<FeatureUpdate> updates = h.updates();
            assertThat(updates)
                    .extracting(FeatureUpdate::eventTime, FeatureUpdate::version)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(T0 + 5 * MINUTE, 1L),
                            org.assertj.core.groups.Tuple.tuple(T0 + 5 * MINUTE, 2L));
            assertThat(updates.get(1).values())
                    .containsEntry("time_since_last_txn_s", T0 + 5 * MINUTE);
            assertThat(h.eventTimeTimers()).isZero();
            assertThat(h.keysWithState()).isEqualTo(1);
        }
    }

    @Test
    void sinceCountsTheClicksAfterTheNewestPurchaseAndForgetsOlderOnes() throws Exception {
        FeatureGroup group = group(SPEC, "user_clicks_since_purchase");
        Window.Since since = (Window.Since) group.features().get(0).window();
        try (CoProcessHarness<FeatureUpdate> h =
                new CoProcessHarness<>(
                        SinceAggregator.of(group, since, false), StreamEvent::entityId)) {
            h.left(click("alice", "p1", MINUTE));
            h.left(click("alice", "p1", 3 * MINUTE));
            h.right(purchase("alice", "p1", 2 * MINUTE, 9.0)); // arrives late, still resets
            h.left(click("alice", "p2", 4 * MINUTE));

            assertThat(h.output())
                    .extracting(
                            update -> update.values().get("clicks_since_last_purchase"),
                            FeatureUpdate::version)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1L, 1L),
                            org.assertj.core.groups.Tuple.tuple(2L, 2L),
                            org.assertj.core.groups.Tuple.tuple(1L, 3L),
                            org.assertj.core.groups.Tuple.tuple(2L, 4L));
            // Per key: the partials by click time, the reset time, the newest time and the count.
            assertThat(h.keyedStateEntries()).isEqualTo(4);
        }
    }
}
