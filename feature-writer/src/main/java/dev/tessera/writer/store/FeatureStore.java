package dev.tessera.writer.store;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.store.RedisLayout;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes feature updates to Redis through {@link RedisLayout}'s script, pipelined: a whole batch is
 * one round trip.
 */
@ApplicationScoped
public class FeatureStore {

    /** One update and the TTL of its group. */
    public record Write(FeatureUpdate update, Duration ttl) {}

    private final Redis redis;

    public FeatureStore(Redis redis) {
        this.redis = redis;
    }

    public Uni<Void> write(List<Write> writes) {
        List<Request> requests = new ArrayList<>(writes.size());
        for (Write write : writes) {
            Request eval =
                    Request.cmd(Command.EVALSHA)
                            .arg(RedisLayout.WRITE_SCRIPT_SHA)
                            .arg(1)
                            .arg(RedisLayout.key(write.update()));
            RedisLayout.writeArgs(write.update(), write.ttl()).forEach(eval::arg);
            requests.add(eval);
        }
        return redis.batch(requests)
                .onFailure(FeatureStore::isNoScript)
                // Redis lost its script cache (a restart): load the script and send the batch
                // again;
                // the writes are idempotent.
                .recoverWithUni(() -> loadScript().chain(() -> redis.batch(requests)))
                .replaceWithVoid();
    }

    private Uni<Void> loadScript() {
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(RedisLayout.WRITE_SCRIPT))
                .replaceWithVoid();
    }

    private static boolean isNoScript(Throwable failure) {
        // A batch reports the first failed command as "ERR [index] NOSCRIPT ...".
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }
}
