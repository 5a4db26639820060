package dev.tessera.job;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of the {@link Partial}s of one {@link FeatureSet}: serialized by {@link
 * PartialSerializer}.
 */
final class PartialTypeInfo extends TypeInformation<Partial> {

    private static final long serialVersionUID = 1L;

    private final FeatureSet features;

    PartialTypeInfo(FeatureSet features) {
        this.features = features;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<Partial> getTypeClass() {
        return Partial.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Partial> createSerializer(SerializerConfig config) {
        return new PartialSerializer(features);
    }

    @Override
    public String toString() {
        return "Partial" + features;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartialTypeInfo other && other.features.equals(features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof PartialTypeInfo;
    }
}
