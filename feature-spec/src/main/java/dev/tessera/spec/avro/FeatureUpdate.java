package dev.tessera.spec.avro;

import java.util.Map;

/**
 * New values of some windowed features of one entity id, or a new state of one tile of its rolling
 * features; the Java side of {@code feature_update.avsc}.
 *
 * @param eventTime epoch millis: the end of the window of {@code values}, or the newest event time
 *     folded into {@code tile}
 * @param version the number of events folded into the window or tile: of two updates with the same
 *     event time (window) or tile, the one with the larger version is newer
 * @param values windowed feature name to value ({@link Long}, {@link Double}, {@link String},
 *     {@link Boolean}, a {@link java.util.List} of those, or null); empty for a tile update
 * @param tile the tile of rolling features, or null
 */
public record FeatureUpdate(
        String entity,
        String entityId,
        String group,
        long eventTime,
        long version,
        Map<String, Object> values,
        Tile tile) {

    /** Windowed values. */
    public static FeatureUpdate values(
            String entity,
            String entityId,
            String group,
            long windowEnd,
            long version,
            Map<String, Object> values) {
        return new FeatureUpdate(entity, entityId, group, windowEnd, version, values, null);
    }

    /** One tile's partials. */
    public static FeatureUpdate tile(
            String entity,
            String entityId,
            String group,
            long newestEventTime,
            long version,
            Tile tile) {
        return new FeatureUpdate(entity, entityId, group, newestEventTime, version, Map.of(), tile);
    }

    /**
     * Partial aggregates of a group's rolling features over one tile of event time.
     *
     * @param partials rolling feature name to its encoded accumulator
     */
    public record Tile(long start, Map<String, byte[]> partials) {}
}
