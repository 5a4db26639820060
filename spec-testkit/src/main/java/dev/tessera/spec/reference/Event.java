package dev.tessera.spec.reference;

import java.util.Map;

/** One event of a stream, as the reference implementation takes it. */
public record Event(String stream, String entityId, long eventTime, Map<String, Object> fields) {}
