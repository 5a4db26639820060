package dev.tessera.spec.serve;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import dev.tessera.spec.store.TileMerger;
import java.util.List;

/**
 * What a read at a moment serves from what is stored: the value, its status and its age. The reader
 * answers with it, and a training set computes its rows with it, so both serve the same number with
 * the same status.
 */
public final class Serving {

    private Serving() {}

    /** A windowed feature (any but rolling) from its stored value; MISSING when none. */
    public static Served windowed(Feature feature, StoredValue stored, long now) {
        return stored == null
                ? Served.MISSING
                : served(feature, stored.value(), stored.eventTime(), now);
    }

    /**
     * A rolling feature merged from its group's tiles as of {@code now}; its event time is the
     * newest one any tile holds, MISSING when no tile is stored.
     */
    public static Served rolling(
            Feature feature, FeatureGroup group, List<StoredTile> tiles, long now) {
        if (tiles.isEmpty()) {
            return Served.MISSING;
        }
        long newest = Long.MIN_VALUE;
        for (StoredTile tile : tiles) {
            newest = Math.max(newest, tile.newestEventTime());
        }
        return served(
                feature, TileMerger.valueAsOf(feature, group.tile(), tiles, now), newest, now);
    }

    private static Served served(Feature feature, Object value, long eventTime, long now) {
        long age = now - eventTime;
        FeatureStatus status =
                age > feature.staleAfter().toMillis() ? FeatureStatus.STALE : FeatureStatus.PRESENT;
        return new Served(feature.serve(value, now), status, eventTime, age);
    }
}
