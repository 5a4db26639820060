package dev.tessera.dev;

import java.util.Map;

/**
 * The online store as tests and local runs start it: one {@link RedisServer}, or a {@link
 * RedisCluster}.
 */
public interface RedisDeployment extends AutoCloseable {

    /** Starts it and waits until it serves; after {@link #stop()}, it comes back with its data. */
    void start();

    /** Stops it (SIGTERM). */
    void stop();

    /** What Quarkus' Redis client needs to reach it: the {@code quarkus.redis.*} keys. */
    Map<String, String> clientConfig();

    @Override
    void close();
}
