package dev.tessera.spec.avro;

import java.util.Map;

/**
 * New values of some features of one entity id as of one event time; the Java side of {@code
 * feature_update.avsc}.
 *
 * @param eventTime epoch millis the values are as of (the end of the window)
 * @param values feature name to value ({@link Long}, {@link Double}, {@link String} or null)
 */
public record FeatureUpdate(
        String entity, String entityId, String group, long eventTime, Map<String, Object> values) {}
