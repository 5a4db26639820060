package dev.tessera.bench;

import dev.tessera.dev.RedisCluster;
import dev.tessera.dev.RedisServer;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.BlockingRedis;
import dev.tessera.store.RedisStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The online store's two paths, the writer's and the reader's, on a Redis Cluster (3 masters, a
 * replica each, {@link RedisCluster}) beside one redis-server, side by side in the same run: the
 * services' own client and commands ({@code feature-store}: {@code RedisNode} on the server, {@code
 * ClusterRouter} on the cluster), so the figures show what routing by slot costs or gains, without
 * HTTP or Kafka in between. Writes: batches of the writer's write script calls for many entities
 * (as one poll of the feature topic), spread over every master; reads: the reader's 1 x 50 and 100
 * x 10 requests.
 */
final class StoreBench {

    static final String SECTION = "store";
    static final int WRITE_BATCH = 500;
    static final int WRITES_IN_FLIGHT = 4;

    private final BenchContext context;
    private final FeatureSpec spec;
    private final RedisServer server;
    private final int ids;
    private final List<Feature> features;
    private final AtomicLong version = new AtomicLong();

    StoreBench(BenchContext context, FeatureSpec spec, RedisServer server) {
        this.context = context;
        this.spec = spec;
        this.server = server;
        this.ids = context.count(10_000, 200);
        this.features = spec.group(ReaderBench.GROUP).orElseThrow().features();
    }

    List<Figure> run() throws Exception {
        try (RedisCluster cluster = new RedisCluster(context.dataDir().resolve("redis-cluster"));
                BlockingRedis single = BlockingRedis.connect(server.uri())) {
            cluster.start();
            try (BlockingRedis clustered =
                    BlockingRedis.connectCluster(Arrays.asList(cluster.uris().split(",")))) {
                List<Figure> figures = new ArrayList<>();
                Map<String, Double> onServer = measure(single.store());
                Map<String, Double> onCluster = measure(clustered.store());
                onCluster.forEach(
                        (name, rate) ->
                                figures.add(
                                        Figure.compared(
                                                SECTION,
                                                name + ", Redis Cluster (3 masters + 3 replicas)",
                                                rate,
                                                name.startsWith("writes") ? "updates/s" : "req/s",
                                                onServer.get(name),
                                                "one redis-server, the same client and load")));
                return figures;
            }
        }
    }

    /** Each load on one store, closed loop: its rate by name. */
    private Map<String, Double> measure(RedisStore store) throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        Supplier<CompletionStage<?>> writes = () -> store.send(writeBatch()).toCompletionStage();
        HttpLoad.closedLoopOf(writes, WRITES_IN_FLIGHT, context.seconds(3)); // warm-up, and data
        rates.put(
                "writes, batches of "
                        + WRITE_BATCH
                        + " entities x 50 features (the writer's script), "
                        + WRITES_IN_FLIGHT
                        + " in flight",
                HttpLoad.closedLoopOf(writes, WRITES_IN_FLIGHT, context.seconds(10)).perSecond()
                        * WRITE_BATCH);
        Supplier<CompletionStage<?>> one =
                () -> store.read(List.of(read(features))).toCompletionStage();
        HttpLoad.closedLoopOf(one, ReaderBench.SINGLE_CONCURRENCY, context.seconds(3));
        rates.put(
                "reads, 1 entity x 50 features, " + ReaderBench.SINGLE_CONCURRENCY + " in flight",
                HttpLoad.closedLoopOf(one, ReaderBench.SINGLE_CONCURRENCY, context.seconds(10))
                        .perSecond());
        Supplier<CompletionStage<?>> many =
                () -> {
                    List<RedisLayout.Read> reads = new ArrayList<>(ReaderBench.BATCH_IDS);
                    for (int i = 0; i < ReaderBench.BATCH_IDS; i++) {
                        reads.add(read(features.subList(0, ReaderBench.BATCH_FEATURES)));
                    }
                    return store.read(reads).toCompletionStage();
                };
        HttpLoad.closedLoopOf(many, ReaderBench.BATCH_CONCURRENCY, context.seconds(3));
        rates.put(
                "reads, "
                        + ReaderBench.BATCH_IDS
                        + " entities x "
                        + ReaderBench.BATCH_FEATURES
                        + " features, "
                        + ReaderBench.BATCH_CONCURRENCY
                        + " in flight",
                HttpLoad.closedLoopOf(many, ReaderBench.BATCH_CONCURRENCY, context.seconds(10))
                        .perSecond());
        return rates;
    }

    /** One batch of updates of random ids, each newer than the last so the script writes it. */
    private List<RedisCommand> writeBatch() {
        long windowEnd = System.currentTimeMillis() - 60_000;
        List<FeatureUpdate> updates = new ArrayList<>(WRITE_BATCH);
        for (int i = 0; i < WRITE_BATCH; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Feature feature : features) {
                values.put(feature.name(), i + 0.5);
            }
            updates.add(
                    FeatureUpdate.values(
                            "user",
                            ReaderBench.id(ThreadLocalRandom.current().nextInt(ids)),
                            ReaderBench.GROUP,
                            windowEnd,
                            version.incrementAndGet(),
                            values));
        }
        return RedisLayout.writes(spec, updates);
    }

    private RedisLayout.Read read(List<Feature> some) {
        return new RedisLayout.Read(
                "user",
                ReaderBench.id(ThreadLocalRandom.current().nextInt(ids)),
                ReaderBench.GROUP,
                some,
                false);
    }
}
