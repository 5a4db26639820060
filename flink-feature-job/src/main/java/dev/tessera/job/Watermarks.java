package dev.tessera.job;

import dev.tessera.spec.model.Stream;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The watermark strategies of a stream's source. Both follow Flink's bounded out-of-orderness: the
 * watermark is the newest event time seen so far minus the stream's {@code out_of_orderness} minus
 * 1 ms.
 */
public final class Watermarks {

    private Watermarks() {}

    /**
     * The production strategy: watermarks emitted periodically (every {@code
     * pipeline.auto-watermark-interval}, 200 ms by default), and a source partition without events
     * for the stream's {@code idleness} stops holding the watermark back.
     */
    public static WatermarkStrategy<StreamEvent> periodic(Stream stream) {
        return WatermarkStrategy.<StreamEvent>forBoundedOutOfOrderness(stream.outOfOrderness())
                .withTimestampAssigner((event, previousTimestamp) -> event.eventTime())
                .withIdleness(stream.idleness());
    }

    /**
     * A watermark after every event that advances it, none periodically and no idleness: with one
     * source subtask, each event is judged against the watermark of the events before it, whatever
     * the timing, so results are deterministic. For tests and the reference comparison.
     */
    public static WatermarkStrategy<StreamEvent> perEvent(Stream stream) {
        long bound = stream.outOfOrderness().toMillis();
        return WatermarkStrategy.<StreamEvent>forGenerator(context -> new PerEvent(bound))
                .withTimestampAssigner((event, previousTimestamp) -> event.eventTime());
    }

    private static final class PerEvent implements WatermarkGenerator<StreamEvent> {

        private final long bound;
        private long newest = Long.MIN_VALUE;

        PerEvent(long bound) {
            this.bound = bound;
        }

        @Override
        public void onEvent(StreamEvent event, long eventTimestamp, WatermarkOutput output) {
            if (eventTimestamp > newest) {
                newest = eventTimestamp;
                output.emitWatermark(new Watermark(newest - bound - 1));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
