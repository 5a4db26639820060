package dev.tessera.bench;

import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.store.TileMerger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The updates that store a busy entity id of any spec, as the job would emit them: every windowed
 * feature has a value, and every tile of every rolling window up to now holds partials, each folded
 * from a few synthetic events by the spec's own aggregations. The worst case of a read: a rolling
 * feature merges as many tiles as its window has.
 */
final class SyntheticStore {

    private static final int EVENTS_PER_TILE = 3;

    private final FeatureSpec spec;
    private final Random random = new Random(42);

    SyntheticStore(FeatureSpec spec) {
        this.spec = spec;
    }

    /** The updates of every group of {@code entity} for {@code entityId}, as of {@code now}. */
    List<FeatureUpdate> updates(String entity, String entityId, long now) {
        List<FeatureUpdate> updates = new ArrayList<>();
        for (FeatureGroup group : spec.groups()) {
            if (!group.entity().name().equals(entity)) {
                continue;
            }
            if (!group.windowedFeatures().isEmpty()) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Feature feature : group.windowedFeatures()) {
                    values.put(feature.name(), folded(feature, group, now - 60_000).result());
                }
                updates.add(
                        FeatureUpdate.values(
                                entity, entityId, group.name(), now - 60_000, 1, values));
            }
            if (!group.rollingFeatures().isEmpty()) {
                long tile = group.tile().toMillis();
                long last = TileMerger.tileOf(now, group.tile());
                for (long start = last - group.tileRetention().toMillis() + 2 * tile;
                        start <= last;
                        start += tile) {
                    Map<String, byte[]> partials = new HashMap<>();
                    for (Feature feature : group.rollingFeatures()) {
                        partials.put(feature.name(), folded(feature, group, start).encode());
                    }
                    updates.add(
                            FeatureUpdate.tile(
                                    entity,
                                    entityId,
                                    group.name(),
                                    start,
                                    1,
                                    new FeatureUpdate.Tile(start, partials)));
                }
            }
        }
        return updates;
    }

    /** The feature's accumulator after a few events of its group's stream from {@code from}. */
    private Accumulator folded(Feature feature, FeatureGroup group, long from) {
        Accumulator accumulator = feature.aggregation().newAccumulator();
        for (int i = 0; i < EVENTS_PER_TILE; i++) {
            long eventTime = from + i;
            Map<String, Object> fields = event(group, eventTime);
            if (feature.where().test(fields)) {
                accumulator.add(
                        feature.field() == null ? null : fields.get(feature.field()), eventTime);
            }
        }
        return accumulator;
    }

    private Map<String, Object> event(FeatureGroup group, long eventTime) {
        Map<String, Object> fields = new HashMap<>();
        for (Field field : group.stream().fields()) {
            fields.put(
                    field.name(),
                    switch (field.type()) {
                        case STRING -> "value-" + random.nextInt(20);
                        case LONG -> (long) random.nextInt(1_000);
                        case DOUBLE -> Math.round(random.nextDouble() * 20_000) / 100.0;
                        case BOOLEAN -> random.nextBoolean();
                        case TIMESTAMP -> eventTime;
                    });
        }
        return fields;
    }
}
