package dev.tessera.spec.store;

import java.util.Map;

/**
 * One stored tile of a group's rolling features.
 *
 * @param start the tile's start, epoch millis
 * @param newestEventTime the newest event time folded into it
 * @param version the version it was written with
 * @param partials rolling feature name to its encoded accumulator
 */
public record StoredTile(
        long start, long newestEventTime, long version, Map<String, byte[]> partials) {}
