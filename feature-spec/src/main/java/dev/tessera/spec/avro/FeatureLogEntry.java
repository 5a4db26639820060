package dev.tessera.spec.avro;

import java.util.Map;

/**
 * What the feature reader served for one entity id; the Java side of {@code feature_log.avsc}.
 *
 * @param requestTime epoch millis: the reader's clock when it answered
 * @param features feature name to what was served, in the order asked
 */
public record FeatureLogEntry(
        long requestTime, String entity, String entityId, Map<String, LoggedFeature> features) {

    /** The topic the reader logs to unless configured otherwise. */
    public static final String DEFAULT_TOPIC = "feature-log";

    /**
     * One feature as served.
     *
     * @param value the served value encoded with {@link
     *     dev.tessera.spec.store.FeatureValueCodec#encode}, or null
     * @param status PRESENT, MISSING or STALE
     * @param eventTime epoch millis the value is as of, or null when MISSING
     */
    public record LoggedFeature(String value, String status, Long eventTime) {}
}
