package dev.tessera.reader;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/** Stores feature updates the way the writer does (its scripts, in order), for reader tests. */
final class StoredUpdates {

    private StoredUpdates() {}

    static void write(Redis redis, FeatureSpec spec, List<FeatureUpdate> updates) {
        List<Request> requests = new ArrayList<>();
        requests.add(Request.cmd(Command.SCRIPT).arg("LOAD").arg(RedisLayout.WRITE_SCRIPT));
        requests.add(Request.cmd(Command.SCRIPT).arg("LOAD").arg(RedisLayout.WRITE_TILE_SCRIPT));
        for (FeatureUpdate update : updates) {
            Request eval = Request.cmd(Command.EVALSHA);
            RedisLayout.evalShaArgs(update, spec.group(update.group()).orElseThrow())
                    .forEach(eval::arg);
            if (update.tile() != null) {
                eval.arg(Buffer.buffer(RedisLayout.encodeTile(update)));
            }
            requests.add(eval);
        }
        redis.batch(requests).await().indefinitely();
    }
}
