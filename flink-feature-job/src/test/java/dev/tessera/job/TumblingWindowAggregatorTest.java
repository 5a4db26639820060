package dev.tessera.job;

import static dev.tessera.job.TestEvents.FIVE_MINUTES;
import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.group;
import static dev.tessera.job.TestEvents.spec;
import static dev.tessera.job.TestEvents.transaction;
import static dev.tessera.job.TestEvents.tumbling;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TumblingWindowAggregatorTest {

    private static final long END = T0 + FIVE_MINUTES;

    private static ProcessHarness harness(Duration lateness) throws Exception {
        return new ProcessHarness(
                TumblingWindowAggregator.of(
                        group(spec(lateness), "tumbling"),
                        new Window.Tumbling(Duration.ofMinutes(5))));
    }

    @Test
    void emitsEveryFeatureOncePerEntityWhenTheWatermarkReachesTheWindowsLastMillisecond()
            throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(0, 10), 10.0));
            h.process(transaction("alice", at(4, 59), 250.0));
            h.process(transaction("bob", at(1, 0), 4.0));
            h.watermark(END - 2);

            assertThat(h.updates()).isEmpty();
            assertThat(h.eventTimeTimers()).isEqualTo(2);

            h.watermark(END - 1);

            // The where filter (amount >= 100) keeps 10.0 out of large_5m, not out of the version.
            assertThat(h.updates())
                    .containsExactlyInAnyOrder(
                            tumbling("alice", END, 2, 2, 260.0, 1),
                            tumbling("bob", END, 1, 1, 4.0, 0));
        }
    }

    @Test
    void forgetsAWindowOnceItFired() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(1, 0), 1.0));
            h.process(transaction("alice", at(6, 0), 2.0));
            assertThat(h.eventTimeTimers()).isEqualTo(2);
            assertThat(h.keysWithState()).isEqualTo(1);

            h.watermark(END);
            assertThat(h.eventTimeTimers()).isEqualTo(1);

            h.watermark(END + FIVE_MINUTES);
            assertThat(h.updates())
                    .containsExactly(
                            tumbling("alice", END, 1, 1, 1.0, 0),
                            tumbling("alice", END + FIVE_MINUTES, 1, 1, 2.0, 0));
            assertThat(h.eventTimeTimers()).isZero();
            assertThat(h.keysWithState()).isZero();
        }
    }

    @Test
    void keepsWindowsOpenForOutOfOrderEventsUntilTheWatermarkPasses() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(5, 1), 7.0));
            h.watermark(T0 + at(4, 56).toMillis());
            h.process(transaction("alice", at(4, 58), 0.75));
            h.watermark(Long.MAX_VALUE);

            assertThat(h.updates())
                    .containsExactly(
                            tumbling("alice", END, 1, 1, 0.75, 0),
                            tumbling("alice", END + FIVE_MINUTES, 1, 1, 7.0, 0));
        }
    }

    @Test
    void withoutLatenessSendsAnEventOfAClosedWindowToTheSideOutputAndCountsIt() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(transaction("alice", at(1, 0), 1.0));
            h.watermark(END - 1);
            StreamEvent late = transaction("alice", at(4, 0), 100.0);
            h.process(late);

            assertThat(h.updates()).containsExactly(tumbling("alice", END, 1, 1, 1.0, 0));
            assertThat(h.late())
                    .singleElement()
                    .satisfies(
                            lateEvent -> {
                                assertThat(lateEvent.event()).isEqualTo(late);
                                assertThat(lateEvent.stream()).isEqualTo("transactions");
                                assertThat(lateEvent.group()).isEqualTo("tumbling");
                                assertThat(lateEvent.reason())
                                        .contains("window [" + T0 + ", " + END + ")")
                                        .contains("watermark is " + (END - 1))
                                        .contains("allowed lateness 0s");
                            });
            assertThat(h.counter(LateEvents.DROPPED_METRIC)).isEqualTo(1);
            assertThat(h.counter(LateEvents.CORRECTED_METRIC)).isZero();
            assertThat(h.eventTimeTimers()).isZero();
            assertThat(h.keysWithState()).isZero();
        }
    }

    @Test
    void withinTheLatenessCorrectsAFiredWindowAtOnceWithAHigherVersionThenForgetsIt()
            throws Exception {
        try (ProcessHarness h = harness(Duration.ofMinutes(1))) {
            h.process(transaction("alice", at(1, 0), 1.0));
            // One timer fires the window at END - 1, one forgets it a minute later.
            assertThat(h.eventTimeTimers()).isEqualTo(2);

            h.watermark(END - 1);
            assertThat(h.updates()).containsExactly(tumbling("alice", END, 1, 1, 1.0, 0));
            assertThat(h.eventTimeTimers()).isEqualTo(1);
            assertThat(h.keysWithState()).isEqualTo(1);

            h.process(transaction("alice", at(2, 0), 200.0));
            assertThat(h.updates()).containsExactly(tumbling("alice", END, 2, 2, 201.0, 1));
            assertThat(h.counter(LateEvents.CORRECTED_METRIC)).isEqualTo(1);

            h.watermark(END - 1 + MINUTE - 1);
            h.process(transaction("alice", at(3, 0), 4.0));
            assertThat(h.updates()).containsExactly(tumbling("alice", END, 3, 3, 205.0, 1));

            h.watermark(END - 1 + MINUTE);
            assertThat(h.updates()).isEmpty();
            assertThat(h.eventTimeTimers()).isZero();
            assertThat(h.keysWithState()).isZero();

            h.process(transaction("alice", at(4, 0), 8.0));
            assertThat(h.updates()).isEmpty();
            assertThat(h.late())
                    .singleElement()
                    .satisfies(
                            late ->
                                    assertThat(late.reason())
                                            .contains("allowed lateness 1m")
                                            .contains("watermark is " + (END - 1 + MINUTE)));
            assertThat(h.counter(LateEvents.DROPPED_METRIC)).isEqualTo(1);
            assertThat(h.counter(LateEvents.CORRECTED_METRIC)).isEqualTo(2);
        }
    }

    @Test
    void emitsAtOnceAWindowWhoseFirstEventComesAfterItClosedButWithinTheLateness()
            throws Exception {
        try (ProcessHarness h = harness(Duration.ofMinutes(1))) {
            h.watermark(END + 30_000);
            h.process(transaction("bob", at(4, 0), 3.0));

            assertThat(h.updates()).containsExactly(tumbling("bob", END, 1, 1, 3.0, 0));
            // Only the cleanup timer: the window's firing time has passed.
            assertThat(h.eventTimeTimers()).isEqualTo(1);

            h.watermark(Long.MAX_VALUE);
            assertThat(h.updates()).isEmpty();
            assertThat(h.keysWithState()).isZero();
        }
    }

    @Test
    void countsEventsWithoutTheSummedFieldAndAddsNothingForThem() throws Exception {
        try (ProcessHarness h = harness(Duration.ZERO)) {
            h.process(new StreamEvent("alice", T0 + 1_000, Map.of("user_id", "alice", "ts", T0)));
            h.process(transaction("alice", at(0, 2), 3.0));
            h.watermark(Long.MAX_VALUE);

            assertThat(h.updates()).containsExactly(tumbling("alice", END, 2, 2, 3.0, 0));
        }
    }
}
