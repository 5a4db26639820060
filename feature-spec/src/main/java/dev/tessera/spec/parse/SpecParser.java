package dev.tessera.spec.parse;

import dev.tessera.spec.agg.Aggregation;
import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.model.Compatibility;
import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.EventFilter;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import dev.tessera.spec.model.WireFormat;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates {@code features.yaml}. Every problem is reported as a {@link SpecException}
 * naming the file, the line and what is wrong, so a bad definition stops a service at start-up.
 */
public final class SpecParser {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Pattern CALL = Pattern.compile("([a-z_]+)\\((.*)\\)");
    private static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(30);
    private static final Duration DEFAULT_DEDUPE_WITHIN = Duration.ofHours(24);
    private static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(1);
    private static final Set<String> WINDOW_KINDS =
            Set.of("tumbling", "sliding", "session", "rolling", "since");
    private static final Pattern SIGNED_DURATION = Pattern.compile("\\s*(-?)\\s*(\\S+)\\s*");

    /** A rolling window is served from this many tiles unless the group sets its tile. */
    static final int ROLLING_TILES = 60;

    private final String file;
    private final Map<String, Entity> entities = new LinkedHashMap<>();
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private final Map<String, Join> joins = new LinkedHashMap<>();
    private final Map<String, FeatureGroup> groups = new LinkedHashMap<>();
    private final Map<String, String> featureGroupByName = new HashMap<>();

    private SpecParser(String file) {
        this.file = file;
    }

    public static FeatureSpec parse(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parse(path.toString(), reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature spec " + path, e);
        }
    }

    public static FeatureSpec parse(String fileName, String yaml) {
        return parse(fileName, new StringReader(yaml));
    }

    public static FeatureSpec parse(String fileName, Reader reader) {
        return new SpecParser(fileName).read(reader);
    }

    private FeatureSpec read(Reader reader) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw new SpecException(file, line, "not valid YAML: " + e.getProblem());
        }
        if (root == null) {
            throw new SpecException(file, 1, "the file is empty");
        }
        YamlNode top = new YamlNode(file, root);
        Map<String, YamlNode> sections =
                top.entries(
                        "the top level",
                        Set.of("entities", "streams", "joins", "feature_groups", "feature_topic"));
        YamlNode.required(top, sections, "entities", "the spec")
                .entries("entities")
                .forEach(this::readEntity);
        YamlNode.required(top, sections, "streams", "the spec")
                .entries("streams")
                .forEach(this::readStream);
        if (sections.containsKey("joins")) {
            sections.get("joins").entries("joins").forEach(this::readJoin);
        }
        YamlNode.required(top, sections, "feature_groups", "the spec")
                .entries("feature_groups")
                .forEach(this::readGroup);
        String featureTopic =
                sections.containsKey("feature_topic")
                        ? sections.get("feature_topic").scalar("feature_topic")
                        : FeatureSpec.DEFAULT_FEATURE_TOPIC;
        return new FeatureSpec(entities, streams, joins, groups, featureTopic);
    }

    private void readEntity(String name, YamlNode node) {
        checkName(name, node, "entity");
        Map<String, YamlNode> e = node.entries("entity '" + name + "'", Set.of("key"));
        String key = YamlNode.required(node, e, "key", "entity '" + name + "'").scalar("key");
        entities.put(name, new Entity(name, key));
    }

    private void readStream(String name, YamlNode node) {
        checkName(name, node, "stream");
        String what = "stream '" + name + "'";
        Map<String, YamlNode> s =
                node.entries(
                        what,
                        Set.of(
                                "topic",
                                "entity",
                                "time_field",
                                "fields",
                                "watermark",
                                "allowed_lateness",
                                "max_future",
                                "dedupe",
                                "compatibility",
                                "wire_format"));
        String topic = s.containsKey("topic") ? s.get("topic").scalar("topic") : name;
        YamlNode entityNode = YamlNode.required(node, s, "entity", what);
        Entity entity = entityRef(entityNode, what);
        String timeField =
                s.containsKey("time_field") ? s.get("time_field").scalar("time_field") : "ts";

        YamlNode fieldsNode = YamlNode.required(node, s, "fields", what);
        List<Field> fields = new ArrayList<>();
        fieldsNode
                .entries("the fields of " + what)
                .forEach((fieldName, typeNode) -> fields.add(readField(fieldName, typeNode)));
        Field key = findField(fields, entity.key());
        if (key == null || key.type() != FieldType.STRING || key.optional()) {
            throw fieldsNode.error(
                    what
                            + " must declare the entity key '"
                            + entity.key()
                            + "' of entity '"
                            + entity.name()
                            + "' as a required string field");
        }
        Field time = findField(fields, timeField);
        if (time == null || time.type() != FieldType.TIMESTAMP || time.optional()) {
            throw fieldsNode.error(
                    what
                            + " must declare its time field '"
                            + timeField
                            + "' as a required timestamp field");
        }

        Duration outOfOrderness = DEFAULT_OUT_OF_ORDERNESS;
        Duration idleness = DEFAULT_IDLENESS;
        if (s.containsKey("watermark")) {
            Map<String, YamlNode> w =
                    s.get("watermark")
                            .entries(
                                    "the watermark of " + what,
                                    Set.of("out_of_orderness", "idleness"));
            if (w.containsKey("out_of_orderness")) {
                outOfOrderness = duration(w.get("out_of_orderness"), "out_of_orderness");
            }
            if (w.containsKey("idleness")) {
                idleness = duration(w.get("idleness"), "idleness");
            }
        }
        Duration allowedLateness =
                s.containsKey("allowed_lateness")
                        ? nonNegative(s.get("allowed_lateness"), "allowed_lateness")
                        : Duration.ZERO;
        Duration maxFuture =
                s.containsKey("max_future")
                        ? nonNegative(s.get("max_future"), "max_future")
                        : DEFAULT_MAX_FUTURE;
        Stream.Dedupe dedupe =
                s.containsKey("dedupe") ? dedupe(s.get("dedupe"), what, fields) : null;
        Compatibility compatibility =
                s.containsKey("compatibility")
                        ? named(s.get("compatibility"), "compatibility", Compatibility.values())
                        : Compatibility.BACKWARD;
        WireFormat wireFormat =
                s.containsKey("wire_format")
                        ? named(s.get("wire_format"), "wire_format", WireFormat.values())
                        : WireFormat.APICURIO;
        streams.put(
                name,
                new Stream(
                        name,
                        topic,
                        entity,
                        timeField,
                        List.copyOf(fields),
                        outOfOrderness,
                        idleness,
                        allowedLateness,
                        maxFuture,
                        dedupe,
                        compatibility,
                        wireFormat,
                        node.line()));
    }

    /** The constant of {@code values} whose name is the node's value, in any case. */
    private static <E extends Enum<E>> E named(YamlNode node, String what, E[] values) {
        String text = node.scalar(what);
        for (E value : values) {
            if (value.name().equalsIgnoreCase(text)) {
                return value;
            }
        }
        throw node.error(
                what
                        + " '"
                        + text
                        + "' is not one of "
                        + Arrays.stream(values)
                                .map(v -> v.name().toLowerCase(Locale.ROOT))
                                .toList());
    }

    private static Stream.Dedupe dedupe(YamlNode node, String what, List<Field> fields) {
        Map<String, YamlNode> d = node.entries("the dedupe of " + what, Set.of("field", "within"));
        YamlNode fieldNode = YamlNode.required(node, d, "field", "the dedupe of " + what);
        String fieldName = fieldNode.scalar("field");
        Field field = findField(fields, fieldName);
        if (field == null || field.type() != FieldType.STRING) {
            throw fieldNode.error(
                    what
                            + " dedupes on '"
                            + fieldName
                            + "', which must be one of its string fields");
        }
        Duration within =
                d.containsKey("within")
                        ? duration(d.get("within"), "within")
                        : DEFAULT_DEDUPE_WITHIN;
        return new Stream.Dedupe(fieldName, within);
    }

    /** A field: {@code name: type}, or {@code name: {type: T, default: V}} with a default. */
    private Field readField(String name, YamlNode node) {
        checkName(name, node, "field");
        Map<String, YamlNode> longForm =
                node.isMapping()
                        ? node.entries("field '" + name + "'", Set.of("type", "default"))
                        : Map.of();
        YamlNode typeNode =
                node.isMapping()
                        ? YamlNode.required(node, longForm, "type", "field '" + name + "'")
                        : node;
        YamlNode defaultNode = longForm.get("default");
        String declared = typeNode.scalar("the type of field '" + name + "'");
        boolean optional = declared.endsWith("?");
        String typeName = optional ? declared.substring(0, declared.length() - 1) : declared;
        FieldType type =
                Arrays.stream(FieldType.values())
                        .filter(t -> t.yamlName().equals(typeName))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        typeNode.error(
                                                "field '"
                                                        + name
                                                        + "' has unknown type '"
                                                        + typeName
                                                        + "' (known: string, long, double, boolean,"
                                                        + " timestamp; add ? for optional)"));
        Field field = new Field(name, type, optional, null, node.line());
        return defaultNode == null
                ? field
                : new Field(name, type, optional, literal(defaultNode, field), node.line());
    }

    private void readGroup(String name, YamlNode node) {
        checkName(name, node, "feature group");
        String what = "feature group '" + name + "'";
        Map<String, YamlNode> g =
                node.entries(
                        what, Set.of("entity", "stream", "ttl", "stale_after", "tile", "features"));
        Entity entity = entityRef(YamlNode.required(node, g, "entity", what), what);
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
        groups.put(name, new FeatureGroup(name, entity, stream, ttl, tile, List.copyOf(features)));
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
        Window window = window(YamlNode.required(node, f, "window", what), stream);
        return new Feature(
                name, group, aggregation, fieldName, fieldType, window, where, staleAfter);
    }

    private static java.util.function.Supplier<SpecException> unknownField(
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

    private Window window(YamlNode node, Stream stream) {
        String text = node.scalar("window");
        if (text.trim().equals("lifetime")) {
            return new Window.Lifetime();
        }
        Matcher m = CALL.matcher(text.replace(" ", "").toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw node.error("'" + text + "' is not a window (expected e.g. tumbling(5m))");
        }
        String[] args = m.group(2).split(",");
        String kind = m.group(1);
        int arity = kind.equals("sliding") ? 2 : 1;
        if (!WINDOW_KINDS.contains(kind)) {
            throw node.error(
                    "unknown window kind '"
                            + kind
                            + "' (known: tumbling(size), sliding(size, slide), session(gap),"
                            + " rolling(size), lifetime, since(stream))");
        }
        if (kind.equals("since")) {
            return since(node, args[0], stream);
        }
        if (args.length != arity) {
            throw node.error(
                    kind
                            + " takes "
                            + (arity == 1 ? "one duration" : "two durations")
                            + ", e.g. "
                            + (arity == 1 ? kind + "(5m)" : "sliding(1h, 10m)"));
        }
        Duration size = positive(node, args[0], kind + " size");
        return switch (kind) {
            case "tumbling" -> new Window.Tumbling(size);
            case "session" -> new Window.Session(size);
            case "rolling" -> new Window.Rolling(size);
            default -> {
                Duration slide = positive(node, args[1], "slide");
                if (size.toMillis() % slide.toMillis() != 0) {
                    throw node.error("the size of " + text + " is not a multiple of its slide");
                }
                yield new Window.Sliding(size, slide);
            }
        };
    }

    /** {@code since(stream)}: reset by another declared stream of the same entity. */
    private Window since(YamlNode node, String resetName, Stream stream) {
        if (!streams.containsKey(stream.name())) {
            throw node.error("since(" + resetName + ") needs a group reading a declared stream");
        }
        Stream reset = streams.get(resetName);
        if (reset == null) {
            throw node.error(
                    "since("
                            + resetName
                            + ") names unknown stream '"
                            + resetName
                            + "' (known: "
                            + streams.keySet()
                            + ")");
        }
        if (reset.name().equals(stream.name()) || !reset.entity().equals(stream.entity())) {
            throw node.error(
                    "since("
                            + resetName
                            + ") needs another stream of entity '"
                            + stream.entity().name()
                            + "'");
        }
        return new Window.Since(reset);
    }

    private void readJoin(String name, YamlNode node) {
        checkName(name, node, "join");
        String what = "join '" + name + "'";
        if (streams.containsKey(name)) {
            throw node.error(what + " has the name of a stream");
        }
        Map<String, YamlNode> j =
                node.entries(
                        what, Set.of("type", "stream", "with", "as", "on", "between", "defaults"));
        YamlNode typeNode = YamlNode.required(node, j, "type", what);
        String type = typeNode.scalar("type");
        if (!type.equals("interval") && !type.equals("as_of")) {
            throw typeNode.error(
                    what + " has unknown type '" + type + "' (known: interval, as_of)");
        }
        Stream left = joinedStream(YamlNode.required(node, j, "stream", what), "stream", what);
        YamlNode withNode = YamlNode.required(node, j, "with", what);
        Stream right = joinedStream(withNode, "with", what);
        if (left.equals(right)) {
            throw withNode.error(what + " joins stream '" + left.name() + "' with itself");
        }
        String alias = right.name();
        if (j.containsKey("as")) {
            alias = j.get("as").scalar("as");
            checkName(alias, j.get("as"), "join alias");
        }
        YamlNode onNode = YamlNode.required(node, j, "on", what);
        List<String> on = onNode.isSequence() ? onNode.scalars("on") : List.of(onNode.scalar("on"));
        for (String key : on) {
            Field l = findField(left.fields(), key);
            Field r = findField(right.fields(), key);
            if (l == null || r == null || l.type() != r.type() || l.optional() || r.optional()) {
                throw onNode.error(
                        what
                                + " joins on '"
                                + key
                                + "', which both streams must declare as a required field of one"
                                + " type");
            }
        }
        boolean interval = type.equals("interval");
        if (!interval && j.containsKey("between")) {
            throw j.get("between").error(what + ": between is for interval joins");
        }
        if (interval && j.containsKey("defaults")) {
            throw j.get("defaults").error(what + ": defaults are for as_of joins");
        }

        List<Field> fields = new ArrayList<>(left.fields());
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (j.containsKey("defaults")) {
            j.get("defaults")
                    .entries("the defaults of " + what)
                    .forEach(
                            (fieldName, valueNode) -> {
                                Field field = findField(right.fields(), fieldName);
                                if (field == null
                                        || on.contains(fieldName)
                                        || fieldName.equals(right.timeField())) {
                                    throw valueNode.error(
                                            what
                                                    + " has a default for '"
                                                    + fieldName
                                                    + "', which is not an enriching field of"
                                                    + " stream '"
                                                    + right.name()
                                                    + "'");
                                }
                                defaults.put(fieldName, literal(valueNode, field));
                            });
        }
        for (Field field : right.fields()) {
            boolean carried =
                    !on.contains(field.name())
                            && (interval || !field.name().equals(right.timeField()));
            if (carried) {
                boolean optional =
                        field.optional() || (!interval && !defaults.containsKey(field.name()));
                fields.add(new Field(alias + "_" + field.name(), field.type(), optional));
            }
        }
        Duration lower = null;
        Duration upper = null;
        if (interval) {
            YamlNode between = YamlNode.required(node, j, "between", what);
            List<String> bounds = between.isSequence() ? between.scalars("between") : List.of();
            if (bounds.size() != 2) {
                throw between.error(what + ": between takes [lower, upper], e.g. [-10m, 0s]");
            }
            lower = signedDuration(between, bounds.get(0));
            upper = signedDuration(between, bounds.get(1));
            if (lower.compareTo(upper) > 0) {
                throw between.error(what + ": the lower bound is after the upper one");
            }
            fields.add(new Field("seconds_since_" + alias, FieldType.DOUBLE, false));
        }
        Set<String> names = new HashSet<>();
        for (Field field : fields) {
            if (!names.add(field.name())) {
                throw node.error(
                        what
                                + " would have two fields named '"
                                + field.name()
                                + "' (choose another alias with as)");
            }
        }
        // The join emits an event once the watermark passed its time plus the upper bound: a
        // window of the output stream takes it as a correction for that long after it closed.
        Duration lateness =
                left.allowedLateness()
                        .plus(upper == null || upper.isNegative() ? Duration.ZERO : upper);
        Stream output =
                new Stream(
                        name,
                        left.topic(),
                        left.entity(),
                        left.timeField(),
                        List.copyOf(fields),
                        left.outOfOrderness(),
                        left.idleness(),
                        lateness,
                        left.maxFuture(),
                        null,
                        left.compatibility(),
                        left.wireFormat(),
                        node.line());
        joins.put(
                name,
                interval
                        ? new Join.Interval(name, left, right, on, lower, upper, alias, output)
                        : new Join.AsOf(
                                name,
                                left,
                                right,
                                on,
                                alias,
                                Collections.unmodifiableMap(defaults),
                                output));
    }

    private Stream joinedStream(YamlNode node, String key, String what) {
        String streamName = node.scalar(key);
        Stream stream = streams.get(streamName);
        if (stream == null) {
            throw node.error(
                    what
                            + " reads unknown stream '"
                            + streamName
                            + "' (known: "
                            + streams.keySet()
                            + ")");
        }
        return stream;
    }

    private static Duration signedDuration(YamlNode node, String text) {
        Matcher m = SIGNED_DURATION.matcher(text);
        if (!m.matches()) {
            throw node.error("'" + text + "' is not a duration (expected e.g. -10m or 0s)");
        }
        Duration d;
        try {
            d = Durations.parse(m.group(2));
        } catch (IllegalArgumentException e) {
            throw node.error("between: " + e.getMessage());
        }
        return m.group(1).isEmpty() ? d : d.negated();
    }

    /** A default value of a field's type. */
    private static Object literal(YamlNode node, Field field) {
        String text = node.scalar(field.name());
        try {
            return switch (field.type()) {
                case STRING -> text;
                case LONG, TIMESTAMP -> Long.parseLong(text);
                case DOUBLE -> Double.parseDouble(text);
                case BOOLEAN -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        throw new NumberFormatException();
                    }
                    yield Boolean.parseBoolean(text);
                }
            };
        } catch (NumberFormatException e) {
            throw node.error(
                    "the default '"
                            + text
                            + "' of '"
                            + field.name()
                            + "' is not a "
                            + field.type().yamlName());
        }
    }

    private Entity entityRef(YamlNode node, String what) {
        String name = node.scalar("entity");
        Entity entity = entities.get(name);
        if (entity == null) {
            throw node.error(
                    what
                            + " names unknown entity '"
                            + name
                            + "' (known: "
                            + entities.keySet()
                            + ")");
        }
        return entity;
    }

    private static Duration duration(YamlNode node, String what) {
        return positive(node, node.scalar(what), what);
    }

    private static Duration nonNegative(YamlNode node, String what) {
        try {
            return Durations.parse(node.scalar(what));
        } catch (IllegalArgumentException e) {
            throw node.error(what + ": " + e.getMessage());
        }
    }

    private static Duration positive(YamlNode node, String text, String what) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error(what + ": " + e.getMessage());
        }
        if (d.isZero()) {
            throw node.error(what + " must be greater than zero");
        }
        return d;
    }

    private static Field findField(List<Field> fields, String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    private static void checkName(String name, YamlNode node, String kind) {
        if (!NAME.matcher(name).matches()) {
            throw node.error(
                    "'"
                            + name
                            + "' is not a valid "
                            + kind
                            + " name (lower case letters, digits and _, starting with a letter)");
        }
    }
}
