package dev.tessera.job;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/** The producing side of the tests: events written with the real Apicurio serializer. */
final class Registries {

    private Registries() {}

    /** The job's serde configuration plus auto-registration, as the event producers have it. */
    static Map<String, Object> producerSerdeConfig(String registryUrl) {
        Map<String, Object> config = KafkaConnectors.serdeConfig(registryUrl);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        return config;
    }

    static AvroKafkaSerializer<GenericRecord> serializer(String registryUrl) {
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(producerSerdeConfig(registryUrl), false);
        return serializer;
    }
}
