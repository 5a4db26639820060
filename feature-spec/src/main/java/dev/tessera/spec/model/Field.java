package dev.tessera.spec.model;

/** One field of a stream's events. An optional field may be absent or null. */
public record Field(String name, FieldType type, boolean optional) {}
