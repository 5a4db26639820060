package dev.tessera.spec.serve;

/** What the reader knows of one feature of one entity id. */
public enum FeatureStatus {
    /** A value as of a recent enough event time. */
    PRESENT,
    /** Nothing stored: the id never had an event, or its values expired (the group's TTL). */
    MISSING,
    /**
     * A value, but older than the feature's {@code stale_after}: no newer window has closed since.
     */
    STALE
}
