package dev.tessera.spec.serve;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Redis holds for one entity id over time, updated by the writer's rules (those of {@code
 * RedisLayout}'s scripts: newest by event time then version, a tile by version, tiles pruned past
 * the group's retention, each hash expiring its group's ttl after its last write), and read at a
 * moment as the reader reads. Applied in time order, it answers what a read at any moment would
 * have served: a training set's rows.
 */
public final class PointInTimeStore {

    /** One Redis hash: written when, and what it holds. */
    private static final class Hash<K, V> {
        long lastWrite = Long.MIN_VALUE;
        final TreeMap<K, V> fields = new TreeMap<>();

        /** Drops what Redis would have expired by {@code at}. */
        void expire(FeatureGroup group, long at) {
            if (lastWrite != Long.MIN_VALUE && at - lastWrite >= group.ttl().toMillis()) {
                fields.clear();
                lastWrite = Long.MIN_VALUE;
            }
        }
    }

    private final Map<String, Hash<String, StoredValue>> valuesByGroup = new HashMap<>();
    private final Map<String, Hash<Long, StoredTile>> tilesByGroup = new HashMap<>();

    /** Applies an update written at {@code at}, as the write scripts do. */
    public void apply(FeatureUpdate update, FeatureGroup group, long at) {
        if (update.tile() != null) {
            applyTile(update, group, at);
            return;
        }
        Hash<String, StoredValue> hash =
                valuesByGroup.computeIfAbsent(update.group(), g -> new Hash<>());
        hash.expire(group, at);
        boolean written = false;
        for (Map.Entry<String, Object> value : update.values().entrySet()) {
            StoredValue stored = hash.fields.get(value.getKey());
            if (stored == null
                    || stored.eventTime() < update.eventTime()
                    || (stored.eventTime() == update.eventTime()
                            && stored.version() < update.version())) {
                hash.fields.put(
                        value.getKey(),
                        new StoredValue(value.getValue(), update.eventTime(), update.version()));
                written = true;
            }
        }
        if (written) {
            hash.lastWrite = at;
        }
    }

    private void applyTile(FeatureUpdate update, FeatureGroup group, long at) {
        Hash<Long, StoredTile> hash =
                tilesByGroup.computeIfAbsent(update.group(), g -> new Hash<>());
        hash.expire(group, at);
        long start = update.tile().start();
        StoredTile stored = hash.fields.get(start);
        if (stored != null && stored.version() >= update.version()) {
            return;
        }
        boolean newest = hash.fields.isEmpty() || start > hash.fields.lastKey();
        hash.fields.put(
                start,
                new StoredTile(
                        start, update.eventTime(), update.version(), update.tile().partials()));
        if (newest) {
            hash.fields.headMap(start - group.tileRetention().toMillis(), true).clear();
        }
        hash.lastWrite = at;
    }

    /** What a read of {@code feature} at {@code at} serves. */
    public Served read(Feature feature, FeatureGroup group, long at) {
        if (feature.isRolling()) {
            Hash<Long, StoredTile> hash = tilesByGroup.get(group.name());
            if (hash == null) {
                return Served.MISSING;
            }
            hash.expire(group, at);
            return Serving.rolling(feature, group, new ArrayList<>(hash.fields.values()), at);
        }
        Hash<String, StoredValue> hash = valuesByGroup.get(group.name());
        if (hash == null) {
            return Served.MISSING;
        }
        hash.expire(group, at);
        return Serving.windowed(feature, hash.fields.get(feature.name()), at);
    }

    /** Reads of several features at {@code at}, in order. */
    public List<Served> read(List<Feature> features, Map<String, FeatureGroup> groups, long at) {
        List<Served> served = new ArrayList<>(features.size());
        for (Feature feature : features) {
            served.add(read(feature, groups.get(feature.group()), at));
        }
        return served;
    }
}
