package dev.tessera.job;

import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.agg.Aggregation;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Event-time tumbling windows of one feature group and one window size, keyed by entity id: folds
 * each event into the group's {@link Accumulator}s for that window and, when the watermark passes
 * the window's end, emits one {@link FeatureUpdate} as of the window end and forgets the window.
 *
 * <p>Windows are aligned to the epoch: an event at time t belongs to {@code [start, start + size)}
 * with {@code start = t - floorMod(t, size)}. Several windows of one key can be open at once while
 * out-of-order events are still expected. A window closes when the watermark reaches its last
 * millisecond ({@code end - 1}), which is when its event-time timer fires; an event whose window is
 * already closed is late: it goes to {@link #LATE_EVENTS} and is counted in the {@value
 * #LATE_EVENTS_METRIC} metric, and changes no value.
 *
 * <p>State: one {@link MapState} from window start to the window's accumulators, one per feature,
 * in {@link #features} order. Accumulators are serialized as generic types (Kryo), which the
 * hashmap and RocksDB state backends both support.
 */
public final class TumblingWindowAggregator
        extends KeyedProcessFunction<String, StreamEvent, FeatureUpdate> {

    private static final long serialVersionUID = 1L;

    /** Where late events go; one side output per window operator. */
    public static final OutputTag<LateEvent> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    /** Metric name of the count of late events, per operator subtask. */
    public static final String LATE_EVENTS_METRIC = "lateEvents";

    private final String entity;
    private final String group;
    private final long sizeMillis;
    private final List<WindowedFeature> features;

    private transient List<Aggregation> aggregations;
    private transient MapState<Long, List<Accumulator>> windows;
    private transient Counter lateEvents;

    TumblingWindowAggregator(
            String entity, String group, Duration size, List<WindowedFeature> features) {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("window size must be positive, was " + size);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a window operator needs at least one feature");
        }
        this.entity = entity;
        this.group = group;
        this.sizeMillis = size.toMillis();
        this.features = List.copyOf(features);
    }

    /** The operator computing the features of {@code group} that aggregate over {@code window}. */
    public static TumblingWindowAggregator of(FeatureGroup group, Window.Tumbling window) {
        List<WindowedFeature> features = new ArrayList<>();
        for (Feature feature : group.features()) {
            if (feature.window().equals(window)) {
                features.add(WindowedFeature.of(feature));
            }
        }
        return new TumblingWindowAggregator(
                group.entity().name(), group.name(), window.size(), features);
    }

    @Override
    public void open(OpenContext openContext) {
        aggregations = features.stream().map(WindowedFeature::resolveAggregation).toList();
        MapStateDescriptor<Long, List<Accumulator>> descriptor =
                new MapStateDescriptor<>(
                        "windows",
                        Types.LONG,
                        new ListTypeInfo<>(TypeInformation.of(Accumulator.class)));
        windows = getRuntimeContext().getMapState(descriptor);
        lateEvents = getRuntimeContext().getMetricGroup().counter(LATE_EVENTS_METRIC);
    }

    @Override
    public void processElement(StreamEvent event, Context ctx, Collector<FeatureUpdate> out)
            throws Exception {
        long start = event.eventTime() - Math.floorMod(event.eventTime(), sizeMillis);
        long lastMillis = start + sizeMillis - 1;
        long watermark = ctx.timerService().currentWatermark();
        if (lastMillis <= watermark) {
            lateEvents.inc();
            ctx.output(LATE_EVENTS, new LateEvent(event, group, lateReason(start, watermark)));
            return;
        }
        List<Accumulator> accumulators = windows.get(start);
        if (accumulators == null) {
            accumulators = new ArrayList<>(aggregations.size());
            for (Aggregation aggregation : aggregations) {
                accumulators.add(aggregation.newAccumulator());
            }
            ctx.timerService().registerEventTimeTimer(lastMillis);
        }
        for (int i = 0; i < accumulators.size(); i++) {
            String field = features.get(i).field();
            accumulators.get(i).add(field == null ? null : event.fields().get(field));
        }
        // Written back even when the accumulators were mutated in place: RocksDB holds copies.
        windows.put(start, accumulators);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureUpdate> out)
            throws Exception {
        long start = timestamp + 1 - sizeMillis;
        List<Accumulator> accumulators = windows.get(start);
        if (accumulators == null) {
            return;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < accumulators.size(); i++) {
            values.put(features.get(i).name(), accumulators.get(i).result());
        }
        out.collect(
                new FeatureUpdate(entity, ctx.getCurrentKey(), group, start + sizeMillis, values));
        windows.remove(start);
    }

    private String lateReason(long start, long watermark) {
        return "window ["
                + start
                + ", "
                + (start + sizeMillis)
                + ") of feature group '"
                + group
                + "' closed: watermark is "
                + watermark;
    }
}
