package dev.tessera.spec.reference;

/** An event the pipeline drops for a feature group because it came too late. */
public record LateEvent(Event event, String group, String reason) {}
