package dev.tessera.dev;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Real Kafka, Redis and Apicurio Registry for {@code @QuarkusTest}s:
 * {@code @QuarkusTestResource(TesseraTestResources.class)} (or {@code @WithTestResource}). The
 * returned configuration is {@link LocalInfra#config()}, and {@link JwtIssuer#serviceConfig()} of a
 * key pair in its data directory, so the services trust {@link #jwt()}'s tokens.
 *
 * <p>Quarkus creates this class itself, so the running infrastructure is reachable through static
 * accessors, for tests that need an Admin client or to stop Redis.
 */
public final class TesseraTestResources implements QuarkusTestResourceLifecycleManager {

    /** The init argument that makes the online store a Redis Cluster: {@code redis=cluster}. */
    public static final String REDIS_ARG = "redis";

    private static volatile LocalInfra infra;
    private static volatile JwtIssuer jwt;

    private boolean redisCluster;

    @Override
    public void init(Map<String, String> initArgs) {
        redisCluster = "cluster".equals(initArgs.get(REDIS_ARG));
    }

    @Override
    public Map<String, String> start() {
        LocalInfra started = redisCluster ? LocalInfra.startWithRedisCluster() : LocalInfra.start();
        infra = started;
        jwt = JwtIssuer.loadOrCreate(started.dataDir().resolve("jwt"));
        Map<String, String> config = new LinkedHashMap<>(started.config());
        config.putAll(jwt.serviceConfig());
        return config;
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

    /** Mints the bearer tokens the services under test trust. */
    public static JwtIssuer jwt() {
        infra();
        return jwt;
    }

    public static KafkaCluster kafka() {
        return infra().kafka();
    }

    public static RedisServer redis() {
        return infra().redis();
    }

    /** The online store, one redis-server or a Redis Cluster: to stop and start it. */
    public static RedisDeployment redisDeployment() {
        return infra().redisDeployment();
    }

    public static ApicurioRegistry registry() {
        return infra().registry();
    }
}
