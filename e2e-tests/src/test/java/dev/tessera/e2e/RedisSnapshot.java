package dev.tessera.e2e;

import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.reference.StoreModel;
import dev.tessera.spec.store.FeatureValueCodec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import dev.tessera.store.BlockingRedis;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What Redis holds for a spec's features, found with {@link RedisLayout#keysOf} and read with the
 * reader's own commands and parsers, put in the terms of {@link StoreModel}, so a test can compare
 * the store with the reference: windowed values as {@code value@eventTime@version} strings and
 * tiles as {@link StoreModel.Tile}s, both keyed {@code entityId|group|feature or tile start}.
 */
record RedisSnapshot(Map<String, String> values, Map<String, StoreModel.Tile> tiles) {

    /** Reads every feature hash of the spec's entities whose id passes {@code entityIds}. */
    static RedisSnapshot read(
            String host, int port, FeatureSpec spec, Predicate<String> entityIds) {
        try (BlockingRedis redis = BlockingRedis.connect("redis://" + host + ":" + port)) {
            return read(redis, spec, entityIds);
        }
    }

    /** As {@link #read(String, int, FeatureSpec, Predicate)}, through any client: a cluster's. */
    static RedisSnapshot read(BlockingRedis redis, FeatureSpec spec, Predicate<String> entityIds) {
        Map<String, String> values = new TreeMap<>();
        Map<String, StoreModel.Tile> tiles = new TreeMap<>();
        List<RedisLayout.Read> reads = new ArrayList<>();
        for (Entity entity : spec.entities()) {
            // A group's two hashes make one read; groups the spec no longer has are skipped.
            Set<RedisLayout.Read> ofEntity = new LinkedHashSet<>();
            for (String key : redis.keysOf(entity.name())) {
                RedisLayout.parseKey(key)
                        .filter(found -> entityIds.test(found.entityId()))
                        .ifPresent(
                                found ->
                                        spec.group(found.group())
                                                .ifPresent(
                                                        group -> ofEntity.add(read(found, group))));
            }
            reads.addAll(ofEntity);
        }
        List<RedisLayout.Stored> stored = redis.read(reads);
        for (int r = 0; r < reads.size(); r++) {
            FeatureGroup group = spec.group(reads.get(r).group()).orElseThrow();
            String entityId = reads.get(r).entityId();
            readValues(stored.get(r).values(), entityId, group, values);
            readTiles(stored.get(r).tiles(), entityId, group, tiles);
        }
        return new RedisSnapshot(values, tiles);
    }

    /** All that is stored for a key's entity id and group: both of its hashes. */
    private static RedisLayout.Read read(RedisLayout.Key key, FeatureGroup group) {
        return new RedisLayout.Read(
                key.entity(),
                key.entityId(),
                group.name(),
                group.windowedFeatures(),
                !group.rollingFeatures().isEmpty());
    }

    /** The values and tiles whose keys pass. */
    RedisSnapshot only(Predicate<String> keys) {
        Map<String, String> someValues = new TreeMap<>();
        values.forEach(
                (key, value) -> {
                    if (keys.test(key)) {
                        someValues.put(key, value);
                    }
                });
        Map<String, StoreModel.Tile> someTiles = new TreeMap<>();
        tiles.forEach(
                (key, tile) -> {
                    if (keys.test(key)) {
                        someTiles.put(key, tile);
                    }
                });
        return new RedisSnapshot(someValues, someTiles);
    }

    /** The store the reference computed, restricted to the entity ids that pass. */
    static RedisSnapshot of(StoreModel store, Predicate<String> entityIds) {
        Map<String, String> values = new TreeMap<>();
        store.values()
                .forEach(
                        (key, value) -> {
                            if (entityIds.test(entityOf(key))) {
                                values.put(
                                        key,
                                        stored(
                                                value.value() == null
                                                        ? null
                                                        : FeatureValueCodec.encode(value.value()),
                                                value.eventTime(),
                                                value.version()));
                            }
                        });
        Map<String, StoreModel.Tile> tiles = new TreeMap<>();
        store.tiles()
                .forEach(
                        (key, tile) -> {
                            if (entityIds.test(entityOf(key))) {
                                tiles.put(key, tile);
                            }
                        });
        return new RedisSnapshot(values, tiles);
    }

    private static void readValues(
            List<StoredValue> stored,
            String entityId,
            FeatureGroup group,
            Map<String, String> values) {
        for (int f = 0; f < stored.size(); f++) {
            StoredValue value = stored.get(f);
            if (value != null) {
                values.put(
                        entityId
                                + "|"
                                + group.name()
                                + "|"
                                + group.windowedFeatures().get(f).name(),
                        stored(
                                value.value() == null
                                        ? null
                                        : FeatureValueCodec.encode(value.value()),
                                value.eventTime(),
                                value.version()));
            }
        }
    }

    private static void readTiles(
            List<StoredTile> stored,
            String entityId,
            FeatureGroup group,
            Map<String, StoreModel.Tile> tiles) {
        for (StoredTile tile : stored) {
            Map<String, Object> results = new TreeMap<>();
            tile.partials()
                    .forEach(
                            (name, bytes) ->
                                    results.put(
                                            name,
                                            feature(group, name)
                                                    .aggregation()
                                                    .decode(bytes)
                                                    .result()));
            tiles.put(
                    entityId + "|" + group.name() + "|" + tile.start(),
                    new StoreModel.Tile(tile.version(), tile.newestEventTime(), results));
        }
    }

    private static Feature feature(FeatureGroup group, String name) {
        return group.features().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown feature " + name));
    }

    private static String stored(String value, long eventTime, long version) {
        return value + "@" + eventTime + "@" + version;
    }

    private static String entityOf(String key) {
        return key.substring(0, key.indexOf('|'));
    }
}
