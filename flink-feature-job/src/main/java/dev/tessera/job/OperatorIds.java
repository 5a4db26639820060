package dev.tessera.job;

import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;

/**
 * The uid and name of every operator of the feature job, derived from names in {@code
 * features.yaml}. The uid is what savepoint state is matched by: renaming a stream, a group or a
 * window starts that operator from empty state, while adding or removing others keeps it.
 */
public final class OperatorIds {

    /** The one sink all feature groups write to. */
    public static final String SINK = "sink-feature-updates";

    private OperatorIds() {}

    /** E.g. {@code source-transactions}. */
    public static String source(Stream stream) {
        return "source-" + stream.name();
    }

    /** E.g. {@code window-user_transactions_5m-tumbling-5m}. */
    public static String window(FeatureGroup group, Window window) {
        return "window-" + group.name() + "-" + windowName(window);
    }

    /** E.g. {@code late-user_transactions_5m-tumbling-5m}. */
    public static String lateEvents(FeatureGroup group, Window window) {
        return "late-" + group.name() + "-" + windowName(window);
    }

    private static String windowName(Window window) {
        if (window instanceof Window.Tumbling tumbling) {
            return "tumbling-" + Durations.format(tumbling.size());
        }
        throw new IllegalArgumentException("unsupported window " + window);
    }
}
