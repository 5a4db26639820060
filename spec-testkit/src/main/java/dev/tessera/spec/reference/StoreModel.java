package dev.tessera.spec.reference;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.TileMerger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What Redis holds after a sequence of {@link FeatureUpdate}s, by the writer's rules ({@code
 * RedisLayout}'s scripts): per windowed feature the value with the largest (event time, version),
 * per tile the state with the largest version. TTLs and tile pruning are left out: they drop only
 * what no read can reach. Lets tests compare what the job emits with what the reference computes.
 */
public final class StoreModel {

    /** A windowed feature's stored value. */
    public record Value(Object value, long eventTime, long version) {}

    /** A stored tile, with its partials decoded to their results so equal states compare equal. */
    public record Tile(long version, long newestEventTime, Map<String, Object> results) {}

    private final FeatureSpec spec;
    private final Map<String, Value> values = new TreeMap<>();
    private final Map<String, Tile> tiles = new TreeMap<>();
    private final Map<String, StoredTile> storedTiles = new TreeMap<>();

    public StoreModel(FeatureSpec spec) {
        this.spec = spec;
    }

    public void apply(FeatureUpdate update) {
        if (update.tile() != null) {
            applyTile(update);
            return;
        }
        update.values()
                .forEach(
                        (feature, value) -> {
                            String key = key(update.entityId(), update.group(), feature);
                            Value stored = values.get(key);
                            if (stored == null
                                    || stored.eventTime() < update.eventTime()
                                    || (stored.eventTime() == update.eventTime()
                                            && stored.version() < update.version())) {
                                values.put(
                                        key,
                                        new Value(value, update.eventTime(), update.version()));
                            }
                        });
    }

    private void applyTile(FeatureUpdate update) {
        String key = key(update.entityId(), update.group(), Long.toString(update.tile().start()));
        Tile stored = tiles.get(key);
        if (stored != null && stored.version() >= update.version()) {
            return;
        }
        FeatureGroup group = spec.group(update.group()).orElseThrow();
        Map<String, Object> results = new TreeMap<>();
        update.tile()
                .partials()
                .forEach(
                        (name, bytes) -> {
                            Feature feature = feature(group, name);
                            results.put(name, feature.aggregation().decode(bytes).result());
                        });
        tiles.put(key, new Tile(update.version(), update.eventTime(), results));
        storedTiles.put(
                key,
                new StoredTile(
                        update.tile().start(),
                        update.eventTime(),
                        update.version(),
                        new LinkedHashMap<>(update.tile().partials())));
    }

    /** A windowed feature's stored value, or null. */
    public Value value(String entityId, String feature) {
        Feature f = spec.feature(feature).orElseThrow();
        return values.get(key(entityId, f.group(), feature));
    }

    /** A rolling feature's value as a read at {@code asOf} would serve it. */
    public Object rollingValue(String entityId, String feature, long asOf) {
        Feature f = spec.feature(feature).orElseThrow();
        FeatureGroup group = spec.group(f.group()).orElseThrow();
        String prefix = key(entityId, f.group(), "");
        List<StoredTile> ofEntity = new ArrayList<>();
        storedTiles.forEach(
                (key, tile) -> {
                    if (key.startsWith(prefix)) {
                        ofEntity.add(tile);
                    }
                });
        return TileMerger.valueAsOf(f, group.tile(), ofEntity, asOf);
    }

    public Map<String, Value> values() {
        return values;
    }

    public Map<String, Tile> tiles() {
        return tiles;
    }

    private static Feature feature(FeatureGroup group, String name) {
        return group.features().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown feature " + name));
    }

    private static String key(String entityId, String group, String field) {
        return entityId + "|" + group + "|" + field;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreModel other
                && values.equals(other.values)
                && tiles.equals(other.tiles);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, tiles);
    }

    @Override
    public String toString() {
        return "values " + values + "\ntiles " + tiles;
    }
}
