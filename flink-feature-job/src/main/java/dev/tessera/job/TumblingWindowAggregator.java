package dev.tessera.job;

import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;

/**
 * Event-time tumbling windows of one feature group and one window size, keyed by entity id: folds
 * each event into the group's accumulators for its window {@code [start, start + size)} (aligned to
 * the epoch) and emits a {@code values} update as of the window end when the watermark reaches
 * {@code end - 1}.
 *
 * <p>With the stream's allowed lateness {@code L}, a window's state is kept until the watermark
 * reaches {@code end - 1 + L}: an event arriving in between is folded in and the corrected window
 * emitted at once, its version one higher; an event arriving later goes to {@link
 * LateEvents#OUTPUT}. {@code L = 0} closes and forgets a window at {@code end - 1}. A tumbling
 * window is the sliding window whose slide is its size: one pane per window (see {@link
 * PaneWindowAggregator}).
 */
public final class TumblingWindowAggregator extends PaneWindowAggregator {

    private static final long serialVersionUID = 1L;

    TumblingWindowAggregator(
            String stream,
            String entity,
            String group,
            Duration size,
            Duration lateness,
            FeatureSet features) {
        super(
                stream,
                entity,
                group,
                size.toMillis(),
                size.toMillis(),
                lateness.toMillis(),
                features);
    }

    /** The operator computing the features of {@code group} that aggregate over {@code window}. */
    public static TumblingWindowAggregator of(FeatureGroup group, Window.Tumbling window) {
        return new TumblingWindowAggregator(
                group.stream().name(),
                group.entity().name(),
                group.name(),
                window.size(),
                group.stream().allowedLateness(),
                FeatureSet.windowed(group, window));
    }

    @Override
    String lateReason(StreamEvent event, long start, long watermark) {
        return "window ["
                + start
                + ", "
                + (start + size())
                + ") of feature group '"
                + group()
                + "' closed: watermark is "
                + watermark
                + ", allowed lateness "
                + LateEvents.duration(lateness());
    }
}
