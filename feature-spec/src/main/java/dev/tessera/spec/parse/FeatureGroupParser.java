package dev.tessera.spec.parse;

import static dev.tessera.spec.parse.ParseSupport.checkName;
import static dev.tessera.spec.parse.ParseSupport.duration;
import static dev.tessera.spec.parse.ParseSupport.entityRef;

import dev.tessera.spec.agg.Aggregation;
import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.EventFilter;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the {@code feature_groups} section: per group its entity, the stream it reads (declared or
 * a join's output), ttl, staleness and tile, and its features with their aggregation, field, filter
 * and window. A feature's name is unique across all groups, since features are looked up by name.
 */
final class FeatureGroupParser {

    /** A rolling window is served from this many tiles unless the group sets its tile. */
    static final int ROLLING_TILES = 60;

    private final Map<String, Entity> entities;
    private final Map<String, Stream> streams;
    private final Map<String, Join> joins;
    private final WindowParser windows;
    private final Map<String, String> featureGroupByName = new HashMap<>();

    FeatureGroupParser(
            Map<String, Entity> entities, Map<String, Stream> streams, Map<String, Join> joins) {
        this.entities = entities;
        this.streams = streams;
        this.joins = joins;
        this.windows = new WindowParser(streams);
    }

    /** The groups of the section, in declaration order. */
    Map<String, FeatureGroup> read(YamlNode section) {
        Map<String, FeatureGroup> groups = new LinkedHashMap<>();
        section.entries("feature_groups")
                .forEach((name, node) -> groups.put(name, readGroup(name, node)));
        return groups;
    }

    private FeatureGroup readGroup(String name, YamlNode node) {
        checkName(name, node, "feature group");
        String what = "feature group '" + name + "'";
        Map<String, YamlNode> g =
                node.entries(
                        what, Set.of("entity", "stream", "ttl", "stale_after", "tile", "features"));
        Entity entity = entityRef(YamlNode.required(node, g, "entity", what), what, entities);
        YamlNode streamNode = YamlNode.required(node, g, "stream", what);
        String streamName = streamNode.scalar("stream");
        Stream stream =
                joins.containsKey(streamName)
                        ? joins.get(streamName).output()
                        : streams.get(streamName);
        if (stream == null) {
            List<String> known = new ArrayList<>(streams.keySet());
            known.addAll(joins.keySet());
            throw streamNode.error(
                    what + " reads unknown stream '" + streamName + "' (known: " + known + ")");
        }
        if (!stream.entity().equals(entity)) {
            throw streamNode.error(
                    what
                            + " is about entity '"
                            + entity.name()
                            + "' but stream '"
                            + streamName
                            + "' carries entity '"
                            + stream.entity().name()
                            + "'");
        }
        YamlNode ttlNode = YamlNode.required(node, g, "ttl", what);
        Duration ttl = duration(ttlNode, "ttl");
        // Without stale_after, a value is PRESENT until it is as old as the TTL, in event time.
        Duration staleAfter =
                g.containsKey("stale_after") ? duration(g.get("stale_after"), "stale_after") : ttl;

        List<Feature> features = new ArrayList<>();
        Map<Feature, YamlNode> windowNodes = new HashMap<>();
        YamlNode.required(node, g, "features", what)
                .entries("the features of " + what)
                .forEach(
                        (featureName, featureNode) -> {
                            Feature feature =
                                    readFeature(featureName, featureNode, name, stream, staleAfter);
                            if (ttl.compareTo(feature.window().size()) < 0) {
                                throw ttlNode.error(
                                        "the ttl "
                                                + Durations.format(ttl)
                                                + " of "
                                                + what
                                                + " is shorter than the window "
                                                + feature.window()
                                                + " of feature '"
                                                + featureName
                                                + "'");
                            }
                            features.add(feature);
                            windowNodes.put(feature, featureNode);
                        });
        if (features.isEmpty()) {
            throw node.error(what + " declares no features");
        }
        Duration tile = tile(what, g, features, windowNodes);
        return new FeatureGroup(name, entity, stream, ttl, tile, List.copyOf(features));
    }

    /**
     * The group's tile: as declared, or a 60th of its smallest rolling window; every rolling window
     * must be a multiple of it. Null without rolling features.
     */
    private static Duration tile(
            String what,
            Map<String, YamlNode> group,
            List<Feature> features,
            Map<Feature, YamlNode> windowNodes) {
        List<Feature> rolling = features.stream().filter(Feature::isRolling).toList();
        if (rolling.isEmpty()) {
            if (group.containsKey("tile")) {
                throw group.get("tile").error(what + " sets a tile but has no rolling feature");
            }
            return null;
        }
        Duration tile =
                group.containsKey("tile")
                        ? duration(group.get("tile"), "tile")
                        : defaultTile(
                                rolling.stream()
                                        .map(f -> f.window().size())
                                        .min(Duration::compareTo)
                                        .orElseThrow());
        for (Feature feature : rolling) {
            if (feature.window().size().toMillis() % tile.toMillis() != 0) {
                throw windowNodes
                        .get(feature)
                        .error(
                                "the window "
                                        + feature.window()
                                        + " of feature '"
                                        + feature.name()
                                        + "' is not a multiple of the tile "
                                        + Durations.format(tile)
                                        + " of "
                                        + what
                                        + (group.containsKey("tile")
                                                ? ""
                                                : " (by default about a 60th of its smallest"
                                                        + " rolling window; set tile to choose)"));
            }
        }
        return tile;
    }

    /** About a 60th of the window: the largest whole number of milliseconds that divides it. */
    private static Duration defaultTile(Duration smallestWindow) {
        long window = smallestWindow.toMillis();
        long tile = Math.max(1, window / ROLLING_TILES);
        while (window % tile != 0) {
            tile--;
        }
        return Duration.ofMillis(tile);
    }

    private Feature readFeature(
            String name, YamlNode node, String group, Stream stream, Duration staleAfter) {
        checkName(name, node, "feature");
        String what = "feature '" + name + "'";
        String previous = featureGroupByName.putIfAbsent(name, group);
        if (previous != null) {
            throw node.error(what + " is already declared in feature group '" + previous + "'");
        }
        Map<String, YamlNode> f =
                node.entries(what, Set.of("aggregation", "field", "window", "where"));
        YamlNode aggNode = YamlNode.required(node, f, "aggregation", what);
        Aggregation aggregation;
        try {
            aggregation = Aggregations.parse(aggNode.scalar("aggregation"));
        } catch (IllegalArgumentException e) {
            throw aggNode.error(what + ": " + e.getMessage());
        }
        String fieldName = null;
        FieldType fieldType = null;
        if (aggregation.needsField() || f.containsKey("field")) {
            YamlNode fieldNode =
                    YamlNode.required(node, f, "field", what + " (" + aggregation.name() + ")");
            fieldName = fieldNode.scalar("field");
            Field field =
                    stream.field(fieldName).orElseThrow(unknownField(fieldNode, stream, what));
            if (aggregation.needsField() && !aggregation.accepts(field.type())) {
                throw fieldNode.error(
                        what
                                + ": "
                                + aggregation.name()
                                + " cannot aggregate field '"
                                + fieldName
                                + "' of type "
                                + field.type().yamlName());
            }
            fieldType = aggregation.needsField() ? field.type() : null;
        }
        EventFilter where = EventFilter.ALL;
        if (f.containsKey("where")) {
            try {
                where = EventFilter.parse(f.get("where").scalar("where"), stream);
            } catch (IllegalArgumentException e) {
                throw f.get("where").error(what + ": " + e.getMessage());
            }
        }
        Window window = windows.read(YamlNode.required(node, f, "window", what), stream);
        return new Feature(
                name, group, aggregation, fieldName, fieldType, window, where, staleAfter);
    }

    private static Supplier<SpecException> unknownField(
            YamlNode fieldNode, Stream stream, String what) {
        return () ->
                fieldNode.error(
                        what
                                + " reads unknown field '"
                                + fieldNode.scalar("field")
                                + "' of stream '"
                                + stream.name()
                                + "' (fields: "
                                + stream.fields().stream().map(Field::name).toList()
                                + ")");
    }
}
