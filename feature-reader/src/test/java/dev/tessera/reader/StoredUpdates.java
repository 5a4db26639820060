package dev.tessera.reader;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.RedisNode;
import io.vertx.mutiny.redis.client.Redis;
import java.util.List;

/** Stores feature updates the way the writer does (its commands, in order), for reader tests. */
final class StoredUpdates {

    private StoredUpdates() {}

    static void write(Redis redis, FeatureSpec spec, List<FeatureUpdate> updates) {
        RedisNode.of(redis.getDelegate())
                .send(RedisLayout.writes(spec, updates))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }
}
