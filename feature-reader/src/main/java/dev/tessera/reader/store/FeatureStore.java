package dev.tessera.reader.store;

import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.RedisNode;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Reads stored features with {@link RedisLayout}'s commands, all of a request in one round trip.
 */
@ApplicationScoped
public class FeatureStore {

    private final RedisNode redis;

    public FeatureStore(Redis redis) {
        this.redis = RedisNode.of(redis);
    }

    /**
     * What was stored for each read; fails with {@link StoreUnavailableException} when Redis does
     * not answer.
     */
    public Uni<List<RedisLayout.Stored>> read(List<RedisLayout.Read> reads) {
        return Uni.createFrom()
                .completionStage(() -> redis.send(RedisLayout.reads(reads)).toCompletionStage())
                .onFailure()
                .transform(StoreUnavailableException::new)
                .map(replies -> RedisLayout.stored(reads, replies));
    }
}
