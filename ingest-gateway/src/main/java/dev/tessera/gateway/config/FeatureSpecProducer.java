package dev.tessera.gateway.config;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Loads {@code features.yaml} at start-up, so a bad definition stops the gateway before it serves.
 */
public class FeatureSpecProducer {

    @Produces
    @Singleton
    @Startup
    FeatureSpec featureSpec(GatewayConfig config) {
        return SpecParser.parse(config.specPath());
    }

    /** The clock events' times are checked against ({@code max_future}). */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
