package dev.tessera.gateway.messaging;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.StreamSchemas;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Registers every stream's schema from {@code features.yaml} at start-up, with the stream's
 * compatibility rule set on its artifact, before the gateway serves a request. A change the rule
 * refuses stops the gateway with {@code features.yaml:<line>}, the stream, the field and the
 * reason: nothing of it is ever produced. Then the producer is warmed up for each stream (see
 * {@link EventProducer#warmUp}), so that readiness means the first event is as fast as the rest.
 */
@Startup
@ApplicationScoped
public class StreamSchemaRegistration {

    private final FeatureSpec spec;
    private final GatewayConfig config;
    private final String registryUrl;
    private final EventProducer producer;

    public StreamSchemaRegistration(
            FeatureSpec spec,
            GatewayConfig config,
            @ConfigProperty(name = "apicurio.registry.url") String registryUrl,
            EventProducer producer) {
        this.spec = spec;
        this.config = config;
        this.registryUrl = registryUrl;
        this.producer = producer;
    }

    @PostConstruct
    void register() {
        for (StreamSchemas.Registered registered :
                new StreamSchemas(
                                spec, config.specPath().toString(), new RegistryClient(registryUrl))
                        .register()) {
            Log.infof(
                    "Stream '%s': schema version %s of '%s' (%s)",
                    registered.stream().name(),
                    registered.version().version(),
                    registered.stream().artifactId(),
                    registered.stream().compatibility());
        }
        for (Stream stream : spec.streams()) {
            try {
                producer.warmUp(stream.topic(), AvroSchemas.eventSchema(stream));
            } catch (RuntimeException e) {
                // Kafka not reachable yet: the first event does it, and waits.
                Log.warnf("Stream '%s': could not warm the producer up: %s", stream.name(), e);
            }
        }
    }
}
