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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Open windows survive a checkpoint and a restore, with either state backend. */
class TumblingWindowAggregatorRestoreTest {

    static Stream<Arguments> stateBackends() {
        return Stream.of(
                Arguments.of("hashmap", (Supplier<StateBackend>) HashMapStateBackend::new),
                Arguments.of("rocksdb", (Supplier<StateBackend>) EmbeddedRocksDBStateBackend::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateBackends")
    void restoresOpenWindowsAndTheirTimers(String name, Supplier<StateBackend> backend)
            throws Exception {
        OperatorSubtaskState checkpoint;
        try (var before = harness(backend.get())) {
            before.open();
            process(before, transaction("alice", at(1, 0), 1.5));
            process(before, transaction("alice", at(6, 0), 2.0));
            process(before, transaction("bob", at(2, 0), 4.0));
            checkpoint = before.snapshot(1L, 1L);
        }

        try (var after = harness(backend.get())) {
            after.initializeState(checkpoint);
            after.open();
            assertThat(after.numEventTimeTimers()).isEqualTo(3);
            process(after, transaction("alice", at(3, 0), 0.5));
            after.processWatermark(Long.MAX_VALUE);

            assertThat(after.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            transactionsUpdate("alice", T0 + FIVE_MINUTES, 2L, 2.0),
                            transactionsUpdate("bob", T0 + FIVE_MINUTES, 1L, 4.0),
                            transactionsUpdate("alice", T0 + 2 * FIVE_MINUTES, 1L, 2.0));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, FeatureUpdate>
            harness(StateBackend backend) throws Exception {
        TumblingWindowAggregator aggregator =
                TumblingWindowAggregator.of(
                        userTransactions5m(), new Window.Tumbling(Duration.ofMinutes(5)));
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(aggregator),
                        StreamEvent::entityId,
                        Types.STRING);
        harness.setStateBackend(backend);
        return harness;
    }

    private static void process(
            KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, FeatureUpdate> harness,
            StreamEvent event)
            throws Exception {
        harness.processElement(event, event.eventTime());
    }
}
