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

    /**
     * A timer fires for each time a left event or a version was buffered at, in ascending order as
     * the watermark passes them: the left events of exactly that time are due, so the buffer is
     * read by key rather than scanned (with RocksDB a scan per timer is a seek and a
     * deserialization per entry). The versions are scanned once: the one valid now, and those it
     * supersedes.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StreamEvent> out)
            throws Exception {
        StreamEvent current = null;
        List<Long> older = new ArrayList<>();
        for (Map.Entry<Long, StreamEvent> entry : versions.entries()) {
            long time = entry.getKey();
            if (time <= timestamp) {
                older.add(time);
                if (current == null || time > current.eventTime()) {
                    current = entry.getValue();
                }
            }
        }
        List<StreamEvent> due = pending.get(timestamp);
        if (due != null) {
            if (current == null) {
                defaulted.inc(due.size());
            }
            Map<String, Object> right = current == null ? defaults : current.fields();
            for (StreamEvent left : due) {
                out.collect(shape.enrich(left, right, Map.of()));
            }
            pending.remove(timestamp);
        }
        for (Long time : older) {
            if (time < current.eventTime()) {
                versions.remove(time);
            }
        }
    }

    /** The versions of a key's dimension, by the time they are valid from. */
    static MapStateDescriptor<Long, StreamEvent> versionsDescriptor() {
        return new MapStateDescriptor<>(
                "versions", Types.LONG, TypeInformation.of(StreamEvent.class));
    }
}
