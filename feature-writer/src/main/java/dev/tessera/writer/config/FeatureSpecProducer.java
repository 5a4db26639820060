package dev.tessera.writer.config;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.writer.messaging.Channels;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Loads {@code features.yaml} at start-up, so a bad definition stops the writer before it consumes.
 */
public class FeatureSpecProducer {

    @Produces
    @Singleton
    @Startup
    FeatureSpec featureSpec(
            WriterConfig config,
            @ConfigProperty(name = "mp.messaging.incoming." + Channels.FEATURE_UPDATES + ".topic")
                    String topic) {
        FeatureSpec spec = SpecParser.parse(config.specPath());
        if (!spec.featureTopic().equals(topic)) {
            throw new IllegalStateException(
                    "the writer consumes topic '"
                            + topic
                            + "' but "
                            + config.specPath()
                            + " sends feature updates to '"
                            + spec.featureTopic()
                            + "'");
        }
        return spec;
    }
}
