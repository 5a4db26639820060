package dev.tessera.writer;

import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import dev.tessera.store.RedisStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Redis holds for an entity id's feature group, read through {@link RedisLayout} as the reader
 * reads it.
 *
 * @param values the windowed features stored, by name
 * @param tiles the tiles stored, when the group has rolling features
 */
record StoredFeatures(Map<String, StoredValue> values, List<StoredTile> tiles) {

    static StoredFeatures read(RedisStore redis, FeatureSpec spec, String user, String groupName) {
        FeatureGroup group = spec.group(groupName).orElseThrow();
        RedisLayout.Read read =
                new RedisLayout.Read(
                        "user",
                        user,
                        groupName,
                        group.windowedFeatures(),
                        !group.rollingFeatures().isEmpty());
        RedisLayout.Stored stored =
                redis.read(List.of(read)).toCompletionStage().toCompletableFuture().join().get(0);
        Map<String, StoredValue> values = new LinkedHashMap<>();
        for (int f = 0; f < read.windowed().size(); f++) {
            if (stored.values().get(f) != null) {
                values.put(read.windowed().get(f).name(), stored.values().get(f));
            }
        }
        return new StoredFeatures(values, stored.tiles());
    }

    /** The stored value of a feature, null when none is. */
    Object value(String feature) {
        StoredValue stored = values.get(feature);
        return stored == null ? null : stored.value();
    }
}
