package dev.tessera.job;

import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.group;
import static dev.tessera.job.TestEvents.sliding;
import static dev.tessera.job.TestEvents.spec;
import static dev.tessera.job.TestEvents.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.Window;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code sliding(15m, 5m)}: three 5-minute panes per window, a window ending every 5 minutes. */
class SlidingWindowAggregatorTest {

    private static final long M5 = 5 * MINUTE;

    private static ProcessHarness harness(Duration lateness) throws Exception {
        return new ProcessHarness(
                SlidingWindowAggregator.of(
                        group(spec(lateness), "sliding"),
                        new Window.Sliding(Duration.ofMinutes(15), Duration.ofMinutes(5))));
    }

    @Test
    void foldsEachEventIntoOnePaneAndEmitsEveryWindowHoldingAnEventFromTheSharedPanes()
            throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(1, 0), 1.0)); // pane [0, 5m): windows 5m, 10m, 15m
            h.process(transaction("alice", at(6, 0), 2.0)); // pane [5m, 10m): 10m, 15m, 20m
            h.process(transaction("bob", at(12, 0), 4.0)); // pane [10m, 15m): 15m, 20m, 25m

            // alice: 5m-1, 10m-1, 15m-1 (also the cleanup of her first pane), 20m-1; bob: 3.
            assertThat(h.eventTimeTimers()).isEqualTo(7);
            assertThat(h.keysWithState()).isEqualTo(2);

            h.watermark(T0 + M5 - 1);
            assertThat(h.updates()).containsExactly(sliding("alice", T0 + M5, 1, 1.0));

            h.watermark(T0 + 2 * M5 - 1);
            assertThat(h.updates()).containsExactly(sliding("alice", T0 + 2 * M5, 2, 3.0));

            h.watermark(T0 + 3 * M5 - 1);
            assertThat(h.updates())
                    .containsExactlyInAnyOrder(
                            sliding("alice", T0 + 3 * M5, 2, 3.0),
                            sliding("bob", T0 + 3 * M5, 1, 4.0));

            h.watermark(T0 + 4 * M5 - 1);
            assertThat(h.updates())
                    .containsExactlyInAnyOrder(
                            sliding("alice", T0 + 4 * M5, 1, 2.0),
                            sliding("bob", T0 + 4 * M5, 1, 4.0));
            // alice's panes are gone with her last window; bob's pane serves one more.
            assertThat(h.keysWithState()).isEqualTo(1);
            assertThat(h.eventTimeTimers()).isEqualTo(1);

            h.watermark(T0 + 5 * M5 - 1);
            assertThat(h.updates()).containsExactly(sliding("bob", T0 + 5 * M5, 1, 4.0));
            assertThat(h.keysWithState()).isZero();
            assertThat(h.eventTimeTimers()).isZero();
        }
    }

    @Test
    void withinTheLatenessFoldsAnEventIntoItsWindowsNotGoneAndReEmitsTheFiredOnes()
            throws Exception {
        try (ProcessHarness h = harness(Duration.ofMinutes(1))) {
            h.process(transaction("alice", at(1, 0), 1.0));
            h.watermark(T0 + M5 - 1);
            assertThat(h.updates()).containsExactly(sliding("alice", T0 + M5, 1, 1.0));

            // Window 5m has fired but takes corrections; windows 10m and 15m are still open.
            h.process(transaction("alice", at(4, 0), 2.0));
            assertThat(h.updates()).containsExactly(sliding("alice", T0 + M5, 2, 3.0));
            assertThat(h.counter(LateEvents.CORRECTED_METRIC)).isEqualTo(1);

            // Window 5m is gone: a later event of its pane counts in windows 10m and 15m only.
            h.watermark(T0 + M5 - 1 + MINUTE);
            h.process(transaction("alice", at(2, 0), 4.0));
            assertThat(h.updates()).isEmpty();
            assertThat(h.late()).isEmpty();

            h.watermark(T0 + 2 * M5 - 1);
            assertThat(h.updates()).containsExactly(sliding("alice", T0 + 2 * M5, 3, 7.0));

            // Window 15m fires at 15m - 1; the pane is forgotten a minute later, with the window.
            h.watermark(T0 + 3 * M5 - 1 + MINUTE);
            assertThat(h.updates()).containsExactly(sliding("alice", T0 + 3 * M5, 3, 7.0));
            assertThat(h.keysWithState()).isZero();
            assertThat(h.eventTimeTimers()).isZero();

            // Every window of the pane is gone.
            h.process(transaction("alice", at(3, 0), 8.0));
            assertThat(h.updates()).isEmpty();
            assertThat(h.late())
                    .singleElement()
                    .satisfies(
                            late -> {
                                assertThat(late.group()).isEqualTo("sliding");
                                assertThat(late.reason())
                                        .contains("sliding(15m, 5m)")
                                        .contains("allowed lateness 1m");
                            });
            assertThat(h.counter(LateEvents.DROPPED_METRIC)).isEqualTo(1);
            assertThat(h.counter(LateEvents.CORRECTED_METRIC)).isEqualTo(1);
        }
    }

    @Test
    void emitsNoWindowWithoutEvents() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(1, 0), 1.0));
            h.process(transaction("alice", at(31, 0), 2.0)); // windows 35m, 40m, 45m
            h.watermark(Long.MAX_VALUE);

            assertThat(h.updates())
                    .extracting(update -> update.eventTime() - T0)
                    .containsExactly(M5, 2 * M5, 3 * M5, 7 * M5, 8 * M5, 9 * M5);
        }
    }
}
