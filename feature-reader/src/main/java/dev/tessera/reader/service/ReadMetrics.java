package dev.tessera.reader.service;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.serve.FeatureStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reader's metrics. Features served are counted per feature and status, registered up front for
 * every feature of {@code features.yaml} (a bounded set, and every series exists from the start, so
 * rates and ratios work before the first read).
 */
@ApplicationScoped
public class ReadMetrics {

    /** Buckets around the serving target (one Redis round trip: a few milliseconds). */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofSeconds(1)
    };

    private final MeterRegistry registry;
    private final Map<String, Map<FeatureStatus, Counter>> served = new HashMap<>();
    private final Counter redisErrors;
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    public ReadMetrics(MeterRegistry registry, FeatureSpec spec) {
        this.registry = registry;
        for (Feature feature :
                spec.groups().stream().flatMap(g -> g.features().stream()).toList()) {
            Map<FeatureStatus, Counter> byStatus = new EnumMap<>(FeatureStatus.class);
            for (FeatureStatus status : FeatureStatus.values()) {
                byStatus.put(
                        status,
                        Counter.builder("tessera.reader.features.served")
                                .description("Feature values answered, by feature and status")
                                .tag("feature", feature.name())
                                .tag("status", status.name())
                                .register(registry));
            }
            served.put(feature.name(), byStatus);
        }
        this.redisErrors =
                Counter.builder("tessera.reader.redis.errors")
                        .description("Requests that failed because Redis did not answer")
                        .register(registry);
    }

    public void served(String feature, FeatureStatus status) {
        served.get(feature).get(status).increment();
    }

    public void redisError() {
        redisErrors.increment();
    }

    /** The latency of one request to {@code endpoint}, whatever its outcome. */
    public void request(String endpoint, Duration latency) {
        // Registered once per endpoint: building and registering a meter per request costs a
        // builder, tags and a registry lookup on the hot path.
        latencies
                .computeIfAbsent(
                        endpoint,
                        name ->
                                Timer.builder("tessera.reader.request.latency")
                                        .description("Time to answer a feature request")
                                        .tag("endpoint", name)
                                        .serviceLevelObjectives(LATENCY_BUCKETS)
                                        .register(registry))
                .record(latency);
    }
}
