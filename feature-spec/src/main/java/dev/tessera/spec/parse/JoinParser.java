package dev.tessera.spec.parse;

import static dev.tessera.spec.parse.ParseSupport.checkName;
import static dev.tessera.spec.parse.ParseSupport.findField;
import static dev.tessera.spec.parse.ParseSupport.literal;

import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code joins} section. A join of two declared streams derives an output stream, which
 * feature groups read as they read a declared one: the left stream's fields, the other's enriching
 * fields under the join's alias and, for an interval join, the seconds between the two events.
 */
final class JoinParser {

    private static final Pattern SIGNED_DURATION = Pattern.compile("\\s*(-?)\\s*(\\S+)\\s*");

    private final Map<String, Stream> streams;

    JoinParser(Map<String, Stream> streams) {
        this.streams = streams;
    }

    /** The joins of the section, in declaration order. */
    Map<String, Join> read(YamlNode section) {
        Map<String, Join> joins = new LinkedHashMap<>();
        section.entries("joins").forEach((name, node) -> joins.put(name, readJoin(name, node)));
        return joins;
    }

    private Join readJoin(String name, YamlNode node) {
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
        return interval
                ? new Join.Interval(name, left, right, on, lower, upper, alias, output)
                : new Join.AsOf(
                        name,
                        left,
                        right,
                        on,
                        alias,
                        Collections.unmodifiableMap(defaults),
                        output);
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
}
