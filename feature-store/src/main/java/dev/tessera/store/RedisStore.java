package dev.tessera.store;

import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.RedisReply;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where {@link RedisLayout}'s commands go: one Redis server ({@link RedisNode}) or a Redis
 * Cluster's masters ({@link ClusterRouter}), each call pipelined, one round trip per node.
 */
public interface RedisStore {

    /** Sends the commands, one round trip per node; fails with the first error Redis answered. */
    Future<List<RedisReply>> send(List<RedisCommand> commands);

    /**
     * The keys of every hash of one entity ({@link RedisLayout#keysOf}), from every master: for
     * tests and tools only, since it walks the whole key space.
     */
    Future<List<String>> keysOf(String entity);

    /** What was stored for each read. */
    default Future<List<RedisLayout.Stored>> read(List<RedisLayout.Read> reads) {
        return send(RedisLayout.reads(reads)).map(replies -> RedisLayout.stored(reads, replies));
    }
}
