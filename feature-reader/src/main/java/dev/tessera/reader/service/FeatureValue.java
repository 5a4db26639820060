package dev.tessera.reader.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One feature of one entity id as served.
 *
 * @param eventTime the event time the value is as of (the end of its window); null when MISSING
 * @param ageMs how long before the request that event time was; null when MISSING
 */
public record FeatureValue(
        Object value,
        FeatureStatus status,
        @JsonProperty("event_time") Instant eventTime,
        @JsonProperty("age_ms") Long ageMs) {

    public static final FeatureValue MISSING =
            new FeatureValue(null, FeatureStatus.MISSING, null, null);
}
