package dev.tessera.job;

import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.agg.Aggregation;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The features one operator computes together, and how an event is folded into them: every feature
 * folds an event its {@code where} accepts ({@code add(value, eventTime)}, the value being the
 * feature's field of the event or null), and the partial counts every event. The aggregations are
 * feature-spec's own accumulators; nothing here aggregates by itself.
 */
final class FeatureSet implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<WindowedFeature> features;

    private transient Aggregation[] aggregations;

    FeatureSet(List<WindowedFeature> features) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("an operator needs at least one feature");
        }
        this.features = List.copyOf(features);
    }

    static FeatureSet of(List<Feature> features) {
        return new FeatureSet(features.stream().map(WindowedFeature::of).toList());
    }

    /** The features of {@code group} that aggregate over {@code window}, in declaration order. */
    static FeatureSet windowed(FeatureGroup group, Window window) {
        return of(
                group.windowedFeatures().stream()
                        .filter(feature -> feature.window().equals(window))
                        .toList());
    }

    List<WindowedFeature> features() {
        return features;
    }

    int size() {
        return features.size();
    }

    /** The index of the feature named {@code name}, or -1. */
    int indexOf(String name) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    Aggregation aggregation(int index) {
        Aggregation[] resolved = aggregations;
        if (resolved == null) {
            resolved = new Aggregation[features.size()];
            for (int i = 0; i < resolved.length; i++) {
                resolved[i] = features.get(i).resolveAggregation();
            }
            aggregations = resolved;
        }
        return resolved[index];
    }

    /** A partial of no events. */
    Partial newPartial() {
        Accumulator[] accumulators = new Accumulator[features.size()];
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i] = aggregation(i).newAccumulator();
        }
        return new Partial(accumulators, this);
    }

    /**
     * Brings a partial to these features when it was made for others: after a restore from a
     * savepoint of a job whose operator had features added, removed or changed. Heap state is read
     * back with the serializer of the savepoint, so its partials keep the old features until they
     * are used here. Accumulators of features kept with the same aggregation carry over, others
     * start empty.
     */
    Partial conform(Partial partial) {
        FeatureSet old = partial.layout;
        if (old == this) {
            // No write: a reference written into a long-lived partial is a card G1 scans at the
            // next young collection, and this runs for every event.
            return partial;
        }
        if (old.equals(this)) {
            partial.layout = this;
            return partial;
        }
        Accumulator[] accumulators = new Accumulator[features.size()];
        for (int i = 0; i < accumulators.length; i++) {
            WindowedFeature feature = features.get(i);
            int j = old.indexOf(feature.name());
            accumulators[i] =
                    j >= 0 && old.features.get(j).aggregation().equals(feature.aggregation())
                            ? partial.accumulators[j]
                            : aggregation(i).newAccumulator();
        }
        partial.accumulators = accumulators;
        partial.layout = this;
        return partial;
    }

    /** Folds one event in. */
    void add(Partial partial, StreamEvent event) {
        conform(partial);
        partial.events++;
        partial.newestEventTime = Math.max(partial.newestEventTime, event.eventTime());
        Map<String, Object> fields = event.fields();
        for (int i = 0; i < features.size(); i++) {
            WindowedFeature feature = features.get(i);
            if (feature.accepts(fields)) {
                partial.accumulators[i].add(feature.valueOf(fields), event.eventTime());
            }
        }
    }

    /** Folds {@code other} into {@code into}; {@code other} is not changed. */
    void merge(Partial into, Partial other) {
        conform(into);
        conform(other);
        into.events += other.events;
        into.newestEventTime = Math.max(into.newestEventTime, other.newestEventTime);
        for (int i = 0; i < features.size(); i++) {
            into.accumulators[i].merge(other.accumulators[i]);
        }
    }

    /** Feature name to value, in declaration order (values may be null). */
    Map<String, Object> values(Partial partial) {
        conform(partial);
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            values.put(features.get(i).name(), partial.accumulators[i].result());
        }
        return values;
    }

    /** Feature name to encoded accumulator, as a tile carries them. */
    Map<String, byte[]> encode(Partial partial) {
        conform(partial);
        Map<String, byte[]> partials = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            partials.put(features.get(i).name(), partial.accumulators[i].encode());
        }
        return partials;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSet other && other.features.equals(features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public String toString() {
        return features.stream().map(WindowedFeature::name).toList().toString();
    }
}
