package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * One of the job's keyed process functions in an operator test harness (keyed by entity id, heap
 * state), with its metrics intercepted.
 */
final class ProcessHarness implements AutoCloseable {

    final KeyedOneInputStreamOperatorTestHarness<String, StreamEvent, FeatureUpdate> harness;
    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();

    ProcessHarness(KeyedProcessFunction<String, StreamEvent, FeatureUpdate> function)
            throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function),
                        StreamEvent::entityId,
                        Types.STRING,
                        environment(metrics));
        harness.open();
    }

    /** A task environment whose operators all report to {@code metrics}. */
    private static MockEnvironment environment(InterceptingOperatorMetricGroup metrics) {
        InterceptingTaskMetricGroup taskMetrics =
                new InterceptingTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(
                            OperatorID id, String name, Map<String, String> additionalVariables) {
                        return metrics;
                    }
                };
        return new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
    }

    void process(StreamEvent event) throws Exception {
        harness.processElement(event, event.eventTime());
    }

    void watermark(long watermark) throws Exception {
        harness.processWatermark(watermark);
    }

    /** The updates emitted since the last call. */
    List<FeatureUpdate> updates() {
        List<FeatureUpdate> updates = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return updates;
    }

    /** Every late event so far. */
    List<LateEvent> late() {
        List<LateEvent> late = new ArrayList<>();
        var side = harness.getSideOutput(LateEvents.OUTPUT);
        if (side != null) {
            side.forEach(record -> late.add(((StreamRecord<LateEvent>) record).getValue()));
        }
        return late;
    }

    long counter(String name) {
        return Optional.ofNullable((Counter) metrics.get(name)).map(Counter::getCount).orElse(0L);
    }

    int eventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    int processingTimeTimers() {
        return harness.numProcessingTimeTimers();
    }

    /** Keys holding state. */
    int keysWithState() {
        return harness.numKeyedStateEntries();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
