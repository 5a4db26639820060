package dev.tessera.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** The gateway's settings, under {@code tessera.*}. */
@ConfigMapping(prefix = "tessera")
public interface GatewayConfig {

    /** The {@code features.yaml} the gateway validates events against. */
    @WithDefault("features.yaml")
    Path specPath();

    Gateway gateway();

    interface Gateway {

        /**
         * A request body larger than this is refused with 413; also the HTTP layer's limit ({@code
         * quarkus.http.limits.max-body-size}), with the default in application.properties.
         */
        int maxBodyBytes();

        /** A request with more events than this is refused with 413. */
        @WithDefault("10000")
        int maxEventsPerRequest();

        /** The longest entity id accepted, in characters. */
        @WithDefault("256")
        int maxEntityIdLength();

        /**
         * How long to wait for Kafka to acknowledge every event of a request before answering 503.
         */
        @WithDefault("15s")
        Duration produceTimeout();

        /** The {@code Retry-After} sent with a 503. */
        @WithDefault("5s")
        Duration retryAfter();
    }
}
