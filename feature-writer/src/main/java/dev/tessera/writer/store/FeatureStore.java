package dev.tessera.writer.store;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.RedisStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes feature updates to Redis with {@link RedisLayout}'s commands, pipelined: a whole batch is
 * one round trip per Redis node ({@link RedisStore}: one server, or a cluster's masters; scripts
 * loaded where Redis lacks them).
 */
@ApplicationScoped
public class FeatureStore {

    /** One update and its feature group. */
    public record Write(FeatureUpdate update, FeatureGroup group) {}

    private final RedisStore redis;

    public FeatureStore(RedisStore redis) {
        this.redis = redis;
    }

    /**
     * Fails with {@link UnwritableUpdateException} when some update of the batch can never be
     * written (which one is not told: write it alone to know); with anything else while Redis
     * cannot be reached or answers that it cannot serve yet (LOADING, READONLY, a cluster failing
     * over...): worth a retry.
     */
    public Uni<Void> write(List<Write> writes) {
        List<RedisCommand> commands = new ArrayList<>(writes.size());
        try {
            for (Write write : writes) {
                commands.add(RedisLayout.write(write.update(), write.group()));
            }
        } catch (RuntimeException e) {
            return Uni.createFrom()
                    .failure(new UnwritableUpdateException(UnwritableUpdateException.CODEC, e));
        }
        // A supplier: every retry sends the batch again.
        return Uni.createFrom()
                .completionStage(() -> redis.send(commands).toCompletionStage())
                .onFailure(e -> refusal(e) != null)
                .transform(e -> new UnwritableUpdateException(refusal(e), e))
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
}
