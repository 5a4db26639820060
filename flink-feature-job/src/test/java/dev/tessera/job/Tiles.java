package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Tile updates in a form tests compare: partials decoded to their results. */
final class Tiles {

    private Tiles() {}

    /**
     * @param results rolling feature name to the result of its decoded partial, sorted by name
     */
    record View(
            String entityId,
            String group,
            long start,
            long eventTime,
            long version,
            Map<String, Object> results) {}

    static View view(FeatureGroup group, FeatureUpdate update) {
        Map<String, Object> results = new TreeMap<>();
        update.tile()
                .partials()
                .forEach(
                        (name, bytes) -> {
                            Feature feature =
                                    group.rollingFeatures().stream()
                                            .filter(f -> f.name().equals(name))
                                            .findFirst()
                                            .orElseThrow();
                            results.put(name, feature.aggregation().decode(bytes).result());
                        });
        return new View(
                update.entityId(),
                update.group(),
                update.tile().start(),
                update.eventTime(),
                update.version(),
                results);
    }

    static List<View> of(FeatureGroup group, List<FeatureUpdate> updates) {
        return updates.stream().map(update -> view(group, update)).toList();
    }
}
