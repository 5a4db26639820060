package dev.tessera.spec.model;

/**
 * Which schema changes of a stream the registry accepts, as Apicurio Registry's (and Confluent's)
 * compatibility rule names them. BACKWARD: consumers of the new version read events of the previous
 * one. FORWARD: consumers of the previous version read events of the new one. FULL: both. The
 * {@code _TRANSITIVE} forms hold against every earlier version, not just the latest.
 */
public enum Compatibility {
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE,
    NONE
}
