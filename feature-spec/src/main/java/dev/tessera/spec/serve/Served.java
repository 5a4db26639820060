package dev.tessera.spec.serve;

/**
 * One feature of one entity id as a read at a moment serves it: by the reader online, and by a
 * training set as of a spine row's time.
 *
 * @param value the value, as served (see {@code Feature#serve}); null when MISSING or null
 * @param eventTime the event time the value is as of (the end of its window); null when MISSING
 * @param ageMs how long before the read that event time was; null when MISSING
 */
public record Served(Object value, FeatureStatus status, Long eventTime, Long ageMs) {

    public static final Served MISSING = new Served(null, FeatureStatus.MISSING, null, null);
}
