package dev.tessera.spec.model;

import java.time.Duration;
import java.util.List;

/**
 * Features of one entity computed from one stream and stored together, under one Redis key per
 * entity id, which expires {@code ttl} after its last write.
 */
public record FeatureGroup(
        String name, Entity entity, Stream stream, Duration ttl, List<Feature> features) {}
