package dev.tessera.job;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * A stream's watermark strategy applied to what its source yields: only events count, and only
 * those stamped at most {@code max_future} ahead of the wall clock. One event stamped years ahead
 * would otherwise move the watermark years on, and every later event of the stream would be late,
 * after every restart too, as the source reads it again. {@link EventRouter} sends such events to
 * the late topic; it reads the clock later, so it never passes an event ignored here.
 */
final class FutureBoundedWatermarks implements WatermarkStrategy<TopicRecord> {

    private static final long serialVersionUID = 1L;

    private final WatermarkStrategy<StreamEvent> events;
    private final long maxFutureMillis;

    FutureBoundedWatermarks(WatermarkStrategy<StreamEvent> events, Duration maxFuture) {
        this.events = events;
        this.maxFutureMillis = maxFuture.toMillis();
    }

    @Override
    public TimestampAssigner<TopicRecord> createTimestampAssigner(
            TimestampAssignerSupplier.Context context) {
        TimestampAssigner<StreamEvent> eventTime = events.createTimestampAssigner(context);
        return (record, recordTimestamp) ->
                record instanceof StreamEvent event
                        ? eventTime.extractTimestamp(event, recordTimestamp)
                        : recordTimestamp;
    }

    @Override
    public WatermarkGenerator<TopicRecord> createWatermarkGenerator(
            WatermarkGeneratorSupplier.Context context) {
        WatermarkGenerator<StreamEvent> generator = events.createWatermarkGenerator(context);
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(TopicRecord record, long timestamp, WatermarkOutput output) {
                if (record instanceof StreamEvent event
                        && event.eventTime() <= System.currentTimeMillis() + maxFutureMillis) {
                    generator.onEvent(event, timestamp, output);
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                generator.onPeriodicEmit(output);
            }
        };
    }
}
