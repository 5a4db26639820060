package dev.tessera.spec.model;

/** The type of an event field, as declared in {@code features.yaml}. */
public enum FieldType {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    /** Epoch milliseconds on the wire; ISO-8601 or epoch millis in JSON. */
    TIMESTAMP;

    public boolean isNumeric() {
        return this == LONG || this == DOUBLE;
    }

    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
