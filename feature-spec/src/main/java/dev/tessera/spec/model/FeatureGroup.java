package dev.tessera.spec.model;

import java.time.Duration;
import java.util.List;

/**
 * Features of one entity computed from one stream and stored together, under one Redis key per
 * entity id (and one more for the tiles of its rolling features), expiring {@code ttl} after the
 * last write.
 *
 * @param tile the tile size of the group's rolling features: every rolling window of the group is a
 *     multiple of it; {@code null} when the group has no rolling feature
 */
public record FeatureGroup(
        String name,
        Entity entity,
        Stream stream,
        Duration ttl,
        Duration tile,
        List<Feature> features) {

    public List<Feature> rollingFeatures() {
        return features.stream().filter(Feature::isRolling).toList();
    }

    /** Features served as the value of their last closed window (tumbling, sliding, session). */
    public List<Feature> windowedFeatures() {
        return features.stream().filter(f -> !f.isRolling()).toList();
    }

    /** How long a tile must be kept: the largest rolling window of the group, plus one tile. */
    public Duration tileRetention() {
        return rollingFeatures().stream()
                .map(f -> f.window().size())
                .max(Duration::compareTo)
                .map(max -> max.plus(tile))
                .orElse(Duration.ZERO);
    }
}
