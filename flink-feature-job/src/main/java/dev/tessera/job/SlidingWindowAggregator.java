package dev.tessera.job;

import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;

/**
 * Event-time sliding (hopping) windows of one feature group and one {@code sliding(size, slide)}
 * window, keyed by entity id: a window of {@code size} ends at every multiple of {@code slide}
 * (aligned to the epoch), and an event at {@code t} counts in the {@code size / slide} windows
 * ending in {@code (t, t + size]}.
 *
 * <p>Computed from panes of {@code slide}: each event is folded once, into its pane, and a window
 * is the merge of its {@code size / slide} panes when it fires (the watermark reaching {@code end -
 * 1}; only windows holding an event are emitted, as {@code values} updates with {@code event_time =
 * end}). Allowed lateness applies per window as for tumbling windows (see {@link
 * PaneWindowAggregator}): an event is folded into all its windows not yet gone and every one of
 * them that had already fired is emitted again at once; an event all of whose windows are gone goes
 * to {@link LateEvents#OUTPUT}.
 */
public final class SlidingWindowAggregator extends PaneWindowAggregator {

    private static final long serialVersionUID = 1L;

    private final String window;

    SlidingWindowAggregator(
            String stream,
            String entity,
            String group,
            Duration size,
            Duration slide,
            Duration lateness,
            FeatureSet features) {
        super(
                stream,
                entity,
                group,
                size.toMillis(),
                slide.toMillis(),
                lateness.toMillis(),
                features);
        this.window = new Window.Sliding(size, slide).toString();
    }

    /** The operator computing the features of {@code group} that aggregate over {@code window}. */
    public static SlidingWindowAggregator of(FeatureGroup group, Window.Sliding window) {
        return new SlidingWindowAggregator(
                group.stream().name(),
                group.entity().name(),
                group.name(),
                window.size(),
                window.slide(),
                group.stream().allowedLateness(),
                FeatureSet.windowed(group, window));
    }

    @Override
    String lateReason(StreamEvent event, long pane, long watermark) {
        return "every "
                + window
                + " window of feature group '"
                + group()
                + "' holding the event (ending "
                + (pane + slide())
                + " to "
                + (pane + size())
                + ") closed: watermark is "
                + watermark
                + ", allowed lateness "
                + LateEvents.duration(lateness());
    }
}
