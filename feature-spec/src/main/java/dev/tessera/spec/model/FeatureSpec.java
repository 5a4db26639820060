package dev.tessera.spec.model;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything {@code features.yaml} declares, validated, in declaration order. Immutable. */
public final class FeatureSpec {

    /** The Kafka topic feature updates go to unless the spec names another. */
    public static final String DEFAULT_FEATURE_TOPIC = "feature-updates";

    private final Map<String, Entity> entities;
    private final Map<String, Stream> streams;
    private final Map<String, Join> joins;
    private final Map<String, FeatureGroup> groups;
    private final Map<String, Feature> features = new LinkedHashMap<>();
    private final String featureTopic;

    public FeatureSpec(
            Map<String, Entity> entities,
            Map<String, Stream> streams,
            Map<String, Join> joins,
            Map<String, FeatureGroup> groups,
            String featureTopic) {
        this.entities = new LinkedHashMap<>(entities);
        this.streams = new LinkedHashMap<>(streams);
        this.joins = new LinkedHashMap<>(joins);
        this.groups = new LinkedHashMap<>(groups);
        this.featureTopic = featureTopic;
        groups.values().forEach(g -> g.features().forEach(f -> features.put(f.name(), f)));
    }

    /**
     * This spec with only the named feature groups (and everything else it declares): what a job
     * computing just those features needs.
     */
    public FeatureSpec withGroups(Collection<String> names) {
        Map<String, FeatureGroup> kept = new LinkedHashMap<>();
        groups.forEach(
                (name, group) -> {
                    if (names.contains(name)) {
                        kept.put(name, group);
                    }
                });
        return new FeatureSpec(entities, streams, joins, kept, featureTopic);
    }

    public Collection<Entity> entities() {
        return entities.values();
    }

    public Optional<Entity> entity(String name) {
        return Optional.ofNullable(entities.get(name));
    }

    public Collection<Stream> streams() {
        return streams.values();
    }

    public Optional<Stream> stream(String name) {
        return Optional.ofNullable(streams.get(name));
    }

    /** The joins, whose output streams feature groups may read as they read declared streams. */
    public Collection<Join> joins() {
        return joins.values();
    }

    public Optional<Join> join(String name) {
        return Optional.ofNullable(joins.get(name));
    }

    /**
     * The declared stream an event of {@code stream} (declared, or the output of a join) comes
     * from: a join's events are its left stream's.
     */
    public Stream origin(Stream stream) {
        Join join = joins.get(stream.name());
        return join == null ? stream : join.left();
    }

    public Collection<FeatureGroup> groups() {
        return groups.values();
    }

    public Optional<FeatureGroup> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    public List<FeatureGroup> groupsOf(Stream stream) {
        return groups.values().stream().filter(g -> g.stream().equals(stream)).toList();
    }

    public Optional<Feature> feature(String name) {
        return Optional.ofNullable(features.get(name));
    }

    /** All features of an entity, in declaration order. */
    public List<Feature> featuresOf(Entity entity) {
        return features.values().stream()
                .filter(f -> groups.get(f.group()).entity().equals(entity))
                .toList();
    }

    public String featureTopic() {
        return featureTopic;
    }
}
