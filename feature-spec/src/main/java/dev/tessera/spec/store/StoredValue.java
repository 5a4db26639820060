package dev.tessera.spec.store;

/**
 * A feature value as read back from Redis.
 *
 * @param value the decoded value, or null when the feature's value is null
 * @param eventTime epoch millis the value is as of
 * @param version the version it was written with (the events it aggregates)
 */
public record StoredValue(Object value, long eventTime, long version) {}
