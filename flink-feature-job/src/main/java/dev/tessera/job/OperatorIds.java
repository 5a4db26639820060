package dev.tessera.job;

import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;

/**
 * The uid and name of every operator of the feature job, derived from names in {@code
 * features.yaml}. The uid is what savepoint state is matched by: renaming a stream, a group or a
 * window starts that operator from empty state, while adding or removing others keeps it. Names in
 * the spec are lower case letters, digits and {@code _}, so no two of these forms can collide.
 */
public final class OperatorIds {

    /** The one sink all feature groups write their updates to. */
    public static final String SINK = "sink-feature-updates";

    private OperatorIds() {}

    /** E.g. {@code source-transactions}. */
    public static String source(Stream stream) {
        return "source-" + stream.name();
    }

    /**
     * Parts a stream's events from its dead letters and future events: e.g. {@code
     * route-transactions}.
     */
    public static String route(Stream stream) {
        return "route-" + stream.name();
    }

    /** The sink of a stream's undecodable records, e.g. {@code dead-letters-transactions}. */
    public static String deadLetters(Stream stream) {
        return "dead-letters-" + stream.name();
    }

    /** Drops repeated events of a stream with a dedupe field: e.g. {@code dedupe-transactions}. */
    public static String dedupe(Stream stream) {
        return "dedupe-" + stream.name();
    }

    /**
     * Holds a stream's events back until the watermark passes them, then releases them in
     * event-time order per entity id (training replays only): e.g. {@code order-transactions}.
     */
    public static String eventTimeOrder(Stream stream) {
        return "order-" + stream.name();
    }

    /**
     * The operator of a group's features over one window: e.g. {@code
     * window-user_transactions_5m-tumbling-5m}, {@code
     * window-user_transactions_sliding-sliding-1h-10m}, {@code session-user_click_sessions-30m}.
     * Rolling windows have one operator per group: {@link #tiles}.
     */
    public static String window(FeatureGroup group, Window window) {
        if (window instanceof Window.Lifetime) {
            return lifetime(group);
        }
        if (window instanceof Window.Since since) {
            return since(group, since);
        }
        // Java 17: no pattern matching in switch yet.
        if (window instanceof Window.Tumbling tumbling) {
            return "window-" + group.name() + "-tumbling-" + Durations.format(tumbling.size());
        }
        if (window instanceof Window.Sliding sliding) {
            return "window-"
                    + group.name()
                    + "-sliding-"
                    + Durations.format(sliding.size())
                    + "-"
                    + Durations.format(sliding.slide());
        }
        if (window instanceof Window.Session session) {
            return "session-" + group.name() + "-" + Durations.format(session.gap());
        }
        throw new IllegalArgumentException(
                "rolling windows have one operator per group: " + tiles(group));
    }

    /**
     * Turns the late events of a session operator (Flink's window operator side-outputs the bare
     * event) into {@link LateEvent}s: e.g. {@code session-user_click_sessions-30m-late}.
     */
    public static String sessionLateEvents(FeatureGroup group, Window.Session window) {
        return window(group, window) + "-late";
    }

    /** The tiles of a group's rolling features: e.g. {@code tiles-user_transactions_1h}. */
    public static String tiles(FeatureGroup group) {
        return "tiles-" + group.name();
    }

    /** A join of two streams, e.g. {@code join-viewed_purchases}. */
    public static String join(Join join) {
        return "join-" + join.name();
    }

    /** The lifetime features of a group: e.g. {@code lifetime-user_click_state}. */
    public static String lifetime(FeatureGroup group) {
        return "lifetime-" + group.name();
    }

    /**
     * The features of a group reset by another stream: e.g. {@code
     * since-user_clicks_since_purchase-purchases}.
     */
    public static String since(FeatureGroup group, Window.Since window) {
        return "since-" + group.name() + "-" + window.reset().name();
    }

    /** The sink of a stream's late events, e.g. {@code late-transactions}. */
    public static String lateEvents(Stream stream) {
        return "late-" + stream.name();
    }
}
