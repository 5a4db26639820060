package dev.tessera.spec.serve;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import java.time.Duration;

/**
 * When a reader would first have seen an update had every event arrived at its event time: the "as
 * of" of training sets (see the README, "Training data"). At a moment {@code T} the watermark of a
 * stream is then {@code T - out_of_orderness - 1}, so:
 *
 * <ul>
 *   <li>a window ending at {@code E} (tumbling, sliding, session) fires at {@code T = E +
 *       out_of_orderness};
 *   <li>a tile, lifetime or since update, one per event, is seen at the event's time;
 *   <li>on a join's output the watermark is the lesser of both streams' and each event waits for it
 *       to pass its time plus the join's upper bound (0 for an as-of join).
 * </ul>
 */
public final class Visibility {

    private Visibility() {}

    /** The first moment a read would serve {@code update}. */
    public static long visibleFrom(FeatureSpec spec, FeatureUpdate update) {
        FeatureGroup group = spec.group(update.group()).orElseThrow();
        return update.eventTime() + delay(spec, group, closesWindows(group, update));
    }

    /**
     * How long after its event time an update of {@code group} is first seen: by a window's closing
     * ({@code window}) or by one per event.
     */
    public static long delay(FeatureSpec spec, FeatureGroup group, boolean window) {
        Stream stream = group.stream();
        Join join = spec.join(stream.name()).orElse(null);
        long outOfOrderness =
                join == null
                        ? stream.outOfOrderness().toMillis()
                        : Math.max(
                                join.left().outOfOrderness().toMillis(),
                                join.right().outOfOrderness().toMillis());
        if (window) {
            return outOfOrderness;
        }
        if (join == null) {
            return 0;
        }
        Duration upper = join instanceof Join.Interval interval ? interval.upper() : Duration.ZERO;
        return upper.toMillis() + outOfOrderness + 1;
    }

    /** Whether the feature's value is a closed window's (tumbling, sliding, session). */
    public static boolean closesWindows(Feature feature) {
        return feature.window() instanceof Window.Tumbling
                || feature.window() instanceof Window.Sliding
                || feature.window() instanceof Window.Session;
    }

    /** Whether the update is a closed window's, not one per event. */
    private static boolean closesWindows(FeatureGroup group, FeatureUpdate update) {
        if (update.tile() != null) {
            return false;
        }
        String name = update.values().keySet().iterator().next();
        Feature feature =
                group.features().stream()
                        .filter(f -> f.name().equals(name))
                        .findFirst()
                        .orElseThrow();
        return feature.window() instanceof Window.Tumbling
                || feature.window() instanceof Window.Sliding
                || feature.window() instanceof Window.Session;
    }
}
