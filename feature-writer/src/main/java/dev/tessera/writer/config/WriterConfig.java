package dev.tessera.writer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** The writer's settings, under {@code tessera.*}. */
@ConfigMapping(prefix = "tessera")
public interface WriterConfig {

    /** The {@code features.yaml} that gives each feature group's TTL. */
    @WithDefault("features.yaml")
    Path specPath();

    Writer writer();

    interface Writer {

        /** First pause before writing a batch again while Redis fails; it doubles up to the max. */
        @WithDefault("100ms")
        Duration retryInitialBackoff();

        @WithDefault("5s")
        Duration retryMaxBackoff();
    }
}
