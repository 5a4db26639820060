package dev.tessera.spec.registry;

/** How a record names its writer's schema in the registry: the kind of id and its value. */
public record SchemaId(Kind kind, long value) {

    public enum Kind {
        /** Apicurio's id of a schema's content, the one its serde writes by default. */
        CONTENT_ID("contentId"),
        /** Apicurio's id of one version of an artifact. */
        GLOBAL_ID("globalId"),
        /** A schema id of the registry's Confluent-compatible API. */
        CONFLUENT_ID("Confluent schema id");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    @Override
    public String toString() {
        return kind.label + " " + value;
    }
}
