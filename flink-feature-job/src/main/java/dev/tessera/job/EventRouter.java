package dev.tessera.job;

import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.Stream;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The first operator of a stream: passes its events on, and parts from them what must count nowhere
 * but be kept, each to a side output and a counter: records its source could not decode ({@link
 * #DEAD_LETTERS}, to the topic's dead-letter topic) and events stamped more than the stream's
 * {@code max_future} ahead of the job's clock ({@link LateEvents#OUTPUT} with cause {@link
 * LateEvent.Cause#FUTURE}, to its late topic). Such events never moved the watermark ({@link
 * FutureBoundedWatermarks}).
 */
final class EventRouter extends ProcessFunction<TopicRecord, StreamEvent> {

    private static final long serialVersionUID = 1L;

    /** Where undecodable records go. */
    static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Metric name of the count of events stamped too far ahead, per subtask. */
    static final String FUTURE_EVENTS_METRIC = "futureEventsDropped";

    private final String stream;
    private final long maxFutureMillis;

    private transient Counter futureEvents;

    EventRouter(Stream stream) {
        this.stream = stream.name();
        this.maxFutureMillis = stream.maxFuture().toMillis();
    }

    @Override
    public void open(OpenContext context) {
        futureEvents = getRuntimeContext().getMetricGroup().counter(FUTURE_EVENTS_METRIC);
    }

    @Override
    public void processElement(TopicRecord record, Context ctx, Collector<StreamEvent> out) {
        if (record instanceof DeadLetter letter) {
            ctx.output(DEAD_LETTERS, letter);
            return;
        }
        StreamEvent event = (StreamEvent) record;
        long ahead = event.eventTime() - ctx.timerService().currentProcessingTime();
        if (ahead > maxFutureMillis) {
            futureEvents.inc();
            ctx.output(
                    LateEvents.OUTPUT,
                    new LateEvent(
                            stream,
                            null,
                            LateEvent.Cause.FUTURE,
                            "stamped "
                                    + ahead / 1000
                                    + " s ahead of the job's clock, more than max_future "
                                    + Durations.format(Duration.ofMillis(maxFutureMillis)),
                            event));
            return;
        }
        out.collect(event);
    }
}
