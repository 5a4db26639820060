package dev.tessera.job;

import static dev.tessera.job.TestEvents.FIVE_MINUTES;
import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.group;
import static dev.tessera.job.TestEvents.spec;
import static dev.tessera.job.TestEvents.transaction;
import static dev.tessera.job.TestEvents.tumbling;
import static dev.tessera.job.TestEvents.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Open windows and dirty tiles survive a checkpoint and a restore, with their timers, with either
 * state backend: their accumulators are written with feature-spec's encoding ({@link
 * PartialSerializer}).
 */
class OperatorRestoreTest {

    static Stream<Arguments> stateBackends() {
        return Stream.of(
                Arguments.of("hashmap", (Supplier<StateBackend>) HashMapStateBackend::new),
                Arguments.of("rocksdb", (Supplier<StateBackend>) EmbeddedRocksDBStateBackend::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateBackends")
    void restoresOpenWindowsAndTheirTimers(String name, Supplier<StateBackend> backend)
            throws Exception {
        Supplier<KeyedProcessFunction<String, StreamEvent, FeatureUpdate>> function =
                () ->
                        TumblingWindowAggregator.of(
                                group(spec(Duration.ofMinutes(1)), "tumbling"),
                                new Window.Tumbling(Duration.ofMinutes(5)));
        OperatorSubtaskState checkpoint;
        try (var before = harness(backend.get(), function.get())) {
            before.open();
            process(before, transaction("alice", at(1, 0), 1.5));
            process(before, transaction("alice", at(6, 0), 2.0));
            process(before, transaction("bob", at(2, 0), 400.0));
            checkpoint = before.snapshot(1L, 1L);
        }

        try (var after = harness(backend.get(), function.get())) {
            after.initializeState(checkpoint);
            after.open();
            // A firing and a cleanup timer per window.
            assertThat(after.numEventTimeTimers()).isEqualTo(6);
            process(after, transaction("alice", at(3, 0), 0.5));
            after.processWatermark(Long.MAX_VALUE);

            assertThat(after.extractOutputValues())
                    .containsExactlyInAnyOrder(
                            tumbling("alice", T0 + FIVE_MINUTES, 2, 2, 2.0, 0),
                            tumbling("bob", T0 + FIVE_MINUTES, 1, 1, 400.0, 1),
                            tumbling("alice", T0 + 2 * FIVE_MINUTES, 1, 1, 2.0, 0));
            assertNoState(name, after);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stateBackends")
    void restoresDirtyTilesAndTheirEmitTimers(String name, Supplier<StateBackend> backend)
            throws Exception {
        FeatureGroup group = group(spec(Duration.ZERO), "rolling");
        Supplier<KeyedProcessFunction<String, StreamEvent, FeatureUpdate>> function =
                () -> RollingTileAggregator.of(group, Duration.ofMillis(200));
        OperatorSubtaskState checkpoint;
        try (var before = harness(backend.get(), function.get())) {
            before.open();
            before.setProcessingTime(1_000);
            process(before, transaction("alice", at(0, 10), 10.0));
            process(before, transaction("alice", at(0, 20), 150.0));
            checkpoint = before.snapshot(1L, 1L);
        }

        try (var after = harness(backend.get(), function.get())) {
            after.initializeState(checkpoint);
            after.open();
            assertThat(after.numProcessingTimeTimers()).isEqualTo(1);
            after.setProcessingTime(1_200);

            assertThat(Tiles.of(group, after.extractOutputValues()))
                    .containsExactly(
                            new Tiles.View(
                                    "alice",
                                    "rolling",
                                    T0,
                                    T0 + 20_000,
                                    2,
                                    values("large_3m_rolling", 1L, "sum_5m_rolling", 160.0)));
            // Folded into the restored tile: kept whether state hands out live objects (heap) or
            // copies (RocksDB), and the tile, clean since its emission, is emitted once more only
            // for this event when it expires.
            process(after, transaction("alice", at(0, 30), 1.0));
            after.processWatermark(T0 + 6 * MINUTE - 1);
            assertThat(Tiles.of(group, after.extractOutputValues()))
                    .last()
                    .isEqualTo(
                            new Tiles.View(
                                    "alice",
                                    "rolling",
                                    T0,
                                    T0 + 30_000,
                                    3,
                                    values("large_3m_rolling", 1L, "sum_5m_rolling", 161.0)));
            assertThat(after.extractOutputValues()).hasSize(2);
            assertThat(after.numEventTimeTimers()).isZero();
            assertNoState(name, after);
        }
    }

    /** The harness counts state entries of the heap backend only. */
    private static void assertNoState(
            String backend, KeyedOneInputStreamOperatorTestHarness<?, ?, ?> harness) {
        if (backend.equals("hashmap")) {
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, FeatureUpdate>
            harness(
                    StateBackend backend,
                    KeyedProcessFunction<String, StreamEvent, FeatureUpdate> function)
                    throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function), StreamEvent::entityId, Types.STRING);
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
