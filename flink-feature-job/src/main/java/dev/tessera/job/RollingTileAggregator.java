package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The tiles of one feature group's rolling features, keyed by entity id: per tile of event time
 * ({@code [start, start + tile)}, aligned to the epoch) one partial aggregate of all the group's
 * rolling features, emitted as {@code tile} updates as events arrive. Readers merge the tiles that
 * cover the window ending at the moment of a request ({@code TileMerger}), so tiles are not held
 * back by the watermark.
 *
 * <p>An event at {@code t}, with {@code W} the watermark on arrival and {@code R} the group's tile
 * retention (largest rolling window + one tile): if {@code start + R - 1 <= W} no read can reach
 * its tile any more and the event is late ({@link LateEvents#OUTPUT}); otherwise it is folded in
 * and the tile is dirty. Dirty tiles are emitted:
 *
 * <ul>
 *   <li>at once, on every event, when the emit interval is 0;
 *   <li>otherwise coalesced per key: the first event dirtying a clean tile registers a
 *       processing-time timer at the next multiple of the interval, which emits every dirty tile of
 *       the key;
 *   <li>and always when the tile expires: an event-time timer at {@code start + R - 1} emits it if
 *       still dirty, then forgets it. The final watermark of a bounded input fires every expiry, so
 *       nothing dirty is lost when processing time stops.
 * </ul>
 *
 * An update carries {@code event_time} = the newest event time in the tile, {@code version} = its
 * number of events (all of them, before {@code where} filters) and each rolling feature's encoded
 * accumulator.
 */
public final class RollingTileAggregator
        extends KeyedProcessFunction<String, StreamEvent, FeatureUpdate> {

    private static final long serialVersionUID = 1L;

    private final String stream;
    private final String entity;
    private final String group;
    private final long tile;
    private final long retention;
    private final long emitInterval;
    private final FeatureSet features;

    private transient MapState<Long, Partial> tiles;
    private transient StoredInPlace storedInPlace;
    private transient Counter dropped;
    private transient Counter corrected;
    private transient EventTimeLag eventTimeLag;

    RollingTileAggregator(
            String stream,
            String entity,
            String group,
            Duration tile,
            Duration retention,
            Duration emitInterval,
            FeatureSet features) {
        if (tile.toMillis() <= 0 || retention.compareTo(tile) <= 0) {
            throw new IllegalArgumentException(
                    "tile " + tile + " must be positive and shorter than retention " + retention);
        }
        if (emitInterval.isNegative()) {
            throw new IllegalArgumentException("the tile emit interval must not be negative");
        }
        this.stream = stream;
        this.entity = entity;
        this.group = group;
        this.tile = tile.toMillis();
        this.retention = retention.toMillis();
        this.emitInterval = emitInterval.toMillis();
        this.features = features;
    }

    /**
     * The operator of {@code group}'s rolling features.
     *
     * @param emitInterval how long dirty tiles of a key may wait to be emitted; 0 emits on every
     *     event
     */
    public static RollingTileAggregator of(FeatureGroup group, Duration emitInterval) {
        if (group.rollingFeatures().isEmpty()) {
            throw new IllegalArgumentException(
                    "feature group '" + group.name() + "' has no rolling feature");
        }
        return new RollingTileAggregator(
                group.stream().name(),
                group.entity().name(),
                group.name(),
                group.tile(),
                group.tileRetention(),
                emitInterval,
                FeatureSet.of(group.rollingFeatures()));
    }

    @Override
    public void open(OpenContext openContext) {
        tiles =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "tiles",
                                        LongSerializer.INSTANCE,
                                        new PartialSerializer(features)));
        storedInPlace = new StoredInPlace();
        dropped = getRuntimeContext().getMetricGroup().counter(LateEvents.DROPPED_METRIC);
        corrected = getRuntimeContext().getMetricGroup().counter(LateEvents.CORRECTED_METRIC);
        eventTimeLag = EventTimeLag.register(getRuntimeContext().getMetricGroup(), stream);
    }

    @Override
    public void processElement(StreamEvent event, Context ctx, Collector<FeatureUpdate> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        eventTimeLag.observe(watermark);
        long start = Math.floorDiv(event.eventTime(), tile) * tile;
        if (start + retention - 1 <= watermark) {
            dropped.inc();
            ctx.output(
                    LateEvents.OUTPUT,
                    new LateEvent(stream, group, lateReason(start, watermark), event));
            return;
        }
        Partial partial = tiles.get(start);
        boolean stored = partial != null && storedInPlace.isStored(tiles, start, partial);
        if (partial == null) {
            partial = features.newPartial();
            ctx.timerService().registerEventTimeTimer(start + retention - 1);
        }
        if (start + tile - 1 <= watermark) {
            corrected.inc();
        }
        features.add(partial, event);
        if (emitInterval == 0) {
            emit(start, partial, ctx.getCurrentKey(), out);
        } else if (!partial.dirty) {
            // A dirty tile already has a processing-time timer pending for its key.
            partial.dirty = true;
            long now = ctx.timerService().currentProcessingTime();
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            now - Math.floorMod(now, emitInterval) + emitInterval);
        }
        if (!stored) {
            tiles.put(start, partial);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureUpdate> out)
            throws Exception {
        String entityId = ctx.getCurrentKey();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            List<Map.Entry<Long, Partial>> dirty = new ArrayList<>();
            for (Map.Entry<Long, Partial> entry : tiles.entries()) {
                if (entry.getValue().dirty) {
                    dirty.add(Map.entry(entry.getKey(), entry.getValue()));
                }
            }
            for (Map.Entry<Long, Partial> entry : dirty) {
                emit(entry.getKey(), entry.getValue(), entityId, out);
                if (!storedInPlace.isStored(tiles, entry.getKey(), entry.getValue())) {
                    tiles.put(entry.getKey(), entry.getValue());
                }
            }
            return;
        }
        long start = timestamp + 1 - retention;
        Partial partial = tiles.get(start);
        if (partial != null) {
            if (partial.dirty) {
                emit(start, partial, entityId, out);
            }
            tiles.remove(start);
        }
    }

    private void emit(long start, Partial partial, String entityId, Collector<FeatureUpdate> out) {
        partial.dirty = false;
        out.collect(
                FeatureUpdate.tile(
                        entity,
                        entityId,
                        group,
                        partial.newestEventTime,
                        partial.events,
                        new FeatureUpdate.Tile(start, features.encode(partial))));
    }

    private String lateReason(long start, long watermark) {
        return "tile ["
                + start
                + ", "
                + (start + tile)
                + ") of feature group '"
                + group
                + "' expired: no read reaches it past its retention "
                + LateEvents.duration(retention)
                + " (the largest rolling window + one tile), watermark is "
                + watermark;
    }
}
