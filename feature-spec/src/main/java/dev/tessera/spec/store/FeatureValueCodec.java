package dev.tessera.spec.store;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Feature values as Redis strings, readable with {@code redis-cli}: numbers in decimal, strings as
 * they are, booleans as {@code true}/{@code false}, lists as JSON arrays.
 */
public final class FeatureValueCodec {

    private FeatureValueCodec() {}

    public static String encode(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder json = new StringBuilder("{");
            map.forEach(
                    (key, count) -> {
                        if (json.length() > 1) {
                            json.append(',');
                        }
                        quote((String) key, json);
                        json.append(':').append(scalar(count));
                    });
            return json.append('}').toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder json = new StringBuilder("[");
            for (Object element : list) {
                if (json.length() > 1) {
                    json.append(',');
                }
                if (element instanceof String s) {
                    quote(s, json);
                } else {
                    json.append(scalar(element));
                }
            }
            return json.append(']').toString();
        }
        return scalar(value);
    }

    private static String scalar(Object value) {
        if (value instanceof Long
                || value instanceof Integer
                || value instanceof String
                || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Double d) {
            return Double.toString(d);
        }
        throw new IllegalArgumentException("cannot encode a feature value of " + value.getClass());
    }

    /** Decodes a stored value of {@code feature}. */
    public static Object decode(String stored, Feature feature) {
        return decode(stored, feature.storedType(), feature);
    }

    /**
     * Decodes a value of {@code feature} as the reader served it (what {@link Feature#serve}
     * returned, encoded): unlike {@link #decode}, by the served type, which differs from the stored
     * one for {@code time_since_last} (seconds served, an event time stored).
     */
    public static Object decodeServed(String served, Feature feature) {
        return decode(served, feature.valueType(), feature);
    }

    private static Object decode(String text, ValueType type, Feature feature) {
        return switch (type) {
            case LIST -> decodeList(text, ValueType.of(feature.fieldType()));
            case MAP -> decodeMap(text);
            default -> decodeScalar(text, type);
        };
    }

    private static Object decodeScalar(String stored, ValueType type) {
        return switch (type) {
            case LONG -> Long.parseLong(stored);
            case DOUBLE -> Double.parseDouble(stored);
            case BOOLEAN -> Boolean.parseBoolean(stored);
            case STRING -> stored;
            case LIST, MAP -> throw new IllegalArgumentException(type + " is not a scalar");
        };
    }

    private static List<Object> decodeList(String json, ValueType elementType) {
        List<Object> list = new ArrayList<>();
        int i = 1; // after '['
        while (i < json.length() - 1) {
            if (json.charAt(i) == ',') {
                i++;
            }
            if (json.charAt(i) == '"') {
                StringBuilder text = new StringBuilder();
                i = unquote(json, i, text);
                list.add(text.toString());
            } else {
                int end = i;
                while (end < json.length() - 1 && json.charAt(end) != ',') {
                    end++;
                }
                list.add(decodeScalar(json.substring(i, end), elementType));
                i = end;
            }
        }
        return list;
    }

    private static Map<String, Long> decodeMap(String json) {
        Map<String, Long> map = new TreeMap<>();
        int i = 1; // after '{'
        while (i < json.length() - 1) {
            if (json.charAt(i) == ',') {
                i++;
            }
            StringBuilder key = new StringBuilder();
            i = unquote(json, i, key) + 1; // and the ':'
            int end = i;
            while (end < json.length() - 1 && json.charAt(end) != ',') {
                end++;
            }
            map.put(key.toString(), Long.parseLong(json.substring(i, end)));
            i = end;
        }
        return map;
    }

    private static void quote(String s, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    /** Reads the JSON string starting at {@code json[start] == '"'}; returns the index after it. */
    private static int unquote(String json, int start, StringBuilder text) {
        int i = start + 1;
        while (json.charAt(i) != '"') {
            char c = json.charAt(i);
            if (c == '\\') {
                char escaped = json.charAt(i + 1);
                if (escaped == 'u') {
                    text.append((char) Integer.parseInt(json.substring(i + 2, i + 6), 16));
                    i += 6;
                } else {
                    text.append(escaped);
                    i += 2;
                }
            } else {
                text.append(c);
                i++;
            }
        }
        return i + 1;
    }
}
