package dev.tessera.spec.model;

/** How a record of a stream's topic names the schema it was written with. */
public enum WireFormat {
    /**
     * As the Apicurio serde writes: a zero byte and the 4-byte content id before the Avro body, or
     * the id in the record's headers ({@code apicurio.value.contentId} or {@code
     * apicurio.value.globalId}).
     */
    APICURIO,
    /**
     * As Confluent's serializer writes: a zero byte and the 4-byte schema id, resolved through the
     * registry's Confluent-compatible API.
     */
    CONFLUENT;

    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
