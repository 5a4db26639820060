package dev.tessera.spec.parse;

import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Field;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the section parsers share: names, durations, default values, and look-ups of entities,
 * fields and named constants. Each reports a problem at the node it read.
 */
final class ParseSupport {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private ParseSupport() {}

    static void checkName(String name, YamlNode node, String kind) {
        if (!NAME.matcher(name).matches()) {
            throw node.error(
                    "'"
                            + name
                            + "' is not a valid "
                            + kind
                            + " name (lower case letters, digits and _, starting with a letter)");
        }
    }

    /** The entity the node names, which an earlier section must have declared. */
    static Entity entityRef(YamlNode node, String what, Map<String, Entity> entities) {
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

    static Field findField(List<Field> fields, String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** A default value of a field's type. */
    static Object literal(YamlNode node, Field field) {
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

    /** The constant of {@code values} whose name is the node's value, in any case. */
    static <E extends Enum<E>> E named(YamlNode node, String what, E[] values) {
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

    static Duration duration(YamlNode node, String what) {
        return positive(node, node.scalar(what), what);
    }

    static Duration nonNegative(YamlNode node, String what) {
        try {
            return Durations.parse(node.scalar(what));
        } catch (IllegalArgumentException e) {
            throw node.error(what + ": " + e.getMessage());
        }
    }

    static Duration positive(YamlNode node, String text, String what) {
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
}
