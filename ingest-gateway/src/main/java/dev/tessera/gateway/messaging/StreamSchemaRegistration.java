package dev.tessera.gateway.messaging;

import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.spec.model.FeatureSpec;
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
 * reason: nothing of it is ever produced.
 */
@Startup
@ApplicationScoped
public class StreamSchemaRegistration {

    private final FeatureSpec spec;
    private final GatewayConfig config;
    private final String registryUrl;

    public StreamSchemaRegistration(
            FeatureSpec spec,
            GatewayConfig config,
            @ConfigProperty(name = "apicurio.registry.url") String registryUrl) {
        this.spec = spec;
        this.config = config;
        this.registryUrl = registryUrl;
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
    }
}
