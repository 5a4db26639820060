package dev.tessera.reader.service;

import dev.tessera.reader.config.ReaderConfig;
import dev.tessera.reader.messaging.FeatureLogger;
import dev.tessera.reader.store.FeatureStore;
import dev.tessera.reader.store.StoreUnavailableException;
import dev.tessera.spec.avro.FeatureLogEntry;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.serve.Serving;
import dev.tessera.spec.store.FeatureValueCodec;
import dev.tessera.spec.store.RedisLayout;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** An entity and the feature names asked for, as given. */
    private record Shape(String entity, List<String> names) {}

    /** Past this many request shapes the plans start over. */
    static final int MAX_PLANS = 1_000;

    private final Map<Shape, ReadPlan> plans = new ConcurrentHashMap<>();

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
        Entity entity = entity(entityName);
        if (ids.isEmpty() || ids.size() > maxIds) {
            throw new BadFeatureRequestException(
                    "ask for 1 to " + maxIds + " entity ids, not " + ids.size());
        }
        if (ids.stream().anyMatch(id -> id == null || id.isEmpty())) {
            throw new BadFeatureRequestException("entity ids must not be empty");
        }
        ReadPlan plan = plan(entity, names);
        List<RedisLayout.Read> reads = new ArrayList<>(ids.size() * plan.groups().size());
        for (String id : ids) {
            reads.addAll(plan.reads(id));
        }
        return store.read(reads)
                .onFailure(StoreUnavailableException.class)
                .invoke(metrics::redisError)
                .map(stored -> answer(plan, ids, stored));
    }

    /** The plan of a request shape, made on its first request. */
    private ReadPlan plan(Entity entity, List<String> names) {
        Shape shape = new Shape(entity.name(), names);
        ReadPlan plan = plans.get(shape);
        if (plan == null) {
            plan = ReadPlan.of(spec, entity, resolve(entity, names));
            if (plans.size() >= MAX_PLANS) {
                plans.clear(); // callers asking for ever new sets of names
            }
            plans.put(shape, plan);
        }
        return plan;
    }

    private Entity entity(String entityName) {
        return spec.entity(entityName)
                .orElseThrow(
                        () ->
                                new UnknownEntityException(
                                        entityName,
                                        spec.entities().stream()
                                                .map(Entity::name)
                                                .sorted()
                                                .toList()));
    }

    private List<EntityFeatures> answer(
            ReadPlan plan, List<String> ids, List<RedisLayout.Stored> stored) {
        long now = clock.millis();
        List<Feature> features = plan.features();
        int groupsPerId = plan.groups().size();
        List<EntityFeatures> answers = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            FeatureValue[] values = new FeatureValue[features.size()];
            for (int g = 0; g < groupsPerId; g++) {
                ReadPlan.GroupRead group = plan.groups().get(g);
                RedisLayout.Stored read = stored.get(i * groupsPerId + g);
                List<Feature> windowed = group.read().windowed();
                for (int f = 0; f < windowed.size(); f++) {
                    values[group.windowedAt()[f]] =
                            FeatureValue.of(
                                    Serving.windowed(windowed.get(f), read.values().get(f), now));
                }
                for (int f = 0; f < group.rolling().size(); f++) {
                    values[group.rollingAt()[f]] =
                            FeatureValue.of(
                                    Serving.rolling(
                                            group.rolling().get(f),
                                            group.group(),
                                            read.tiles(),
                                            now));
                }
            }
            Map<String, FeatureValue> ordered = new LinkedHashMap<>(2 * features.size());
            for (int f = 0; f < features.size(); f++) {
                metrics.served(features.get(f).name(), values[f].status());
                ordered.put(features.get(f).name(), values[f]);
            }
            answers.add(new EntityFeatures(plan.entity().name(), ids.get(i), ordered));
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
