package dev.tessera.spec.store;

import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.model.Feature;
import java.time.Duration;
import java.util.List;

/**
 * The value of a rolling feature as of a moment: the merge of the tiles that cover the window
 * ending then. Used by the reader on stored tiles and by the reference implementation, so both mean
 * the same thing by "the last hour".
 *
 * <p>A read at time {@code T} merges the tiles starting in {@code [tileOf(T) - size + tile,
 * tileOf(T)]}: the current tile and the ones before it, {@code size / tile} in all. It therefore
 * covers between {@code size - tile} and {@code size} of event time before {@code T} (plus events
 * of the current tile stamped after {@code T}): exact to one tile.
 */
public final class TileMerger {

    private TileMerger() {}

    /** The start of the tile holding {@code time}. */
    public static long tileOf(long time, Duration tile) {
        return Math.floorDiv(time, tile.toMillis()) * tile.toMillis();
    }

    /** Whether a read as of {@code asOf} merges the tile starting at {@code tileStart}. */
    public static boolean covers(Feature feature, Duration tile, long tileStart, long asOf) {
        long last = tileOf(asOf, tile);
        long first = last - feature.window().size().toMillis() + tile.toMillis();
        return tileStart >= first && tileStart <= last;
    }

    /** The feature's value as of {@code asOf} from the stored tiles of its group. */
    public static Object valueAsOf(
            Feature feature, Duration tile, List<StoredTile> tiles, long asOf) {
        Accumulator merged = feature.aggregation().newAccumulator();
        for (StoredTile stored : tiles) {
            byte[] partial = stored.partials().get(feature.name());
            if (partial != null && covers(feature, tile, stored.start(), asOf)) {
                merged.merge(feature.aggregation().decode(partial));
            }
        }
        return merged.result();
    }
}
