package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Event-time windows of {@code size} ending at every multiple of {@code slide} (epoch-aligned),
 * keyed by entity id, computed from panes: the tumbling ({@code slide == size}) and sliding windows
 * of one feature group and one window.
 *
 * <p>An event at {@code t} falls in the pane {@code [p, p + slide)}, {@code p = floor(t / slide) *
 * slide}, and in the {@code size / slide} windows ending at {@code E = p + slide, p + 2 slide, ...,
 * p + size}. The window ending at {@code E} is the merge of the panes in {@code [E - size, E)}.
 * With {@code W} the watermark when the event arrives and {@code L} the stream's allowed lateness:
 *
 * <ul>
 *   <li>a window is <em>open</em> while {@code W < E - 1}: it fires ({@code values} update with
 *       {@code event_time = E}) when the watermark reaches {@code E - 1}, if it holds an event;
 *   <li>it is <em>closed but correctable</em> while {@code E - 1 <= W < E - 1 + L}: an event
 *       arriving then is folded in and the window is emitted again at once, its version (the number
 *       of events in it) one higher;
 *   <li>it is <em>gone</em> once {@code E - 1 + L <= W}. An event all of whose windows are gone is
 *       late: it goes to {@link LateEvents#OUTPUT} and changes nothing. An event with only some of
 *       its windows gone is folded into its pane; the gone windows are never emitted again.
 * </ul>
 *
 * <p>State: a {@link MapState} from pane start to the pane's {@link Partial}. A new pane registers
 * an event-time timer at {@code E - 1} for each of its windows not yet fired and one at its cleanup
 * time {@code p + size - 1 + L}, when the last window needing it ({@code E = p + size}) is gone.
 * One timer may serve both purposes (for different windows or panes); a timer first fires the
 * window ending just after it, then clears the pane whose cleanup time it is. With {@code L = 0} a
 * tumbling window needs just one timer, at {@code end - 1}.
 */
abstract class PaneWindowAggregator
        extends KeyedProcessFunction<String, StreamEvent, FeatureUpdate> {

    private static final long serialVersionUID = 1L;

    private final String stream;
    private final String entity;
    private final String group;
    private final long size;
    private final long slide;
    private final long lateness;
    private final FeatureSet features;

    private transient MapState<Long, Partial> panes;
    private transient StoredInPlace storedInPlace;
    private transient Counter dropped;
    private transient Counter corrected;
    private transient EventTimeLag eventTimeLag;
    private transient FeatureValueMetrics valueMetrics;

    PaneWindowAggregator(
            String stream,
            String entity,
            String group,
            long size,
            long slide,
            long lateness,
            FeatureSet features) {
        if (slide <= 0 || size <= 0 || size % slide != 0) {
            throw new IllegalArgumentException(
                    "window size " + size + " must be a positive multiple of slide " + slide);
        }
        if (lateness < 0) {
            throw new IllegalArgumentException("allowed lateness must not be negative");
        }
        this.stream = stream;
        this.entity = entity;
        this.group = group;
        this.size = size;
        this.slide = slide;
        this.lateness = lateness;
        this.features = features;
    }

    @Override
    public void open(OpenContext openContext) {
        panes =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "panes",
                                        LongSerializer.INSTANCE,
                                        new PartialSerializer(features)));
        storedInPlace = new StoredInPlace();
        dropped = getRuntimeContext().getMetricGroup().counter(LateEvents.DROPPED_METRIC);
        corrected = getRuntimeContext().getMetricGroup().counter(LateEvents.CORRECTED_METRIC);
        eventTimeLag = EventTimeLag.register(getRuntimeContext().getMetricGroup(), stream);
        valueMetrics = new FeatureValueMetrics(getRuntimeContext().getMetricGroup(), features);
    }

    @Override
    public void processElement(StreamEvent event, Context ctx, Collector<FeatureUpdate> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        eventTimeLag.observe(watermark);
        long pane = Math.floorDiv(event.eventTime(), slide) * slide;
        long firstEnd = pane + slide;
        long lastEnd = pane + size;
        if (isGone(lastEnd, watermark)) {
            dropped.inc();
            ctx.output(
                    LateEvents.OUTPUT,
                    new LateEvent(stream, group, lateReason(event, pane, watermark), event));
            return;
        }
        Partial partial = panes.get(pane);
        boolean stored = partial != null && storedInPlace.isStored(panes, pane, partial);
        if (partial == null) {
            partial = features.newPartial();
            for (long end = firstEnd; end <= lastEnd; end += slide) {
                if (end - 1 > watermark) {
                    ctx.timerService().registerEventTimeTimer(end - 1);
                }
            }
            ctx.timerService().registerEventTimeTimer(lastEnd - 1 + lateness);
        }
        features.add(partial, event);
        if (!stored) {
            panes.put(pane, partial);
        }

        boolean correction = false;
        for (long end = firstEnd; end <= lastEnd && end - 1 <= watermark; end += slide) {
            if (!isGone(end, watermark)) {
                emit(end, ctx.getCurrentKey(), out);
                correction = true;
            }
        }
        if (correction) {
            corrected.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureUpdate> out)
            throws Exception {
        eventTimeLag.observe(ctx.timerService().currentWatermark());
        if (Math.floorMod(timestamp + 1, slide) == 0) {
            emit(timestamp + 1, ctx.getCurrentKey(), out);
        }
        long expiredPane = timestamp + 1 - lateness - size;
        if (Math.floorMod(expiredPane, slide) == 0) {
            panes.remove(expiredPane);
        }
    }

    /** Whether the window ending at {@code end} can no longer change. */
    private boolean isGone(long end, long watermark) {
        return end - 1 + lateness <= watermark;
    }

    /** Emits the window ending at {@code end} if it holds an event. */
    private void emit(long end, String entityId, Collector<FeatureUpdate> out) throws Exception {
        Partial window = null;
        for (long pane = end - size; pane < end; pane += slide) {
            Partial partial = panes.get(pane);
            if (partial != null) {
                if (window == null) {
                    window = features.newPartial();
                }
                features.merge(window, partial);
            }
        }
        if (window == null || window.events == 0) {
            return;
        }
        Map<String, Object> values = features.values(window);
        valueMetrics.record(values);
        out.collect(FeatureUpdate.values(entity, entityId, group, end, window.events, values));
    }

    String group() {
        return group;
    }

    long size() {
        return size;
    }

    long slide() {
        return slide;
    }

    long lateness() {
        return lateness;
    }

    /** Why an event whose windows are all gone is late. */
    abstract String lateReason(StreamEvent event, long pane, long watermark);
}
