package dev.tessera.spec.model;

/** The type of a served feature value. */
public enum ValueType {
    LONG,
    DOUBLE,
    STRING,
    BOOLEAN,
    /** A list of scalar values (the field's type), such as the result of {@code last_n}. */
    LIST,
    /** Counts by string value, such as the result of {@code count_by}. */
    MAP;

    /** The value type of a field's own values: timestamps are served as epoch millis. */
    public static ValueType of(FieldType fieldType) {
        return switch (fieldType) {
            case STRING -> STRING;
            case LONG, TIMESTAMP -> LONG;
            case DOUBLE -> DOUBLE;
            case BOOLEAN -> BOOLEAN;
        };
    }
}
