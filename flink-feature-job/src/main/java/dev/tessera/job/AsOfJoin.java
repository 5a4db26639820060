package dev.tessera.job;

import dev.tessera.spec.model.Join;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * An as-of (temporal) join ({@link Join.AsOf}), keyed by the join key: each left event with the
 * version of the right side (a dimension: each right event is valid from its time on) valid at the
 * left event's time, emitted once the watermark {@code W} reaches the left event's time, when every
 * version that can apply has arrived. Without a valid version the left event takes the declared
 * defaults and is counted ({@value #DEFAULTED_METRIC}).
 *
 * <p>A version arriving at or behind {@code W} is late (it would change events already emitted): it
 * goes to {@link LateEvents#OUTPUT} and is not kept. State: pending left events until emitted;
 * versions until a newer one is valid at {@code W} (the newest one at or before {@code W} is kept
 * for as long as the key lives, as a dimension's current version must be). Timers at left event
 * times and version times do both.
 */
final class AsOfJoin extends JoinFunction {

    private static final long serialVersionUID = 1L;

    static final String DEFAULTED_METRIC = "joinDefaulted";

    static final String LATE_VERSIONS_METRIC = "joinLateVersions";

    private final HashMap<String, Object> defaults;

    private transient MapState<Long, List<StreamEvent>> pending;
    private transient MapState<Long, StreamEvent> versions;
    private transient Counter defaulted;
    private transient Counter lateVersions;

    AsOfJoin(Join.AsOf join) {
        super(JoinShape.of(join));
        this.defaults = new HashMap<>(join.defaults());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        pending = eventsByTime("pending");
        versions = getRuntimeContext().getMapState(versionsDescriptor());
        defaulted = getRuntimeContext().getMetricGroup().counter(DEFAULTED_METRIC);
        lateVersions = getRuntimeContext().getMetricGroup().counter(LATE_VERSIONS_METRIC);
    }

    @Override
    public void processElement1(StreamEvent left, Context ctx, Collector<StreamEvent> out)
            throws Exception {
        if (!isLate(left, true, ctx)) {
            append(pending, left);
            ctx.timerService().registerEventTimeTimer(left.eventTime());
        }
    }

    @Override
    public void processElement2(StreamEvent version, Context ctx, Collector<StreamEvent> out)
            throws Exception {
        if (version.eventTime() <= ctx.timerService().currentWatermark()) {
            // Events up to the watermark were emitted with the versions known then; this one
            // applies from now on.
            lateVersions.inc();
        }
        // Of two versions valid from one time, the last to arrive.
        versions.put(version.eventTime(), version);
        ctx.timerService().registerEventTimeTimer(version.eventTime());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StreamEvent> out)
            throws Exception {
        List<Long> due = new ArrayList<>();
        for (Long time : pending.keys()) {
            if (time <= timestamp) {
                due.add(time);
            }
        }
        due.sort(null);
        for (Long time : due) {
            StreamEvent version = validAt(time);
            if (version == null) {
                defaulted.inc(pending.get(time).size());
            }
            Map<String, Object> right = version == null ? defaults : version.fields();
            for (StreamEvent left : pending.get(time)) {
                out.collect(shape.enrich(left, right, Map.of()));
            }
            pending.remove(time);
        }
        StreamEvent current = validAt(timestamp);
        if (current != null) {
            List<Long> superseded = new ArrayList<>();
            for (Long time : versions.keys()) {
                if (time < current.eventTime()) {
                    superseded.add(time);
                }
            }
            for (Long time : superseded) {
                versions.remove(time);
            }
        }
    }

    /** The versions of a key's dimension, by the time they are valid from. */
    static MapStateDescriptor<Long, StreamEvent> versionsDescriptor() {
        return new MapStateDescriptor<>(
                "versions", Types.LONG, TypeInformation.of(StreamEvent.class));
    }

    /** The newest version valid from {@code time} or before, or null. */
    private StreamEvent validAt(long time) throws Exception {
        StreamEvent valid = null;
        for (Map.Entry<Long, StreamEvent> entry : versions.entries()) {
            if (entry.getKey() <= time && (valid == null || entry.getKey() > valid.eventTime())) {
                valid = entry.getValue();
            }
        }
        return valid;
    }
}
