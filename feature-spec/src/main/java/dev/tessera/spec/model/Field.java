package dev.tessera.spec.model;

/**
 * One field of a stream's events. An optional field may be absent or null.
 *
 * @param defaultValue what the field holds in an event whose schema version lacks it, of the
 *     field's type ({@code String}, {@code Long}, {@code Double} or {@code Boolean}); null if none
 *     was declared (an optional field then defaults to null, a required one has no default)
 * @param line where the field is declared in {@code features.yaml}; 0 for fields a join derives
 */
public record Field(String name, FieldType type, boolean optional, Object defaultValue, int line) {

    /** A field without a declared default, not from a file. */
    public Field(String name, FieldType type, boolean optional) {
        this(name, type, optional, null, 0);
    }

    /** Whether an event written without this field can still be read: it then takes a default. */
    public boolean hasDefault() {
        return optional || defaultValue != null;
    }
}
