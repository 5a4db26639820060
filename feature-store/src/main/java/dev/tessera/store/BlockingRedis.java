package dev.tessera.store;

import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.RedisReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The services' Redis client with a Vert.x of its own, each call waited for: for the callers
 * outside the services (the end-to-end tests, the benchmark). A single server's, or a Redis
 * Cluster's when the options' type is cluster.
 */
public final class BlockingRedis implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final AutoCloseable client;
    private final RedisStore store;

    public BlockingRedis(RedisOptions options) {
        this.vertx = Vertx.vertx();
        if (options.getType() == RedisClientType.CLUSTER) {
            ClusterRouter router = new ClusterRouter(vertx, options);
            this.client = router;
            this.store = router;
        } else {
            Redis redis = Redis.createClient(vertx, options);
            this.client = redis::close;
            this.store = RedisNode.of(redis);
        }
    }

    /** A client of the server at {@code uri}, {@code redis://host:port}. */
    public static BlockingRedis connect(String uri) {
        return new BlockingRedis(new RedisOptions().setConnectionString(uri));
    }

    /**
     * A client of the Redis Cluster whose seed nodes are {@code uris}, {@code redis://host:port}.
     */
    public static BlockingRedis connectCluster(List<String> uris) {
        return new BlockingRedis(
                new RedisOptions()
                        .setType(RedisClientType.CLUSTER)
                        .setEndpoints(new ArrayList<>(uris)));
    }

    /** The store behind this client, for calls not waited for. */
    public RedisStore store() {
        return store;
    }

    /** Sends the commands: see {@link RedisStore#send}. */
    public List<RedisReply> send(List<RedisCommand> commands) {
        return await(store.send(commands));
    }

    /** The keys of every hash of one entity: see {@link RedisStore#keysOf}. */
    public List<String> keysOf(String entity) {
        return await(store.keysOf(entity));
    }

    /** What was stored for each read: see {@link RedisStore#read}. */
    public List<RedisLayout.Stored> read(List<RedisLayout.Read> reads) {
        return await(store.read(reads));
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Redis client failed", e);
        }
        await(vertx.close());
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage()
                    .toCompletableFuture()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Redis failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Redis in " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Redis", e);
        }
    }
}
