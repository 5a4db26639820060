package dev.tessera.bench;

import dev.tessera.dev.RedisServer;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.BlockingRedis;
import dev.tessera.store.RedisStore;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The feature-reader on loopback: 1 entity x 50 features and 100 entities x 10 features, at a fixed
 * rate (latency percentiles) and closed loop (saturation), beside redis-benchmark doing the same
 * HMGETs on the same redis-server, and beside the same reads sent straight through the reader's
 * Redis client (what the reader adds: HTTP, JSON, auth).
 */
final class ReaderBench {

    static final String SECTION = "reader";
    static final String GROUP = "bench_wide";
    static final int SINGLE_RATE = 2_000;
    static final int BATCH_RATE = 200;
    static final int BATCH_IDS = 100;
    static final int BATCH_FEATURES = 10;
    static final int SINGLE_CONCURRENCY = 32;
    static final int BATCH_CONCURRENCY = 8;

    private final BenchContext context;
    private final FeatureSpec spec;
    private final String readerUrl;
    private final String bearer;
    private final RedisServer redis;
    private final int ids;
    private final List<Feature> features;

    /**
     * @param token a bearer token granting {@code read:user}
     */
    ReaderBench(
            BenchContext context,
            FeatureSpec spec,
            String readerUrl,
            String token,
            RedisServer redis) {
        this.context = context;
        this.spec = spec;
        this.readerUrl = readerUrl;
        this.bearer = "Bearer " + token;
        this.redis = redis;
        this.ids = context.count(10_000, 200);
        this.features = spec.group(GROUP).orElseThrow().features();
    }

    List<Figure> run() throws Exception {
        // The reader's own client settings (feature-reader's application.properties).
        RedisOptions options =
                new RedisOptions()
                        .setConnectionString(redis.uri())
                        .setMaxPoolSize(16)
                        .setMaxPoolWaiting(4096);
        try (BlockingRedis client = new BlockingRedis(options)) {
            store(client);
            return measure(client.store());
        }
    }

    private List<Figure> measure(RedisStore client) throws Exception {
        Supplier<HttpRequest> single = this::single;
        Supplier<HttpRequest> batch = this::batch;
        check(single.get(), "\"PRESENT\"");
        check(batch.get(), "\"PRESENT\"");
        // Warm-up: JIT, connection pools.
        context.http().fixedRate(single, SINGLE_RATE, context.seconds(5));
        context.http().fixedRate(batch, BATCH_RATE, context.seconds(3));

        List<Figure> figures = new ArrayList<>();
        HttpLoad.Result one = context.http().fixedRate(single, SINGLE_RATE, context.seconds(20));
        String oneName = "1 entity x 50 features, " + SINGLE_RATE + " req/s";
        figures.add(Figure.info(SECTION, oneName + ", p50", one.millis(50), "ms"));
        figures.add(Targets.atMost(SECTION, oneName + ", p99", one.millis(99), "ms", 1.0));
        figures.add(Figure.info(SECTION, oneName + ", p99.9", one.millis(99.9), "ms"));
        errorsOf(one, oneName, figures);

        HttpLoad.Result many = context.http().fixedRate(batch, BATCH_RATE, context.seconds(20));
        String manyName =
                BATCH_IDS + " entities x " + BATCH_FEATURES + " features, " + BATCH_RATE + " req/s";
        figures.add(Figure.info(SECTION, manyName + ", p50", many.millis(50), "ms"));
        figures.add(Targets.atMost(SECTION, manyName + ", p99", many.millis(99), "ms", 8.0));
        figures.add(Figure.info(SECTION, manyName + ", p99.9", many.millis(99.9), "ms"));
        errorsOf(many, manyName, figures);

        String oneSaturatedName =
                "saturation, 1 entity x 50 features, " + SINGLE_CONCURRENCY + " in flight";
        HttpLoad.Result oneSaturated =
                context.http().closedLoop(single, SINGLE_CONCURRENCY, context.seconds(10));
        double rawOne =
                redisBenchmark(SINGLE_CONCURRENCY, 1, features, context.count(300_000, 5_000));
        figures.add(
                Targets.ratioAtLeast(
                        SECTION,
                        oneSaturatedName,
                        oneSaturated.perSecond(),
                        "req/s",
                        rawOne,
                        "redis-benchmark HMGET of 150 fields, -c " + SINGLE_CONCURRENCY,
                        0.5));
        figures.add(
                beside(
                        oneSaturatedName,
                        oneSaturated,
                        client,
                        () -> List.of(read(features)),
                        SINGLE_CONCURRENCY,
                        "1 HMGET of 150 fields"));
        String manySaturatedName =
                "saturation, "
                        + BATCH_IDS
                        + " entities x "
                        + BATCH_FEATURES
                        + " features, "
                        + BATCH_CONCURRENCY
                        + " in flight";
        HttpLoad.Result manySaturated =
                context.http().closedLoop(batch, BATCH_CONCURRENCY, context.seconds(10));
        double rawMany =
                redisBenchmark(
                                BATCH_CONCURRENCY,
                                BATCH_IDS,
                                features.subList(0, BATCH_FEATURES),
                                context.count(2_000_000, 20_000))
                        / BATCH_IDS;
        figures.add(
                Targets.ratioAtLeast(
                        SECTION,
                        manySaturatedName,
                        manySaturated.perSecond(),
                        "req/s",
                        rawMany,
                        "redis-benchmark HMGET of 30 fields, -c "
                                + BATCH_CONCURRENCY
                                + " -P "
                                + BATCH_IDS
                                + ", per "
                                + BATCH_IDS,
                        0.5));
        figures.add(
                beside(
                        manySaturatedName,
                        manySaturated,
                        client,
                        () -> {
                            List<RedisLayout.Read> reads = new ArrayList<>(BATCH_IDS);
                            for (int i = 0; i < BATCH_IDS; i++) {
                                reads.add(read(features.subList(0, BATCH_FEATURES)));
                            }
                            return reads;
                        },
                        BATCH_CONCURRENCY,
                        BATCH_IDS + " HMGETs of 30 fields, pipelined"));
        return figures;
    }

    /**
     * The reader's saturation beside the same reads (one request's, from {@code request}) sent
     * straight through the reader's Redis client with as many in flight.
     */
    private Figure beside(
            String name,
            HttpLoad.Result reader,
            RedisStore client,
            Supplier<List<RedisLayout.Read>> request,
            int concurrency,
            String reads)
            throws InterruptedException {
        Supplier<CompletionStage<?>> calls = () -> client.read(request.get()).toCompletionStage();
        HttpLoad.closedLoopOf(calls, concurrency, context.seconds(3)); // warm-up
        HttpLoad.Result direct = HttpLoad.closedLoopOf(calls, concurrency, context.seconds(10));
        return Figure.compared(
                SECTION,
                name + ", against its reads sent straight",
                reader.perSecond(),
                "req/s",
                direct.perSecond(),
                reads + " through the reader's Redis client, " + concurrency + " in flight");
    }

    /** The reads of one id's features, as the reader does them: one HMGET. */
    private RedisLayout.Read read(List<Feature> some) {
        return new RedisLayout.Read(
                "user", id(ThreadLocalRandom.current().nextInt(ids)), GROUP, some, false);
    }

    /** Every id gets all 50 features, with the writer's own commands. */
    private void store(BlockingRedis client) {
        long windowEnd = System.currentTimeMillis() - 60_000;
        for (int from = 0; from < ids; from += 1_000) {
            List<FeatureUpdate> updates = new ArrayList<>();
            for (int i = from; i < Math.min(ids, from + 1_000); i++) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Feature feature : features) {
                    values.put(feature.name(), i + 0.5);
                }
                updates.add(FeatureUpdate.values("user", id(i), GROUP, windowEnd, 1, values));
            }
            client.send(RedisLayout.writes(spec, updates));
        }
    }

    private HttpRequest single() {
        String names = features.stream().map(Feature::name).collect(Collectors.joining(","));
        return HttpRequest.newBuilder(
                        URI.create(
                                readerUrl
                                        + "/v1/features/user/"
                                        + id(ThreadLocalRandom.current().nextInt(ids))
                                        + "?names="
                                        + names))
                .header("Authorization", bearer)
                .GET()
                .build();
    }

    private HttpRequest batch() {
        StringBuilder body = new StringBuilder("{\"ids\":[");
        for (int i = 0; i < BATCH_IDS; i++) {
            body.append(i == 0 ? "\"" : ",\"")
                    .append(id(ThreadLocalRandom.current().nextInt(ids)))
                    .append('"');
        }
        body.append("],\"names\":[");
        for (int f = 0; f < BATCH_FEATURES; f++) {
            body.append(f == 0 ? "\"" : ",\"").append(features.get(f).name()).append('"');
        }
        body.append("]}");
        return HttpRequest.newBuilder(URI.create(readerUrl + "/v1/features/user"))
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private void check(HttpRequest request, String expected) throws Exception {
        var response = context.http().call(request);
        if (response.statusCode() != 200 || !response.body().contains(expected)) {
            throw new IllegalStateException(
                    "the reader answered " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * redis-benchmark's HMGETs per second of these features' fields of one stored key, {@code
     * pipeline} per round trip, {@code commands} in all.
     */
    private double redisBenchmark(int clients, int pipeline, List<Feature> read, int commands)
            throws Exception {
        RedisCommand hmget =
                RedisLayout.reads(List.of(new RedisLayout.Read("user", id(0), GROUP, read, false)))
                        .get(0);
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "redis-benchmark",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(redis.port()),
                                "-c",
                                Integer.toString(clients),
                                "-P",
                                Integer.toString(pipeline),
                                "-n",
                                Integer.toString(commands),
                                "--csv",
                                hmget.name()));
        for (int i = 0; i < hmget.args().size(); i++) {
            command.add(hmget.text(i));
        }
        return RedisBenchmarkCsv.requestsPerSecond(Processes.run(command, 300));
    }

    private static void errorsOf(HttpLoad.Result result, String name, List<Figure> figures) {
        if (result.errors() > 0) {
            figures.add(Figure.info(SECTION, name + ", failed requests", result.errors(), ""));
        }
    }

    static String id(int i) {
        return "bench-user-" + i;
    }
}
