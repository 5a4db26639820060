package dev.tessera.job;

import dev.tessera.spec.agg.Aggregation;
import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.model.Feature;
import java.io.Serializable;

/**
 * What a window operator needs of one feature, in a form that ships to the task managers: {@link
 * Feature} and {@link Aggregation} are not serializable, so the aggregation travels by name.
 *
 * @param field the event field the aggregation reads, or null when it reads none (count)
 */
record WindowedFeature(String name, String aggregation, String field) implements Serializable {

    static WindowedFeature of(Feature feature) {
        return new WindowedFeature(
                feature.name(),
                feature.aggregation().name(),
                feature.aggregation().needsField() ? feature.field() : null);
    }

    Aggregation resolveAggregation() {
        return Aggregations.byName(aggregation)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "unknown aggregation '"
                                                + aggregation
                                                + "' of feature '"
                                                + name
                                                + "'"));
    }
}
