package dev.tessera.reader.config;

import dev.tessera.spec.avro.FeatureLogEntry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** The reader's settings, under {@code tessera.*}. */
@ConfigMapping(prefix = "tessera")
public interface ReaderConfig {

    /** The {@code features.yaml} that says which features exist and where they are stored. */
    @WithDefault("features.yaml")
    Path specPath();

    Reader reader();

    interface Reader {

        /** The most entity ids one batch request may ask for. */
        @WithDefault("1000")
        int maxIdsPerRequest();

        /** Logged serving: what the reader answered, to a Kafka topic. */
        FeatureLog featureLog();
    }

    interface FeatureLog {

        /**
         * The share of requests logged, from 0 to 1: each entity id a sampled request answered is
         * one entry. 0, the default, logs nothing and needs no Kafka or registry.
         */
        @WithDefault("0")
        double rate();

        /** The topic entries are produced to, as Avro ({@code feature_log.avsc}). */
        @WithDefault(FeatureLogEntry.DEFAULT_TOPIC)
        String topic();
    }
}
