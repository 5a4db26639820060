package dev.tessera.store;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The services' {@link RedisStore}, chosen by Quarkus' own Redis keys: with {@code
 * quarkus.redis.client-type=cluster}, a {@link ClusterRouter} over the seed nodes {@code
 * quarkus.redis.hosts}, each master's pool sized as Quarkus' client would be, with its password
 * (not yet its TLS configuration); otherwise the node behind Quarkus' client (TLS and credentials
 * included).
 */
@ApplicationScoped
public class RedisStoreProducer {

    @Produces
    @ApplicationScoped
    RedisStore redisStore(
            Vertx vertx,
            Redis redis,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone")
                    RedisClientType type,
            @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts,
            @ConfigProperty(name = "quarkus.redis.password") Optional<String> password,
            // Quarkus' own defaults.
            @ConfigProperty(name = "quarkus.redis.max-pool-size", defaultValue = "6")
                    int maxPoolSize,
            @ConfigProperty(name = "quarkus.redis.max-pool-waiting", defaultValue = "24")
                    int maxPoolWaiting) {
        if (type != RedisClientType.CLUSTER) {
            return RedisNode.of(redis);
        }
        return new ClusterRouter(
                vertx,
                new RedisOptions()
                        .setType(RedisClientType.CLUSTER)
                        .setEndpoints(new ArrayList<>(hosts))
                        .setMaxPoolSize(maxPoolSize)
                        .setMaxPoolWaiting(maxPoolWaiting)
                        .setPassword(password.orElse(null)));
    }

    void close(@Disposes RedisStore store) {
        if (store instanceof ClusterRouter router) {
            router.close();
        }
    }
}
