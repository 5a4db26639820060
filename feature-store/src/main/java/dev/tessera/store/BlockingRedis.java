package dev.tessera.store;

import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.RedisReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The services' Redis client with a Vert.x of its own, each call waited for: for the callers
 * outside the services (the end-to-end tests, the benchmark).
 */
public final class BlockingRedis implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final Redis client;
    private final RedisNode node;

    public BlockingRedis(RedisOptions options) {
        this.vertx = Vertx.vertx();
        this.client = Redis.createClient(vertx, options);
        this.node = RedisNode.of(client);
    }

    /** A client of the server at {@code uri}, {@code redis://host:port}. */
    public static BlockingRedis connect(String uri) {
        return new BlockingRedis(new RedisOptions().setConnectionString(uri));
    }

    /** The node behind this client, for calls not waited for. */
    public RedisNode node() {
        return node;
    }

    /** Sends the commands in one round trip: see {@link RedisNode#send}. */
    public List<RedisReply> send(List<RedisCommand> commands) {
        return await(node.send(commands));
    }

    /** What was stored for each read: see {@link RedisNode#read}. */
    public List<RedisLayout.Stored> read(List<RedisLayout.Read> reads) {
        return await(node.read(reads));
    }

    @Override
    public void close() {
        client.close();
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
