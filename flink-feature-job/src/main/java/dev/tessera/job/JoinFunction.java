package dev.tessera.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;

/**
 * What the join operators share: keyed by the join key, left events on input 1 and right events on
 * input 2, joined events out; events at or behind the watermark on arrival are late for the join.
 */
abstract class JoinFunction
        extends KeyedCoProcessFunction<String, StreamEvent, StreamEvent, StreamEvent> {

    private static final long serialVersionUID = 1L;

    final JoinShape shape;

    private transient Counter dropped;

    JoinFunction(JoinShape shape) {
        this.shape = shape;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        dropped = getRuntimeContext().getMetricGroup().counter(LateEvents.DROPPED_METRIC);
    }

    /** Events by event time, in arrival order at each time. */
    MapState<Long, List<StreamEvent>> eventsByTime(String name) {
        return getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>(
                                name,
                                Types.LONG,
                                Types.LIST(TypeInformation.of(StreamEvent.class))));
    }

    static void append(MapState<Long, List<StreamEvent>> buffer, StreamEvent event)
            throws Exception {
        List<StreamEvent> atTime = buffer.get(event.eventTime());
        List<StreamEvent> events = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
        events.add(event);
        buffer.put(event.eventTime(), events);
    }

    /**
     * Whether an event is at or behind the watermark, so the join cannot take it; it goes to {@link
     * LateEvents#OUTPUT} as an event of {@code stream}.
     */
    boolean isLate(StreamEvent event, boolean left, Context ctx) {
        long watermark = ctx.timerService().currentWatermark();
        if (event.eventTime() > watermark) {
            return false;
        }
        dropped.inc();
        ctx.output(
                LateEvents.OUTPUT,
                new LateEvent(
                        left ? shape.leftStream : shape.rightStream,
                        shape.name,
                        "join '"
                                + shape.name
                                + "' is past the event's time: watermark is "
                                + watermark,
                        event));
        return true;
    }
}
