package dev.tessera.reader.config;

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
    }
}
