package dev.tessera.spec.model;

/** The type of a served feature value. */
public enum ValueType {
    LONG,
    DOUBLE,
    STRING
}
