package dev.tessera.job;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The gauge {@value #METRIC} of an operator: wall clock minus the operator's current watermark, in
 * milliseconds. It grows when a stream's events stop arriving or arrive ever later, so windows
 * close (and features are updated) late. It is negative while event time is ahead of the wall clock
 * (producers' clocks, or events stamped in the future), and reads 0 until the operator saw its
 * first watermark.
 */
final class EventTimeLag implements Gauge<Long> {

    static final String METRIC = "eventTimeLagMs";

    private volatile long watermark = Long.MIN_VALUE;

    /** Registers the gauge under {@code metrics}, in the group of {@code stream}. */
    static EventTimeLag register(MetricGroup metrics, String stream) {
        return metrics.addGroup("stream", stream).gauge(METRIC, new EventTimeLag());
    }

    /** Notes the operator's current watermark. */
    void observe(long currentWatermark) {
        watermark = currentWatermark;
    }

    @Override
    public Long getValue() {
        long seen = watermark;
        return seen == Long.MIN_VALUE ? 0L : System.currentTimeMillis() - seen;
    }
}
