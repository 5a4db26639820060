package dev.tessera.spec.agg;

import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.ValueType;

/**
 * What an aggregation without an argument has: a name, a result type whatever the field's type,
 * whether it reads a field, and an encoding of its accumulator that starts with a format version.
 */
abstract class SimpleAggregation implements Aggregation {

    private final String name;
    private final ValueType valueType;
    private final boolean needsField;
    private final int format;

    SimpleAggregation(String name, ValueType valueType, boolean needsField, int format) {
        this.name = name;
        this.valueType = valueType;
        this.needsField = needsField;
        this.format = format;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public ValueType valueType(FieldType fieldType) {
        return valueType;
    }

    @Override
    public final boolean needsField() {
        return needsField;
    }

    @Override
    public final Accumulator decode(byte[] encoded) {
        Encoding.Reader in = new Encoding.Reader(encoded, format, name);
        Accumulator accumulator = read(in);
        in.end();
        return accumulator;
    }

    /** The accumulator whose {@link Accumulator#encode()} wrote what follows the format. */
    abstract Accumulator read(Encoding.Reader in);

    @Override
    public final String toString() {
        return name;
    }
}
