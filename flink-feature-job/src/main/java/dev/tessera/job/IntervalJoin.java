package dev.tessera.job;

import dev.tessera.spec.model.Join;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * An interval join ({@link Join.Interval}), keyed by the join key: each left event with the right
 * event nearest to it in time among those within {@code [left + lower, left + upper]} (of two as
 * near, the later; of two at one time, the first to arrive), emitted once the watermark {@code W}
 * reaches {@code left + upper}, when every right event that can match has arrived. Left events
 * without a match are counted ({@value #UNMATCHED_METRIC}), not emitted.
 *
 * <p>State is bounded by the watermark: a left event is kept until it is emitted; a right event
 * until no left event still pending or yet to come can match it ({@code W >= right - lower +
 * max(upper, 0)}); one event-time timer per distinct time does both. An event at or behind {@code
 * W} on arrival is late for the join ({@link LateEvents#OUTPUT}): the right events it would match
 * may be gone, and the left events it would match may have been emitted.
 */
final class IntervalJoin extends JoinFunction {

    private static final long serialVersionUID = 1L;

    static final String UNMATCHED_METRIC = "joinUnmatched";

    private final long lower;
    private final long upper;
    private final String gapField;

    private transient MapState<Long, List<StreamEvent>> lefts;
    private transient MapState<Long, List<StreamEvent>> rights;
    private transient Counter unmatched;

    IntervalJoin(Join.Interval join) {
        super(JoinShape.of(join));
        this.lower = join.lower().toMillis();
        this.upper = join.upper().toMillis();
        this.gapField = join.gapField();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        lefts = eventsByTime("lefts");
        rights = eventsByTime("rights");
        unmatched = getRuntimeContext().getMetricGroup().counter(UNMATCHED_METRIC);
    }

    @Override
    public void processElement1(StreamEvent left, Context ctx, Collector<StreamEvent> out)
            throws Exception {
        if (isLate(left, true, ctx)) {
            return;
        }
        if (left.eventTime() + upper <= ctx.timerService().currentWatermark()) {
            emit(left, out); // a negative upper bound: its right events are all in
            return;
        }
        append(lefts, left);
        ctx.timerService().registerEventTimeTimer(left.eventTime() + upper);
    }

    @Override
    public void processElement2(StreamEvent right, Context ctx, Collector<StreamEvent> out)
            throws Exception {
        if (isLate(right, false, ctx)) {
            return;
        }
        append(rights, right);
        ctx.timerService().registerEventTimeTimer(expiry(right.eventTime()));
    }

    /**
     * A timer fires at {@code left + upper} for the left events of one time and at {@link #expiry}
     * for the right events of one time, in ascending order as the watermark passes them: the
     * buffers are read by key rather than scanned (with RocksDB a scan per timer is a seek and a
     * deserialization per entry). Left events are emitted before right events expire, so a timer
     * doing both still matches them.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StreamEvent> out)
            throws Exception {
        long leftTime = timestamp - upper;
        List<StreamEvent> due = lefts.get(leftTime);
        if (due != null) {
            for (StreamEvent left : due) {
                emit(left, out);
            }
            lefts.remove(leftTime);
        }
        // Removing the last entry clears the key's map state instead of leaving an empty map.
        rights.remove(timestamp + lower - Math.max(upper, 0));
    }

    /** When no left event can match a right event at {@code time} any more. */
    private long expiry(long time) {
        return time - lower + Math.max(upper, 0);
    }

    private void emit(StreamEvent left, Collector<StreamEvent> out) throws Exception {
        StreamEvent best = null;
        for (Map.Entry<Long, List<StreamEvent>> entry : rights.entries()) {
            long gap = entry.getKey() - left.eventTime();
            if (gap < lower || gap > upper) {
                continue;
            }
            StreamEvent first = entry.getValue().get(0);
            if (best == null || nearer(first, best, left.eventTime())) {
                best = first;
            }
        }
        if (best == null) {
            unmatched.inc();
            return;
        }
        out.collect(
                shape.enrich(
                        left,
                        best.fields(),
                        Map.of(gapField, (left.eventTime() - best.eventTime()) / 1000.0)));
    }

    private static boolean nearer(StreamEvent candidate, StreamEvent best, long time) {
        long distance = Math.abs(candidate.eventTime() - time);
        long bestDistance = Math.abs(best.eventTime() - time);
        return distance < bestDistance
                || (distance == bestDistance && candidate.eventTime() > best.eventTime());
    }
}
