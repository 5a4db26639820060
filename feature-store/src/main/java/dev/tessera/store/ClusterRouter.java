package dev.tessera.store;

import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisReply;
import dev.tessera.spec.store.RedisSlots;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A Redis Cluster's masters as one store. Each command goes to the master of its key's slot ({@link
 * RedisSlots}); the commands of one call are grouped by master and sent as one pipeline each, all
 * at once, so a call costs one round trip per master it touches (Vert.x's own cluster client
 * refuses a pipeline across slots). Which master serves which slot comes from {@code CLUSTER
 * SLOTS}, asked of a known node, again on MOVED. MOVED and ASK are followed (ASK with {@code
 * ASKING} before each command), a few times per call. Any other failure (a master gone, a failover
 * under way) fails the call, and the topology is asked again, so the caller's next try goes to the
 * master that took over. Each master is a {@link RedisNode}: it loads the scripts when it answers
 * NOSCRIPT (a promoted replica does not have them).
 */
public final class ClusterRouter implements RedisStore, AutoCloseable {

    private static final int MAX_REDIRECTS = 5;
    private static final int DEFAULT_PORT = 6379;

    /** Failures within this of a topology refresh do not ask for another. */
    private static final long REFRESH_INTERVAL_NANOS = 100_000_000L;

    private static final RedisCommand ASKING = RedisCommand.of("ASKING");

    /** Which master serves each slot (null where none does), and the masters, as host:port. */
    private record Topology(String[] owners, List<String> masters) {}

    /** One node's client and the script runner on it. */
    private record Node(Redis client, RedisNode store) {}

    /** A MOVED or ASK reply: the slot's master, for good or for the next command only. */
    private record Redirect(boolean ask, int slot, String endpoint) {

        private static final Pattern PATTERN = Pattern.compile("\\b(MOVED|ASK) (\\d+) (\\S+)");

        /**
         * The redirect a failure reports, or null when it reports none. A pipeline's failure names
         * the failed command's place first ("ERR [3] MOVED 3999 host:port").
         */
        static Redirect of(Throwable failure) {
            Matcher matcher =
                    failure.getMessage() == null ? null : PATTERN.matcher(failure.getMessage());
            if (matcher == null || !matcher.find()) {
                return null;
            }
            return new Redirect(
                    matcher.group(1).equals("ASK"),
                    Integer.parseInt(matcher.group(2)),
                    matcher.group(3));
        }
    }

    private final Vertx vertx;
    private final RedisOptions options;
    private final String scheme;
    private final String userInfo;
    private final String query;
    private final List<String> seeds = new ArrayList<>();
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();

    private volatile Topology topology;
    private Future<Topology> refreshing;
    private long refreshedAt;

    /**
     * A router over the cluster whose seed nodes are {@code options}' endpoints; each master gets a
     * single-node client with {@code options}' other settings (pool sizes, password...), and the
     * first seed's scheme, user and parameters ({@code ?user=}).
     */
    public ClusterRouter(Vertx vertx, RedisOptions options) {
        this.vertx = vertx;
        this.options = options;
        URI first = URI.create(options.getEndpoints().get(0));
        this.scheme = first.getScheme();
        this.userInfo = first.getRawUserInfo();
        this.query = first.getRawQuery();
        for (String endpoint : options.getEndpoints()) {
            URI uri = URI.create(endpoint);
            seeds.add(uri.getHost() + ":" + (uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort()));
        }
    }

    @Override
    public Future<List<RedisReply>> send(List<RedisCommand> commands) {
        RedisReply[] replies = new RedisReply[commands.size()];
        List<Integer> all = IntStream.range(0, commands.size()).boxed().toList();
        return topology()
                .compose(known -> route(commands, all, replies, Map.of(), known, 0))
                .map(done -> Arrays.asList(replies));
    }

    @Override
    public Future<List<String>> keysOf(String entity) {
        return topology()
                .compose(
                        known -> {
                            List<Future<List<String>>> ofMasters = new ArrayList<>();
                            known.masters()
                                    .forEach(
                                            master ->
                                                    ofMasters.add(
                                                            node(master).store().keysOf(entity)));
                            return Future.all(ofMasters)
                                    .map(
                                            all -> {
                                                List<String> keys = new ArrayList<>();
                                                for (int i = 0; i < all.size(); i++) {
                                                    keys.addAll(all.resultAt(i));
                                                }
                                                return keys;
                                            });
                        });
    }

    @Override
    public void close() {
        nodes.values().forEach(node -> node.client().close());
        nodes.clear();
    }

    /**
     * Sends the commands at {@code indices} to their masters, one pipeline per master, filling
     * {@code replies}. {@code asking} sends a slot's commands, after ASKING, to the node an ASK
     * named.
     */
    private Future<Void> route(
            List<RedisCommand> commands,
            List<Integer> indices,
            RedisReply[] replies,
            Map<Integer, String> asking,
            Topology known,
            int redirects) {
        Map<String, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i : indices) {
            Optional<Integer> slot = RedisSlots.of(commands.get(i));
            String endpoint =
                    slot.isEmpty()
                            ? known.masters().get(0)
                            : asking.getOrDefault(slot.get(), known.owners()[slot.get()]);
            if (endpoint == null) {
                refreshSoon();
                return Future.failedFuture(
                        new IllegalStateException(
                                "CLUSTERDOWN no master serves slot " + slot.get()));
            }
            byNode.computeIfAbsent(endpoint, ignored -> new ArrayList<>()).add(i);
        }
        List<Future<Void>> sent = new ArrayList<>(byNode.size());
        byNode.forEach(
                (endpoint, ofNode) ->
                        sent.add(
                                sendTo(
                                        endpoint, commands, ofNode, replies, asking, known,
                                        redirects)));
        return Future.all(sent).mapEmpty();
    }

    private Future<Void> sendTo(
            String endpoint,
            List<RedisCommand> commands,
            List<Integer> indices,
            RedisReply[] replies,
            Map<Integer, String> asking,
            Topology known,
            int redirects) {
        List<RedisCommand> pipeline = new ArrayList<>(indices.size());
        // Where each command's reply is in the pipeline's, past the ASKINGs.
        int[] positions = new int[indices.size()];
        for (int k = 0; k < indices.size(); k++) {
            RedisCommand command = commands.get(indices.get(k));
            if (!asking.isEmpty()
                    && RedisSlots.of(command).map(asking::containsKey).orElse(false)) {
                pipeline.add(ASKING);
            }
            positions[k] = pipeline.size();
            pipeline.add(command);
        }
        return node(endpoint)
                .store()
                .send(pipeline)
                .<Void>map(
                        answered -> {
                            for (int k = 0; k < indices.size(); k++) {
                                replies[indices.get(k)] = answered.get(positions[k]);
                            }
                            return null;
                        })
                .recover(
                        failure -> {
                            Redirect redirect = Redirect.of(failure);
                            if (redirect == null || redirects >= MAX_REDIRECTS) {
                                refreshSoon();
                                return Future.failedFuture(failure);
                            }
                            // What the pipeline wrote before the redirect, it writes again:
                            // the layout's writes are idempotent.
                            if (redirect.ask()) {
                                Map<Integer, String> next = new HashMap<>(asking);
                                next.put(redirect.slot(), redirect.endpoint());
                                return route(
                                        commands, indices, replies, next, known, redirects + 1);
                            }
                            return refresh()
                                    .compose(
                                            fresh ->
                                                    route(
                                                            commands,
                                                            indices,
                                                            replies,
                                                            asking,
                                                            fresh,
                                                            redirects + 1));
                        });
    }

    /** The topology known, asked for the first time if none is. */
    private Future<Topology> topology() {
        Topology known = topology;
        return known != null ? Future.succeededFuture(known) : refresh();
    }

    /** Asks for the topology again unless it was just asked for; not waited for. */
    private void refreshSoon() {
        synchronized (this) {
            if (System.nanoTime() - refreshedAt < REFRESH_INTERVAL_NANOS) {
                return;
            }
        }
        refresh();
    }

    /** Asks a node for the topology; one request at a time, the others waiting for it. */
    private synchronized Future<Topology> refresh() {
        if (refreshing != null) {
            return refreshing;
        }
        Set<String> candidates = new LinkedHashSet<>();
        Topology known = topology;
        if (known != null) {
            candidates.addAll(known.masters());
        }
        candidates.addAll(seeds);
        candidates.addAll(nodes.keySet());
        Future<Topology> asked = ask(new ArrayList<>(candidates), 0, null);
        refreshing = asked;
        asked.onComplete(
                done -> {
                    synchronized (this) {
                        refreshing = null;
                        refreshedAt = System.nanoTime();
                        if (done.succeeded()) {
                            topology = done.result();
                        }
                    }
                });
        return asked;
    }

    /** {@code CLUSTER SLOTS} of the first candidate from {@code next} on that answers. */
    private Future<Topology> ask(List<String> candidates, int next, Throwable last) {
        if (next == candidates.size()) {
            return Future.failedFuture(
                    new IllegalStateException(
                            "no node of the Redis Cluster answers CLUSTER SLOTS: " + last, last));
        }
        String endpoint = candidates.get(next);
        return node(endpoint)
                .client()
                .send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .map(slots -> topologyOf(slots, endpoint))
                .recover(failure -> ask(candidates, next + 1, failure));
    }

    /** Reads a CLUSTER SLOTS reply: per range, its first and last slot, then its master. */
    private static Topology topologyOf(Response slots, String answeredBy) {
        String[] owners = new String[RedisSlots.COUNT];
        Set<String> masters = new LinkedHashSet<>();
        for (int r = 0; r < slots.size(); r++) {
            Response range = slots.get(r);
            Response master = range.get(2);
            String host = master.get(0).toString();
            // An empty host is the answering node's own.
            if (host.isEmpty() || host.equals("?")) {
                host = answeredBy.substring(0, answeredBy.lastIndexOf(':'));
            }
            String endpoint = host + ":" + master.get(1).toInteger();
            masters.add(endpoint);
            Arrays.fill(owners, range.get(0).toInteger(), range.get(1).toInteger() + 1, endpoint);
        }
        if (masters.isEmpty()) {
            throw new IllegalStateException(answeredBy + " serves no slots: no cluster yet");
        }
        return new Topology(owners, List.copyOf(masters));
    }

    /** The client of a node, host:port, made on first use. */
    private Node node(String endpoint) {
        return nodes.computeIfAbsent(
                endpoint,
                ignored -> {
                    String uri =
                            scheme + "://" + (userInfo == null ? "" : userInfo + "@") + endpoint;
                    Redis client =
                            Redis.createClient(
                                    vertx,
                                    new RedisOptions(options)
                                            .setType(RedisClientType.STANDALONE)
                                            .setEndpoints(new ArrayList<>(List.of(uri))));
                    return new Node(client, RedisNode.of(client));
                });
    }
}
