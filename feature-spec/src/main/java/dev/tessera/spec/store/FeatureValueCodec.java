package dev.tessera.spec.store;

import dev.tessera.spec.model.ValueType;

/** Feature values as Redis strings: plain decimal or text, readable with {@code redis-cli}. */
public final class FeatureValueCodec {

    private FeatureValueCodec() {}

    public static String encode(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof String) {
            return value.toString();
        }
        if (value instanceof Double d) {
            return Double.toString(d);
        }
        throw new IllegalArgumentException("cannot encode a feature value of " + value.getClass());
    }

    public static Object decode(String stored, ValueType type) {
        return switch (type) {
            case LONG -> Long.parseLong(stored);
            case DOUBLE -> Double.parseDouble(stored);
            case STRING -> stored;
        };
    }
}
