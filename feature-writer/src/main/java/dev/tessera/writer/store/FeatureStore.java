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

    /**
     * Fails with {@link UnwritableUpdateException} when some update of the batch can never be
     * written (which one is not told: write it alone to know); with anything else while Redis
     * cannot be reached or answers that it cannot serve yet (LOADING, READONLY...): worth a retry.
     */
    public Uni<Void> write(List<Write> writes) {
        List<Request> requests = new ArrayList<>(writes.size());
        try {
            for (Write write : writes) {
                Request eval = Request.cmd(Command.EVALSHA);
                RedisLayout.evalShaArgs(write.update(), write.group()).forEach(eval::arg);
                if (write.update().tile() != null) {
                    eval.arg(Buffer.buffer(RedisLayout.encodeTile(write.update())));
                }
                requests.add(eval);
            }
        } catch (RuntimeException e) {
            return Uni.createFrom()
                    .failure(new UnwritableUpdateException(UnwritableUpdateException.CODEC, e));
        }
        return redis.batch(requests)
                .onFailure(FeatureStore::isNoScript)
                // Redis lost its script cache (a restart): load the scripts and send the batch
                // again; the writes are idempotent.
                .recoverWithUni(() -> loadScripts().chain(() -> redis.batch(requests)))
                .onFailure(e -> refusal(e) != null)
                .transform(e -> new UnwritableUpdateException(refusal(e), e))
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

    /**
     * The reason when Redis refused the data itself, null for any other failure: only these two
     * replies depend on the data alone. Redis 7 reports a failed call in a script with the call's
     * own error (WRONGTYPE...), and a Lua error in the script as "ERR user_script:LINE: ...".
     */
    private static String refusal(Throwable failure) {
        String message = failure.getMessage();
        if (message == null) {
            return null;
        }
        if (message.contains("WRONGTYPE")) {
            return UnwritableUpdateException.WRONG_TYPE;
        }
        if (message.contains("ERR user_script:")) {
            return UnwritableUpdateException.SCRIPT_ERROR;
        }
        return null;
    }

    private static boolean isNoScript(Throwable failure) {
        // A batch reports the first failed command as "ERR [index] NOSCRIPT ...".
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }
}
