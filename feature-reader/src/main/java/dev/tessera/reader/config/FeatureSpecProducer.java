package dev.tessera.reader.config;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Loads {@code features.yaml} at start-up, so a bad definition stops the reader before it serves.
 */
public class FeatureSpecProducer {

    @Produces
    @Singleton
    @Startup
    FeatureSpec featureSpec(ReaderConfig config) {
        return SpecParser.parse(config.specPath());
    }

    /** The clock ages and rolling windows are measured with (normal-scoped: tests replace it). */
    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
