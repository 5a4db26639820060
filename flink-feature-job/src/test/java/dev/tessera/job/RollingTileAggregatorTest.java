package dev.tessera.job;

import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.group;
import static dev.tessera.job.TestEvents.spec;
import static dev.tessera.job.TestEvents.transaction;
import static dev.tessera.job.TestEvents.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.FeatureGroup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The {@code rolling} group: 1-minute tiles of {@code sum_5m_rolling} and {@code large_3m_rolling},
 * kept for 6 minutes (largest window + one tile).
 */
class RollingTileAggregatorTest {

    private static final FeatureGroup GROUP = group(spec(Duration.ZERO), "rolling");
    private static final long RETENTION = 6 * MINUTE;

    private static ProcessHarness harness(Duration emitInterval) throws Exception {
        return new ProcessHarness(RollingTileAggregator.of(GROUP, emitInterval));
    }

    @Test
    void withoutCoalescingEmitsTheTileAtOnceOnEveryEvent() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(0, 10), 10.0));
            h.process(transaction("alice", at(0, 20), 150.0));
            h.process(transaction("alice", at(1, 5), 5.0));

            assertThat(Tiles.of(GROUP, h.updates()))
                    .containsExactly(
                            tile("alice", 0, at(0, 10), 1, 10.0, 0),
                            tile("alice", 0, at(0, 20), 2, 160.0, 1),
                            tile("alice", MINUTE, at(1, 5), 1, 5.0, 0));
            // One expiry timer per tile, no processing-time timer.
            assertThat(h.eventTimeTimers()).isEqualTo(2);
            assertThat(h.processingTimeTimers()).isZero();
        }
    }

    @Test
    void takesEventsUntilNoReadReachesTheTileThenForgetsIt() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(0, 10), 10.0));
            h.process(transaction("alice", at(1, 5), 5.0));
            h.updates();

            // The first tile's events are all in, but a read of the next 5 minutes still merges it.
            h.watermark(T0 + RETENTION - 2);
            h.process(transaction("alice", at(0, 30), 1.0));
            assertThat(Tiles.of(GROUP, h.updates()))
                    .containsExactly(tile("alice", 0, at(0, 30), 2, 11.0, 0));
            assertThat(h.counter(LateEvents.CORRECTED_METRIC)).isEqualTo(1);

            h.watermark(T0 + RETENTION - 1);
            assertThat(h.updates()).isEmpty();
            assertThat(h.eventTimeTimers()).isEqualTo(1);
            assertThat(h.keysWithState()).isEqualTo(1);

            StreamEvent late = transaction("alice", at(0, 40), 100.0);
            h.process(late);
            assertThat(h.updates()).isEmpty();
            assertThat(h.late())
                    .singleElement()
                    .satisfies(
                            lateEvent -> {
                                assertThat(lateEvent.event()).isEqualTo(late);
                                assertThat(lateEvent.group()).isEqualTo("rolling");
                                assertThat(lateEvent.reason())
                                        .contains("tile [" + T0 + ", " + (T0 + MINUTE) + ")");
                            });
            assertThat(h.counter(LateEvents.DROPPED_METRIC)).isEqualTo(1);

            h.watermark(T0 + MINUTE + RETENTION - 1);
            assertThat(h.eventTimeTimers()).isZero();
            assertThat(h.keysWithState()).isZero();
        }
    }

    @Test
    void coalescesTheUpdatesOfAKeyOverTheEmitInterval() throws Exception {
        try (ProcessHarness h = harness(Duration.ofMillis(200))) {
            h.harness.setProcessingTime(1_000);
            h.process(transaction("alice", at(0, 10), 10.0));
            h.process(transaction("alice", at(0, 20), 150.0));
            h.process(transaction("alice", at(1, 5), 5.0));
            h.process(transaction("bob", at(0, 1), 1.0));

            assertThat(h.updates()).isEmpty();
            // One timer per key, at the next multiple of the interval.
            assertThat(h.processingTimeTimers()).isEqualTo(2);

            h.harness.setProcessingTime(1_199);
            assertThat(h.updates()).isEmpty();

            h.harness.setProcessingTime(1_200);
            assertThat(Tiles.of(GROUP, h.updates()))
                    .containsExactlyInAnyOrder(
                            tile("alice", 0, at(0, 20), 2, 160.0, 1),
                            tile("alice", MINUTE, at(1, 5), 1, 5.0, 0),
                            tile("bob", 0, at(0, 1), 1, 1.0, 0));
            assertThat(h.processingTimeTimers()).isZero();

            h.harness.setProcessingTime(1_250);
            h.process(transaction("alice", at(0, 30), 2.0));
            assertThat(h.processingTimeTimers()).isEqualTo(1);
            h.harness.setProcessingTime(1_400);
            assertThat(Tiles.of(GROUP, h.updates()))
                    .containsExactly(tile("alice", 0, at(0, 30), 3, 162.0, 1));
        }
    }

    @Test
    void emitsADirtyTileWhenItExpiresEvenIfProcessingTimeNeverFires() throws Exception {
        try (ProcessHarness h = harness(Duration.ofMinutes(10))) {
            h.harness.setProcessingTime(0);
            h.process(transaction("alice", at(0, 10), 10.0));
            h.process(transaction("alice", at(2, 0), 20.0));
            assertThat(h.updates()).isEmpty();

            h.watermark(T0 + RETENTION - 1);
            assertThat(Tiles.of(GROUP, h.updates()))
                    .containsExactly(tile("alice", 0, at(0, 10), 1, 10.0, 0));

            // The end of a bounded input: the final watermark expires every tile.
            h.watermark(Long.MAX_VALUE);
            assertThat(Tiles.of(GROUP, h.updates()))
                    .containsExactly(tile("alice", 2 * MINUTE, at(2, 0), 1, 20.0, 0));
            assertThat(h.keysWithState()).isZero();
            assertThat(h.eventTimeTimers()).isZero();

            // The processing-time timer finds nothing left to emit.
            h.harness.setProcessingTime(Duration.ofMinutes(10).toMillis());
            assertThat(h.updates()).isEmpty();
        }
    }

    private static Tiles.View tile(
            String user, long start, Duration newest, long version, double sum, long large) {
        return new Tiles.View(
                user,
                "rolling",
                T0 + start,
                T0 + newest.toMillis(),
                version,
                values("large_3m_rolling", large, "sum_5m_rolling", sum));
    }
}
