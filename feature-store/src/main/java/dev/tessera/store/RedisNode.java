package dev.tessera.store;

import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.RedisReply;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One Redis node that {@link RedisLayout}'s commands are sent to, each call one pipelined round
 * trip; the project's one script runner. The layout's scripts are loaded on the node when it first
 * answers NOSCRIPT (a new or restarted node, a flushed script cache), and the commands are sent
 * again: what the scripts write is idempotent. Loading is per node: {@link ClusterRouter} keeps one
 * for each master.
 */
public final class RedisNode implements RedisStore {

    private final Function<List<Request>, Future<List<Response>>> batch;

    private RedisNode(Function<List<Request>, Future<List<Response>>> batch) {
        this.batch = batch;
    }

    /** The node behind a client's connection pool: a single Redis server. */
    public static RedisNode of(Redis client) {
        return new RedisNode(client::batch);
    }

    /** Sends the commands in one round trip; fails with the first error Redis answered. */
    @Override
    public Future<List<RedisReply>> send(List<RedisCommand> commands) {
        List<Request> requests = requests(commands);
        return batch.apply(requests)
                .recover(
                        failure ->
                                isNoScript(failure)
                                        ? batch.apply(requests(RedisLayout.loadScripts()))
                                                .compose(loaded -> batch.apply(requests))
                                        : Future.failedFuture(failure))
                .map(RedisNode::replies);
    }

    @Override
    public Future<List<String>> keysOf(String entity) {
        return send(List.of(RedisLayout.keysOf(entity)))
                .map(
                        replies ->
                                replies.get(0).elements().stream()
                                        .map(key -> new String(key, StandardCharsets.UTF_8))
                                        .toList());
    }

    private static List<Request> requests(List<RedisCommand> commands) {
        List<Request> requests = new ArrayList<>(commands.size());
        for (RedisCommand command : commands) {
            Request request = Request.cmd(Command.create(command.name()));
            command.args().forEach(request::arg);
            requests.add(request);
        }
        return requests;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }

    private static List<RedisReply> replies(List<Response> responses) {
        List<RedisReply> replies = new ArrayList<>(responses.size());
        responses.forEach(response -> replies.add(new Reply(response)));
        return replies;
    }

    /** A Vert.x reply as the layout reads it; null when Redis answered nil. */
    private record Reply(Response response) implements RedisReply {

        @Override
        public List<byte[]> elements() {
            int size = response == null ? 0 : response.size();
            List<byte[]> elements = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                Response element = response.get(i);
                elements.add(element == null ? null : element.toBytes());
            }
            return elements;
        }

        /** A map under RESP3, a flat field/value array under RESP2. */
        @Override
        public Map<String, byte[]> fields() {
            Map<String, byte[]> fields = new LinkedHashMap<>();
            if (response == null) {
                return fields;
            }
            if (response.isMap()) {
                for (String key : response.getKeys()) {
                    fields.put(key, response.get(key).toBytes());
                }
            } else {
                for (int i = 0; i + 1 < response.size(); i += 2) {
                    fields.put(response.get(i).toString(), response.get(i + 1).toBytes());
                }
            }
            return fields;
        }
    }
}
