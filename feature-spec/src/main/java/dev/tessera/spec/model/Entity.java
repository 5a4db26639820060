package dev.tessera.spec.model;

/**
 * Something features describe, such as a user. {@code key} names the event field holding its id.
 */
public record Entity(String name, String key) {}
