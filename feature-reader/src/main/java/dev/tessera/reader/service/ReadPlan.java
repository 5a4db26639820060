package dev.tessera.reader.service;

import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to serve one request shape, an entity and the features asked for: the features in answer
 * order, and per group what to read and where each feature's value goes in the answer. Built once
 * per shape and kept: resolving the names compared whole feature definitions, a fifth of the CPU of
 * a small request.
 *
 * @param features the features, in the order of the answer
 * @param groups one read per feature group, in the order of {@link RedisLayout#readsOf}
 */
record ReadPlan(Entity entity, List<Feature> features, List<GroupRead> groups) {

    /**
     * One group's part of a request.
     *
     * @param read the read of the group, for any entity id
     * @param windowedAt where each of the read's windowed features goes in the answer
     * @param rolling the group's rolling features asked for (their tiles are read)
     * @param rollingAt where each of those goes in the answer
     */
    record GroupRead(
            RedisLayout.Read read,
            FeatureGroup group,
            int[] windowedAt,
            List<Feature> rolling,
            int[] rollingAt) {}

    static ReadPlan of(FeatureSpec spec, Entity entity, List<Feature> features) {
        Map<Feature, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            position.put(features.get(i), i);
        }
        List<GroupRead> groups = new ArrayList<>();
        for (RedisLayout.Read read : RedisLayout.readsOf(entity.name(), "", features)) {
            List<Feature> rolling =
                    features.stream()
                            .filter(f -> f.isRolling() && f.group().equals(read.group()))
                            .toList();
            groups.add(
                    new GroupRead(
                            read,
                            spec.group(read.group()).orElseThrow(),
                            read.windowed().stream().mapToInt(position::get).toArray(),
                            rolling,
                            rolling.stream().mapToInt(position::get).toArray()));
        }
        return new ReadPlan(entity, List.copyOf(features), List.copyOf(groups));
    }

    /** The reads of every group for one entity id, to send in one round trip. */
    List<RedisLayout.Read> reads(String entityId) {
        List<RedisLayout.Read> reads = new ArrayList<>(groups.size());
        for (GroupRead group : groups) {
            RedisLayout.Read read = group.read();
            reads.add(
                    new RedisLayout.Read(
                            read.entity(), entityId, read.group(), read.windowed(), read.tiles()));
        }
        return reads;
    }
}
