package dev.tessera.reader.service;

import dev.tessera.reader.config.ReaderConfig;
import dev.tessera.reader.messaging.FeatureLogger;
import dev.tessera.reader.store.FeatureStore;
import dev.tessera.reader.store.StoreUnavailableException;
import dev.tessera.spec.avro.FeatureLogEntry;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.serve.Serving;
import dev.tessera.spec.store.FeatureValueCodec;
import dev.tessera.spec.store.RedisLayout;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves features of entity ids: resolves the names against {@code features.yaml}, reads every (id,
 * group) hash in one Redis round trip, and tells each value's status and age. The answers of a
 * sampled request go to the feature log as they were served.
 */
@ApplicationScoped
public class FeatureReadService {

    private final FeatureSpec spec;
    private final FeatureStore store;
    private final Clock clock;
    private final ReadMetrics metrics;
    private final FeatureLogger featureLog;
    private final int maxIds;

    public FeatureReadService(
            FeatureSpec spec,
            FeatureStore store,
            Clock clock,
            ReadMetrics metrics,
            FeatureLogger featureLog,
            ReaderConfig config) {
        this.spec = spec;
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.featureLog = featureLog;
        this.maxIds = config.reader().maxIdsPerRequest();
    }

    /**
     * The named features (all of the entity's when {@code names} is empty) of each id, in the order
     * of {@code ids}.
     */
    public Uni<List<EntityFeatures>> read(String entityName, List<String> ids, List<String> names) {
        Entity entity =
                spec.entity(entityName)
                        .orElseThrow(
                                () ->
                                        new UnknownEntityException(
                                                entityName,
                                                spec.entities().stream()
                                                        .map(Entity::name)
                                                        .sorted()
                                                        .toList()));
        if (ids.isEmpty() || ids.size() > maxIds) {
            throw new BadFeatureRequestException(
                    "ask for 1 to " + maxIds + " entity ids, not " + ids.size());
        }
        if (ids.stream().anyMatch(id -> id == null || id.isEmpty())) {
            throw new BadFeatureRequestException("entity ids must not be empty");
        }
        List<Feature> features = resolve(entity, names);
        Map<String, List<Feature>> byGroup = new LinkedHashMap<>();
        features.forEach(f -> byGroup.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f));

        List<RedisLayout.Read> reads = new ArrayList<>(ids.size() * byGroup.size());
        for (String id : ids) {
            byGroup.forEach(
                    (group, fs) ->
                            reads.add(
                                    new RedisLayout.Read(
                                            entity.name(),
                                            id,
                                            group,
                                            fs.stream().filter(f -> !f.isRolling()).toList(),
                                            fs.stream().anyMatch(Feature::isRolling))));
        }
        return store.read(reads)
                .onFailure(StoreUnavailableException.class)
                .invoke(metrics::redisError)
                .map(stored -> answer(entity, ids, features, reads, stored));
    }

    private List<EntityFeatures> answer(
            Entity entity,
            List<String> ids,
            List<Feature> features,
            List<RedisLayout.Read> reads,
            List<RedisLayout.Stored> stored) {
        long now = clock.millis();
        Set<Feature> requested = Set.copyOf(features);
        int groupsPerId = reads.size() / ids.size();
        List<EntityFeatures> answers = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<Feature, FeatureValue> found = new HashMap<>();
            for (int g = 0; g < groupsPerId; g++) {
                int r = i * groupsPerId + g;
                RedisLayout.Read read = reads.get(r);
                RedisLayout.Stored values = stored.get(r);
                for (int f = 0; f < read.windowed().size(); f++) {
                    Feature feature = read.windowed().get(f);
                    found.put(
                            feature,
                            FeatureValue.of(
                                    Serving.windowed(feature, values.values().get(f), now)));
                }
                if (read.tiles()) {
                    FeatureGroup group = spec.group(read.group()).orElseThrow();
                    // Only the requested ones: each merge decodes the tiles' partials again.
                    for (Feature feature : group.rollingFeatures()) {
                        if (requested.contains(feature)) {
                            found.put(
                                    feature,
                                    FeatureValue.of(
                                            Serving.rolling(feature, group, values.tiles(), now)));
                        }
                    }
                }
            }
            Map<String, FeatureValue> ordered = new LinkedHashMap<>();
            for (Feature feature : features) {
                FeatureValue value = found.get(feature);
                metrics.served(feature.name(), value.status());
                ordered.put(feature.name(), value);
            }
            answers.add(new EntityFeatures(entity.name(), ids.get(i), ordered));
        }
        if (featureLog.sampled()) {
            answers.forEach(answer -> featureLog.log(logEntry(answer, now)));
        }
        return answers;
    }

    /** An answer as served, at the {@code now} its ages and values were computed with. */
    private static FeatureLogEntry logEntry(EntityFeatures answer, long now) {
        Map<String, FeatureLogEntry.LoggedFeature> features = new LinkedHashMap<>();
        answer.features()
                .forEach(
                        (name, served) ->
                                features.put(
                                        name,
                                        new FeatureLogEntry.LoggedFeature(
                                                served.value() == null
                                                        ? null
                                                        : FeatureValueCodec.encode(served.value()),
                                                served.status().name(),
                                                served.eventTime() == null
                                                        ? null
                                                        : served.eventTime().toEpochMilli())));
        return new FeatureLogEntry(now, answer.entity(), answer.id(), features);
    }

    private List<Feature> resolve(Entity entity, List<String> names) {
        List<Feature> ofEntity = spec.featuresOf(entity);
        if (names.isEmpty()) {
            return ofEntity;
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            // A blank or control-character name is never a feature's; ignoring it would turn a
            // request for some features into one for all of them.
            if (name == null || name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
                throw new BadFeatureRequestException(
                        "feature name "
                                + i
                                + " is blank or holds a control character: names are"
                                + " comma-separated, non-blank feature names");
            }
        }
        List<Feature> features = new ArrayList<>(names.size());
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            spec.feature(name)
                    .filter(ofEntity::contains)
                    .ifPresentOrElse(
                            f -> {
                                if (!features.contains(f)) {
                                    features.add(f);
                                }
                            },
                            () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            throw new BadFeatureRequestException(
                    "unknown feature(s) of entity '"
                            + entity.name()
                            + "': "
                            + unknown
                            + " (known: "
                            + ofEntity.stream().map(Feature::name).toList()
                            + ")");
        }
        return features;
    }
}
