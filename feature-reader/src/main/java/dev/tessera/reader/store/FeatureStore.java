package dev.tessera.reader.store;

import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.RedisStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Reads stored features with {@link RedisLayout}'s commands, all of a request in one round trip per
 * Redis node ({@link RedisStore}: one server, or each master of a cluster at most once).
 */
@ApplicationScoped
public class FeatureStore {

    private final RedisStore redis;

    public FeatureStore(RedisStore redis) {
        this.redis = redis;
    }

    /**
     * What was stored for each read; fails with {@link StoreUnavailableException} when Redis does
     * not answer.
     */
    public Uni<List<RedisLayout.Stored>> read(List<RedisLayout.Read> reads) {
        return Uni.createFrom()
                .completionStage(() -> redis.read(reads).toCompletionStage())
                .onFailure()
                .transform(StoreUnavailableException::new);
    }
}
