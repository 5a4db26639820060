package dev.tessera.job;

import static dev.tessera.job.TestEvents.FIVE_MINUTES;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.transaction;
import static dev.tessera.job.TestEvents.transactionsUpdate;
import static dev.tessera.job.TestEvents.userTransactions5m;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TumblingWindowAggregatorTest {

    private final InterceptingOperatorMetricGroup operatorMetrics =
            new InterceptingOperatorMetricGroup();
    private KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, FeatureUpdate> harness;

    @BeforeEach
    void openHarness() throws Exception {
        TumblingWindowAggregator aggregator =
                TumblingWindowAggregator.of(
                        userTransactions5m(), new Window.Tumbling(Duration.ofMinutes(5)));
        InterceptingTaskMetricGroup taskMetrics =
                new InterceptingTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(
                            OperatorID id, String name, Map<String, String> additionalVariables) {
                        return operatorMetrics;
                    }
                };
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(aggregator),
                        StreamEvent::entityId,
                        Types.STRING,
                        new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build());
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void emitsCountAndSumOncePerEntityWhenTheWatermarkPassesTheWindowEnd() throws Exception {
        process(transaction("alice", at(0, 10), 10.0));
        process(transaction("alice", at(4, 59), 2.5));
        process(transaction("bob", at(1, 0), 4.0));
        harness.processWatermark(T0 + FIVE_MINUTES - 2);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        harness.processWatermark(T0 + FIVE_MINUTES - 1);

        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        transactionsUpdate("alice", T0 + FIVE_MINUTES, 2L, 12.5),
                        transactionsUpdate("bob", T0 + FIVE_MINUTES, 1L, 4.0));
    }

    @Test
    void forgetsAWindowOnceItFired() throws Exception {
        process(transaction("alice", at(1, 0), 1.0));
        process(transaction("alice", at(6, 0), 2.0));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.processWatermark(T0 + FIVE_MINUTES);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.processWatermark(T0 + 2 * FIVE_MINUTES);
        assertThat(harness.extractOutputValues())
                .containsExactly(
                        transactionsUpdate("alice", T0 + FIVE_MINUTES, 1L, 1.0),
                        transactionsUpdate("alice", T0 + 2 * FIVE_MINUTES, 1L, 2.0));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void keepsWindowsOpenForOutOfOrderEventsUntilTheWatermarkPasses() throws Exception {
        process(transaction("alice", at(5, 1), 7.0));
        harness.processWatermark(T0 + at(4, 56).toMillis());
        process(transaction("alice", at(4, 58), 0.75));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        transactionsUpdate("alice", T0 + FIVE_MINUTES, 1L, 0.75),
                        transactionsUpdate("alice", T0 + 2 * FIVE_MINUTES, 1L, 7.0));
    }

    @Test
    void sendsAnEventOfAClosedWindowToTheSideOutputAndCountsIt() throws Exception {
        process(transaction("alice", at(1, 0), 1.0));
        harness.processWatermark(T0 + FIVE_MINUTES - 1);
        StreamEvent late = transaction("alice", at(4, 0), 100.0);
        process(late);

        assertThat(harness.extractOutputValues())
                .containsExactly(transactionsUpdate("alice", T0 + FIVE_MINUTES, 1L, 1.0));
        assertThat(harness.getSideOutput(TumblingWindowAggregator.LATE_EVENTS))
                .extracting(StreamRecord::getValue)
                .singleElement()
                .satisfies(
                        lateEvent -> {
                            assertThat(lateEvent.event()).isEqualTo(late);
                            assertThat(lateEvent.group()).isEqualTo("user_transactions_5m");
                            assertThat(lateEvent.reason())
                                    .contains("window [" + T0 + ", " + (T0 + FIVE_MINUTES) + ")")
                                    .contains("watermark is " + (T0 + FIVE_MINUTES - 1));
                        });
        assertThat(lateEventsCount()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void countsEventsWithoutTheSummedFieldAndAddsNothingForThem() throws Exception {
        process(new StreamEvent("alice", T0 + 1_000, Map.of("user_id", "alice")));
        process(transaction("alice", at(0, 2), 3.0));
        harness.processWatermark(Long.MAX_VALUE);

        assertThat(harness.extractOutputValues())
                .containsExactly(transactionsUpdate("alice", T0 + FIVE_MINUTES, 2L, 3.0));
    }

    private void process(StreamEvent event) throws Exception {
        harness.processElement(event, event.eventTime());
    }

    private long lateEventsCount() {
        return Optional.ofNullable(
                        (Counter) operatorMetrics.get(TumblingWindowAggregator.LATE_EVENTS_METRIC))
                .map(Counter::getCount)
                .orElse(0L);
    }
}
