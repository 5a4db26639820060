package dev.tessera.job;

import dev.tessera.spec.model.Stream;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops the repeats of an event: keyed by entity id and the stream's dedupe field (see {@link
 * Stream.Dedupe}), only the first event with a given id passes. A retried POST or a replayed record
 * thus changes no feature. Ids are remembered for the dedupe window by state TTL, so state stays
 * bounded; events without an id always pass.
 */
public final class Deduplicator extends KeyedProcessFunction<String, StreamEvent, StreamEvent> {

    private static final long serialVersionUID = 1L;

    /** Metric name of the count of dropped repeats, per operator subtask. */
    public static final String DUPLICATES_METRIC = "duplicateEventsDropped";

    private final Duration within;

    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public Deduplicator(Duration within) {
        this.within = within;
    }

    /** The key of an event: its entity id and dedupe id, or the entity id alone without one. */
    public static String key(Stream.Dedupe dedupe, StreamEvent event) {
        Object id = event.fields().get(dedupe.field());
        return id == null ? event.entityId() : event.entityId() + '\u0000' + id;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> descriptor =
                new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        // Processing time: how long after the first copy a repeat is still recognized.
        descriptor.enableTimeToLive(StateExpiry.afterWrite(within));
        seen = getRuntimeContext().getState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().counter(DUPLICATES_METRIC);
    }

    @Override
    public void processElement(StreamEvent event, Context ctx, Collector<StreamEvent> out)
            throws Exception {
        if (ctx.getCurrentKey().equals(event.entityId())) {
            out.collect(event); // no id: nothing to compare
            return;
        }
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(true);
        out.collect(event);
    }
}
