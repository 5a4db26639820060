package dev.tessera.spec.parse;

import static dev.tessera.spec.parse.ParseSupport.checkName;
import static dev.tessera.spec.parse.ParseSupport.duration;
import static dev.tessera.spec.parse.ParseSupport.entityRef;
import static dev.tessera.spec.parse.ParseSupport.findField;
import static dev.tessera.spec.parse.ParseSupport.literal;
import static dev.tessera.spec.parse.ParseSupport.named;
import static dev.tessera.spec.parse.ParseSupport.nonNegative;

import dev.tessera.spec.model.Compatibility;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code streams} section: per stream its topic, entity, time field, fields, watermark,
 * lateness, dedupe, schema compatibility and wire format.
 */
final class StreamParser {

    private static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(30);
    private static final Duration DEFAULT_DEDUPE_WITHIN = Duration.ofHours(24);
    private static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(1);

    private final Map<String, Entity> entities;

    StreamParser(Map<String, Entity> entities) {
        this.entities = entities;
    }

    /** The streams of the section, in declaration order. */
    Map<String, Stream> read(YamlNode section) {
        Map<String, Stream> streams = new LinkedHashMap<>();
        section.entries("streams")
                .forEach((name, node) -> streams.put(name, readStream(name, node)));
        return streams;
    }

    private Stream readStream(String name, YamlNode node) {
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
        Entity entity = entityRef(entityNode, what, entities);
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
        return new Stream(
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
                node.line());
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
    private static Field readField(String name, YamlNode node) {
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
}
