package dev.tessera.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/**
 * One of the job's two-input keyed functions (joins, {@code since} rules) in an operator test
 * harness, both inputs keyed by {@code key}. (This harness takes no task environment, so metrics
 * are not intercepted: tests observe the outputs, the timers and the state.)
 */
final class CoProcessHarness<OUT> implements AutoCloseable {

    final KeyedTwoInputStreamOperatorTestHarness<String, StreamEvent, StreamEvent, OUT> harness;

    CoProcessHarness(
            KeyedCoProcessFunction<String, StreamEvent, StreamEvent, OUT> function,
            KeySelector<StreamEvent, String> key)
            throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(function), key, key, Types.STRING, 1, 1, 0);
        harness.open();
    }

    void left(StreamEvent event) throws Exception {
        harness.processElement1(new StreamRecord<>(event, event.eventTime()));
    }

    void right(StreamEvent event) throws Exception {
        harness.processElement2(new StreamRecord<>(event, event.eventTime()));
    }

    /** Both inputs' watermarks move to {@code watermark}. */
    void watermark(long watermark) throws Exception {
        harness.processBothWatermarks(new Watermark(watermark));
    }

    /** The output since the last call. */
    List<OUT> output() {
        List<OUT> output = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return output;
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

    int eventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    /** State entries of every key and state (map entries count one each with heap state). */
    int keyedStateEntries() {
        return harness.numKeyedStateEntries();
    }

    /** How many entries a map state holds for {@code key}. */
    int mapEntries(String key, MapStateDescriptor<?, ?> descriptor) throws Exception {
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        int entries = 0;
        for (Object ignored :
                backend.getPartitionedState(
                                VoidNamespace.INSTANCE,
                                VoidNamespaceSerializer.INSTANCE,
                                descriptor)
                        .keys()) {
            entries++;
        }
        return entries;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
