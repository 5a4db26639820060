package dev.tessera.job;

import dev.tessera.spec.model.Stream;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Releases each entity id's events in event-time order, each once the watermark passes its time:
 * downstream, every event arrives as if at its event time, so a per-event feature (tiles, lifetime,
 * since) after an event holds exactly the events up to it. Production reads events as they come;
 * training replays ({@link FeatureJob.Settings#eventTimeOrder()}) need the ideal order a training
 * set's "as of" is defined by. Events of equal time keep their order of arrival; an event already
 * behind the watermark leaves at the next one, and windows then judge it late as they would have.
 *
 * <p>An interval join emits an event once the watermark passes its time plus the join's upper
 * bound, and its subtasks do so at their own pace: an event of one may come after another's later
 * event was released. So a join's output waits that much longer ({@code delay}), until no event
 * before it can still come.
 */
final class EventTimeOrder extends KeyedProcessFunction<String, StreamEvent, StreamEvent> {

    private final long delay;

    private transient MapState<Long, List<StreamEvent>> pending;

    private EventTimeOrder(long delay) {
        this.delay = delay;
    }

    /**
     * @param delay how long after its time an event of {@code events} may arrive, at most
     */
    static DataStream<StreamEvent> apply(
            DataStream<StreamEvent> events, Stream stream, Duration delay) {
        String id = OperatorIds.eventTimeOrder(stream);
        return WindowOperators.byEntity(events)
                .process(
                        new EventTimeOrder(delay.toMillis()), TypeInformation.of(StreamEvent.class))
                .uid(id)
                .name(id);
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending",
                                        Types.LONG,
                                        Types.LIST(TypeInformation.of(StreamEvent.class))));
    }

    @Override
    public void processElement(StreamEvent event, Context ctx, Collector<StreamEvent> out)
            throws Exception {
        Pending.hold(pending, event.eventTime() + delay, event, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StreamEvent> out)
            throws Exception {
        Pending.release(pending, timestamp).forEach(out::collect);
    }
}
