package dev.tessera.writer.store;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.store.RedisLayout;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes feature updates to Redis through {@link RedisLayout}'s scripts, pipelined: a whole batch
 * is one round trip.
 */
@ApplicationScoped
public class FeatureStore {

    /** One update and its feature group. */
    public record Write(FeatureUpdate update, FeatureGroup group) {}

    private final Redis redis;

    public FeatureStore(Redis redis) {
        this.redis = redis;
    }

    public Uni<Void> write(List<Write> writes) {
        List<Request> requests = new ArrayList<>(writes.size());
        for (Write write : writes) {
            Request eval = Request.cmd(Command.EVALSHA);
            RedisLayout.evalShaArgs(write.update(), write.group()).forEach(eval::arg);
            if (write.update().tile() != null) {
                eval.arg(Buffer.buffer(RedisLayout.encodeTile(write.update())));
            }
            requests.add(eval);
        }
        return redis.batch(requests)
                .onFailure(FeatureStore::isNoScript)
                // Redis lost its script cache (a restart): load the scripts and send the batch
                // again; the writes are idempotent.
                .recoverWithUni(() -> loadScripts().chain(() -> redis.batch(requests)))
                .replaceWithVoid();
    }

    private Uni<Void> loadScripts() {
        return redis.batch(
                        List.of(
                                Request.cmd(Command.SCRIPT)
                                        .arg("LOAD")
                                        .arg(RedisLayout.WRITE_SCRIPT),
                                Request.cmd(Command.SCRIPT)
                                        .arg("LOAD")
                                        .arg(RedisLayout.WRITE_TILE_SCRIPT)))
                .replaceWithVoid();
    }

    private static boolean isNoScript(Throwable failure) {
        // A batch reports the first failed command as "ERR [index] NOSCRIPT ...".
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }
}
