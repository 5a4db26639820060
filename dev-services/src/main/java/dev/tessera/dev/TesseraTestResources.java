package dev.tessera.dev;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Real Kafka, Redis and the dev schema registry for {@code @QuarkusTest}s:
 * {@code @QuarkusTestResource(TesseraTestResources.class)} (or {@code @WithTestResource}). The
 * returned configuration is {@link LocalInfra#config()}.
 *
 * <p>Quarkus creates this class itself, so the running infrastructure is reachable through static
 * accessors, for tests that need an Admin client or to stop Redis.
 */
public final class TesseraTestResources implements QuarkusTestResourceLifecycleManager {

    private static volatile LocalInfra infra;

    @Override
    public Map<String, String> start() {
        LocalInfra started = LocalInfra.start();
        infra = started;
        return started.config();
    }

    @Override
    public void stop() {
        LocalInfra running = infra;
        infra = null;
        if (running != null) {
            running.close();
        }
    }

    /**
     * @throws IllegalStateException if Quarkus has not started this resource
     */
    public static LocalInfra infra() {
        LocalInfra running = infra;
        if (running == null) {
            throw new IllegalStateException(
                    "TesseraTestResources is not running: annotate the test class with"
                            + " @QuarkusTestResource(TesseraTestResources.class)");
        }
        return running;
    }

    public static KafkaBroker kafka() {
        return infra().kafka();
    }

    public static RedisServer redis() {
        return infra().redis();
    }

    public static DevRegistry registry() {
        return infra().registry();
    }
}
