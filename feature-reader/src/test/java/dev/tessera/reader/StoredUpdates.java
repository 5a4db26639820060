package dev.tessera.reader;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.RedisStore;
import java.util.List;

/** Stores feature updates the way the writer does (its commands, in order), for reader tests. */
final class StoredUpdates {

    private StoredUpdates() {}

    static void write(RedisStore redis, FeatureSpec spec, List<FeatureUpdate> updates) {
        redis.send(RedisLayout.writes(spec, updates))
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }
}
