package dev.tessera.spec.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A feature's {@code where}: conditions on event fields joined by {@code and}, such as {@code
 * amount >= 100 and merchant != 'books'}. Numbers compare numerically; strings and booleans with
 * {@code ==} and {@code !=} only. An event that lacks a field fails every condition on it.
 */
public final class EventFilter implements Serializable {

    /** Lets every event through. */
    public static final EventFilter ALL = new EventFilter("", List.of());

    private static final Pattern CONDITION =
            Pattern.compile("\\s*([a-z][a-z0-9_]*)\\s*(==|!=|>=|<=|>|<)\\s*(.+?)\\s*");
    private static final Pattern AND = Pattern.compile("\\s+and\\s+");

    private record Condition(String field, String op, Object literal) implements Serializable {

        boolean test(Object value) {
            if (value == null) {
                return false;
            }
            int cmp =
                    literal instanceof Double number
                            ? Double.compare(((Number) value).doubleValue(), number)
                            : value.equals(literal) ? 0 : 1;
            return switch (op) {
                case "==" -> cmp == 0;
                case "!=" -> cmp != 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                case "<" -> cmp < 0;
                default -> cmp <= 0;
            };
        }
    }

    private final String text;
    private final List<Condition> conditions;

    private EventFilter(String text, List<Condition> conditions) {
        this.text = text;
        this.conditions = conditions;
    }

    /**
     * Parses a filter over a stream's fields, or throws {@link IllegalArgumentException} saying
     * what is wrong.
     */
    public static EventFilter parse(String text, Stream stream) {
        List<Condition> conditions = new ArrayList<>();
        for (String part : AND.split(text.trim())) {
            Matcher m = CONDITION.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "'"
                                + part.trim()
                                + "' is not a condition (expected e.g. amount > 100 or"
                                + " merchant == 'books', joined by and)");
            }
            String fieldName = m.group(1);
            Field field =
                    stream.field(fieldName)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "where reads unknown field '"
                                                            + fieldName
                                                            + "' of stream '"
                                                            + stream.name()
                                                            + "'"));
            conditions.add(
                    new Condition(fieldName, m.group(2), literal(field, m.group(2), m.group(3))));
        }
        return new EventFilter(text.trim(), List.copyOf(conditions));
    }

    private static Object literal(Field field, String op, String text) {
        boolean equality = op.equals("==") || op.equals("!=");
        switch (field.type()) {
            case LONG, DOUBLE, TIMESTAMP -> {
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "'"
                                    + text
                                    + "' is not a number, as field '"
                                    + field.name()
                                    + "' needs");
                }
            }
            case BOOLEAN -> {
                if (!equality || !(text.equals("true") || text.equals("false"))) {
                    throw new IllegalArgumentException(
                            "boolean field '" + field.name() + "' takes == or != true or false");
                }
                return Boolean.parseBoolean(text);
            }
            default -> {
                if (!equality || text.length() < 2 || !isQuoted(text)) {
                    throw new IllegalArgumentException(
                            "string field '"
                                    + field.name()
                                    + "' takes == or != and a quoted string, e.g. == 'books'");
                }
                return text.substring(1, text.length() - 1);
            }
        }
    }

    private static boolean isQuoted(String text) {
        char first = text.charAt(0);
        return (first == '\'' || first == '"') && text.charAt(text.length() - 1) == first;
    }

    /** Whether an event with these field values counts. */
    public boolean test(Map<String, Object> fields) {
        for (Condition condition : conditions) {
            if (!condition.test(fields.get(condition.field()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventFilter other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "all events" : text;
    }
}
