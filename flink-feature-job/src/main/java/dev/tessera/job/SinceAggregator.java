package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A feature group's {@code since(reset)} features, a rule over two streams of one entity: the
 * group's stream's events on input 1, the reset stream's on input 2, connected and keyed by entity
 * id. The value aggregates the group's events newer (in event time) than the newest reset event, so
 * a late event of either stream lands where its time says. Every event of either stream emits the
 * value, with {@code event_time} the newest time of both and {@code version} the events of both:
 * the last update is the one the store keeps.
 *
 * <p>State: one partial per distinct event time after the newest reset (older ones are dropped as a
 * reset passes them), the reset time, the newest time and the event count, all expiring after the
 * group's ttl without events.
 */
final class SinceAggregator
        extends KeyedCoProcessFunction<String, StreamEvent, StreamEvent, FeatureUpdate> {

    private static final long serialVersionUID = 1L;

    private final String entity;
    private final String group;
    private final Duration ttl;
    private final FeatureSet features;
    private final boolean inTimeOrder;

    private transient MapState<Long, Partial> byTime;
    private transient ValueState<Long> resetAt;
    private transient ValueState<Long> newest;
    private transient ValueState<Long> events;
    private transient MapState<Long, List<StreamEvent>> pendingEvents;
    private transient MapState<Long, List<StreamEvent>> pendingResets;

    private SinceAggregator(
            String entity, String group, Duration ttl, FeatureSet features, boolean inTimeOrder) {
        this.entity = entity;
        this.group = group;
        this.ttl = ttl;
        this.features = features;
        this.inTimeOrder = inTimeOrder;
    }

    /**
     * @param inTimeOrder whether events of both streams are taken in event-time order, each once
     *     the watermark passes it (training replays, {@link FeatureJob.Settings#eventTimeOrder()}):
     *     a read then sees the value after each event as if both streams had arrived in time
     */
    static SinceAggregator of(FeatureGroup group, Window.Since window, boolean inTimeOrder) {
        return new SinceAggregator(
                group.entity().name(),
                group.name(),
                group.ttl(),
                FeatureSet.windowed(group, window),
                inTimeOrder);
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<Long, Partial> partials =
                new MapStateDescriptor<>(
                        "since", LongSerializer.INSTANCE, new PartialSerializer(features));
        partials.enableTimeToLive(StateExpiry.afterWrite(ttl));
        byTime = getRuntimeContext().getMapState(partials);
        resetAt = longState("resetAt");
        newest = longState("newest");
        events = longState("events");
        if (inTimeOrder) {
            pendingEvents = pending("pendingEvents");
            pendingResets = pending("pendingResets");
        }
    }

    private MapState<Long, List<StreamEvent>> pending(String name) {
        return getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>(
                                name,
                                Types.LONG,
                                Types.LIST(TypeInformation.of(StreamEvent.class))));
    }

    private ValueState<Long> longState(String name) {
        ValueStateDescriptor<Long> descriptor = new ValueStateDescriptor<>(name, Types.LONG);
        descriptor.enableTimeToLive(StateExpiry.afterWrite(ttl));
        return getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement1(StreamEvent event, Context ctx, Collector<FeatureUpdate> out)
            throws Exception {
        if (inTimeOrder) {
            Pending.hold(pendingEvents, event.eventTime(), event, ctx.timerService());
        } else {
            onEvent(event, ctx.getCurrentKey(), out);
        }
    }

    @Override
    public void processElement2(StreamEvent reset, Context ctx, Collector<FeatureUpdate> out)
            throws Exception {
        if (inTimeOrder) {
            Pending.hold(pendingResets, reset.eventTime(), reset, ctx.timerService());
        } else {
            onReset(reset, ctx.getCurrentKey(), out);
        }
    }

    /** Events of both streams at one time, in order: a reset then passes events of its time. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureUpdate> out)
            throws Exception {
        for (StreamEvent event : Pending.release(pendingEvents, timestamp)) {
            onEvent(event, ctx.getCurrentKey(), out);
        }
        for (StreamEvent reset : Pending.release(pendingResets, timestamp)) {
            onReset(reset, ctx.getCurrentKey(), out);
        }
    }

    private void onEvent(StreamEvent event, String entityId, Collector<FeatureUpdate> out)
            throws Exception {
        if (event.eventTime() > valueOr(resetAt, Long.MIN_VALUE)) {
            Partial partial = byTime.get(event.eventTime());
            if (partial == null) {
                partial = features.newPartial();
            }
            features.add(partial, event);
            byTime.put(event.eventTime(), partial);
        }
        emit(event, entityId, out);
    }

    private void onReset(StreamEvent reset, String entityId, Collector<FeatureUpdate> out)
            throws Exception {
        if (reset.eventTime() > valueOr(resetAt, Long.MIN_VALUE)) {
            resetAt.update(reset.eventTime());
            List<Long> passed = new ArrayList<>();
            for (Long time : byTime.keys()) {
                if (time <= reset.eventTime()) {
                    passed.add(time);
                }
            }
            for (Long time : passed) {
                byTime.remove(time);
            }
        }
        emit(reset, entityId, out);
    }

    private void emit(StreamEvent event, String entityId, Collector<FeatureUpdate> out)
            throws Exception {
        long time = Math.max(valueOr(newest, Long.MIN_VALUE), event.eventTime());
        long count = valueOr(events, 0) + 1;
        newest.update(time);
        events.update(count);
        Partial all = features.newPartial();
        for (Partial partial : byTime.values()) {
            features.merge(all, partial);
        }
        Map<String, Object> values = features.values(all);
        out.collect(FeatureUpdate.values(entity, entityId, group, time, count, values));
    }

    private static long valueOr(ValueState<Long> state, long fallback) throws Exception {
        Long value = state.value();
        return value == null ? fallback : value;
    }
}
