package dev.tessera.reader.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tessera.spec.serve.FeatureStatus;
import dev.tessera.spec.serve.Served;
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

    /** The JSON shape of a value as served. */
    public static FeatureValue of(Served served) {
        return new FeatureValue(
                served.value(),
                served.status(),
                served.eventTime() == null ? null : Instant.ofEpochMilli(served.eventTime()),
                served.ageMs());
    }
}
