package dev.tessera.writer.messaging;

/** Reactive Messaging channel names, shared by the code and its tests. */
public final class Channels {

    /** Feature updates from the Flink job, Avro, from the spec's feature topic. */
    public static final String FEATURE_UPDATES = "feature-updates";

    /** Feature updates that can never be applied, bytes untouched, to the feature topic + .dlq. */
    public static final String DEAD_LETTERS = "feature-dead-letters";

    private Channels() {}
}
