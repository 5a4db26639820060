package dev.tessera.bench;

import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.FreePorts;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.RedisServer;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.BlockingRedis;
import dev.tessera.store.RedisStore;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The feature-reader on loopback: 1 entity x 50 windowed features, 100 entities x 10 features, and
 * a second reader's full read of the example spec (rolling merges included). Each at saturation
 * (closed loop, the reader's CPU profiled), then at fixed rates of 25 and 50 % of it (latency
 * percentiles, no coordinated omission); beside redis-benchmark running the Redis commands of a
 * request on the same redis-server, and beside the same reads sent straight through the reader's
 * Redis client (what the reader adds: HTTP, JSON, auth, decoding and merging).
 */
final class ReaderBench {

    static final String SECTION = "reader";
    static final String GROUP = "bench_wide";
    static final int BATCH_IDS = 100;
    static final int BATCH_FEATURES = 10;
    static final int SINGLE_CONCURRENCY = 32;
    static final int WARM_UP_SECONDS = 20;
    static final int BATCH_CONCURRENCY = 8;

    private final BenchContext context;
    private final FeatureSpec spec;
    private final LocalPipeline pipeline;
    private final String readerUrl;
    private final long readerPid;
    private final String bearer;
    private final RedisServer redis;
    private final int ids;
    private final List<Feature> features;

    /** Reads from the pipeline's reader, which serves {@code spec}. */
    ReaderBench(BenchContext context, FeatureSpec spec, LocalPipeline pipeline, RedisServer redis) {
        this.context = context;
        this.spec = spec;
        this.pipeline = pipeline;
        this.readerUrl = pipeline.readerUrl();
        this.readerPid = pipeline.service("feature-reader").pid();
        this.bearer = "Bearer " + pipeline.readerToken();
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
            List<Figure> figures = measure(client.store());
            figures.addAll(fullRead(client));
            return figures;
        }
    }

    private List<Figure> measure(RedisStore client) throws Exception {
        Supplier<HttpLoad.Request> single = () -> single(readerUrl, features, ids);
        Supplier<HttpLoad.Request> batch = this::batch;
        check(single.get(), "\"PRESENT\"");
        check(batch.get(), "\"PRESENT\"");
        // Warm-up: connection pools, and the JIT, which after 5 s of load still took half of the
        // reader's CPU (C2 compiling Vert.x, RESTEasy, Jackson and the Redis client).
        context.http().closedLoop(single, SINGLE_CONCURRENCY, context.seconds(WARM_UP_SECONDS));
        context.http().closedLoop(batch, BATCH_CONCURRENCY, context.seconds(WARM_UP_SECONDS));

        List<Figure> figures = new ArrayList<>();
        String oneName = "1 entity x 50 features";
        HttpLoad.Result oneSaturated =
                saturationAndBelow(oneName, single, SINGLE_CONCURRENCY, readerPid, figures, 2.0);
        double rawOne =
                redisBenchmark(
                        SINGLE_CONCURRENCY,
                        1,
                        RedisLayout.reads(List.of(read(features, 0))).get(0),
                        context.count(300_000, 5_000));
        figures.add(
                Targets.ratioAtLeast(
                        SECTION,
                        saturationName(oneName, SINGLE_CONCURRENCY),
                        oneSaturated.perSecond(),
                        "req/s",
                        rawOne,
                        "redis-benchmark HMGET of 150 fields, -c " + SINGLE_CONCURRENCY,
                        0.5));
        figures.add(
                beside(
                        saturationName(oneName, SINGLE_CONCURRENCY),
                        oneSaturated,
                        client,
                        () -> List.of(read(features, randomId())),
                        SINGLE_CONCURRENCY,
                        "1 HMGET of 150 fields"));

        String manyName = BATCH_IDS + " entities x " + BATCH_FEATURES + " features";
        HttpLoad.Result manySaturated =
                saturationAndBelow(manyName, batch, BATCH_CONCURRENCY, readerPid, figures, null);
        double rawMany =
                redisBenchmark(
                                BATCH_CONCURRENCY,
                                BATCH_IDS,
                                RedisLayout.reads(
                                                List.of(
                                                        read(
                                                                features.subList(0, BATCH_FEATURES),
                                                                0)))
                                        .get(0),
                                context.count(2_000_000, 20_000))
                        / BATCH_IDS;
        figures.add(
                Targets.ratioAtLeast(
                        SECTION,
                        saturationName(manyName, BATCH_CONCURRENCY),
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
                        saturationName(manyName, BATCH_CONCURRENCY),
                        manySaturated,
                        client,
                        () -> {
                            List<RedisLayout.Read> reads = new ArrayList<>(BATCH_IDS);
                            for (int i = 0; i < BATCH_IDS; i++) {
                                reads.add(read(features.subList(0, BATCH_FEATURES), randomId()));
                            }
                            return reads;
                        },
                        BATCH_CONCURRENCY,
                        BATCH_IDS + " HMGETs of 30 fields, pipelined"));
        return figures;
    }

    /**
     * Every feature of the example spec ({@code features.yaml}) of one user, rolling merges
     * included, from a reader serving that spec: every tile of every rolling window is filled.
     * Beside redis-benchmark running the commands one such request sends.
     */
    private List<Figure> fullRead(BlockingRedis client) throws Exception {
        FeatureSpec example = SpecParser.parse(context.root().resolve("features.yaml"));
        int users = context.count(1_000, 50);
        SyntheticStore synthetic = new SyntheticStore(example);
        long now = System.currentTimeMillis();
        for (int i = 0; i < users; i++) {
            client.send(RedisLayout.writes(example, synthetic.updates("user", id(i), now)));
        }
        List<Feature> all = example.featuresOf(example.entity("user").orElseThrow());
        String name = "full read of the example spec, 1 entity x " + all.size() + " features";
        int port = FreePorts.pick();
        try (ChildProcess reader =
                pipeline.startService(
                        "feature-reader",
                        context.root().resolve("features.yaml"),
                        port,
                        FreePorts.pick(),
                        context.dataDir().resolve("logs/feature-reader-example-spec.log"))) {
            String url = "http://localhost:" + port;
            Supplier<HttpLoad.Request> request = () -> single(url, List.of(), users);
            check(request.get(), "\"PRESENT\"");
            context.http()
                    .closedLoop(request, SINGLE_CONCURRENCY, context.seconds(WARM_UP_SECONDS));
            List<Figure> figures = new ArrayList<>();
            HttpLoad.Result saturated =
                    saturationAndBelow(
                            name, request, SINGLE_CONCURRENCY, reader.pid(), figures, null);
            List<RedisCommand> commands =
                    RedisLayout.reads(RedisLayout.readsOf("user", id(0), all));
            double perCommandSeconds = 0;
            for (RedisCommand command : commands) {
                perCommandSeconds +=
                        1
                                / redisBenchmark(
                                        SINGLE_CONCURRENCY,
                                        commands.size(),
                                        command,
                                        context.count(200_000, 5_000));
            }
            figures.add(
                    Targets.ratioAtLeast(
                            SECTION,
                            saturationName(name, SINGLE_CONCURRENCY),
                            saturated.perSecond(),
                            "req/s",
                            1 / perCommandSeconds,
                            "redis-benchmark of its "
                                    + commands.size()
                                    + " commands ("
                                    + commands.stream()
                                            .map(RedisCommand::name)
                                            .collect(Collectors.joining(", "))
                                    + "), each -c "
                                    + SINGLE_CONCURRENCY
                                    + " -P "
                                    + commands.size()
                                    + ", per request",
                            0.35));
            figures.add(
                    beside(
                            saturationName(name, SINGLE_CONCURRENCY),
                            saturated,
                            client.store(),
                            () ->
                                    RedisLayout.readsOf(
                                            "user",
                                            id(ThreadLocalRandom.current().nextInt(users)),
                                            all),
                            SINGLE_CONCURRENCY,
                            commands.size() + " commands, pipelined"));
            return figures;
        }
    }

    /**
     * The reader's saturation (closed loop, {@code concurrency} in flight, its CPU profiled), then
     * its latency at fixed rates of 25 and 50 % of that, with no coordinated omission.
     *
     * @param p99AtHalf the target p99 at 50 %, in milliseconds, or null for none
     */
    private HttpLoad.Result saturationAndBelow(
            String name,
            Supplier<HttpLoad.Request> request,
            int concurrency,
            long pid,
            List<Figure> figures,
            Double p99AtHalf)
            throws Exception {
        HttpLoad.Result saturated =
                context.profiler()
                        .profile(
                                "reader, " + name,
                                pid,
                                () ->
                                        context.http()
                                                .closedLoop(
                                                        request, concurrency, context.seconds(10)));
        errorsOf(saturated, saturationName(name, concurrency), figures);
        for (int percent : List.of(25, 50)) {
            int rate = (int) Math.max(1, saturated.perSecond() * percent / 100);
            HttpLoad.Result below = context.http().fixedRate(request, rate, context.seconds(20));
            String at = name + ", " + percent + " % of saturation (" + rate + " req/s)";
            figures.add(Figure.info(SECTION, at + ", p50", below.millis(50), "ms"));
            figures.add(
                    percent == 50 && p99AtHalf != null
                            ? Targets.atMost(
                                    SECTION, at + ", p99", below.millis(99), "ms", p99AtHalf)
                            : Figure.info(SECTION, at + ", p99", below.millis(99), "ms"));
            figures.add(Figure.info(SECTION, at + ", p99.9", below.millis(99.9), "ms"));
            errorsOf(below, at, figures);
        }
        return saturated;
    }

    private static String saturationName(String name, int concurrency) {
        return "saturation, " + name + ", " + concurrency + " in flight";
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
    private static RedisLayout.Read read(List<Feature> some, int id) {
        return new RedisLayout.Read("user", id(id), GROUP, some, false);
    }

    private int randomId() {
        return ThreadLocalRandom.current().nextInt(ids);
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

    /** GET of some features (all with none) of a random id of the first {@code idCount}. */
    private HttpLoad.Request single(String url, List<Feature> some, int idCount) {
        String names = some.stream().map(Feature::name).collect(Collectors.joining(","));
        return HttpLoad.Request.get(
                        url
                                + "/v1/features/user/"
                                + id(ThreadLocalRandom.current().nextInt(idCount))
                                + (names.isEmpty() ? "" : "?names=" + names))
                .header("Authorization", bearer);
    }

    private HttpLoad.Request batch() {
        StringBuilder body = new StringBuilder("{\"ids\":[");
        for (int i = 0; i < BATCH_IDS; i++) {
            body.append(i == 0 ? "\"" : ",\"").append(id(randomId())).append('"');
        }
        body.append("],\"names\":[");
        for (int f = 0; f < BATCH_FEATURES; f++) {
            body.append(f == 0 ? "\"" : ",\"").append(features.get(f).name()).append('"');
        }
        body.append("]}");
        return HttpLoad.Request.post(
                        readerUrl + "/v1/features/user", "application/json", body.toString())
                .header("Authorization", bearer);
    }

    private void check(HttpLoad.Request request, String expected) throws Exception {
        var response = context.http().call(request);
        if (response.statusCode() != 200 || !response.body().contains(expected)) {
            throw new IllegalStateException(
                    "the reader answered " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * redis-benchmark's rate of one command, {@code clients} connections, {@code pipeline} per
     * round trip, {@code commands} in all.
     */
    private double redisBenchmark(int clients, int pipeline, RedisCommand command, int commands)
            throws Exception {
        List<String> args =
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
                                command.name()));
        for (int i = 0; i < command.args().size(); i++) {
            args.add(command.text(i));
        }
        return RedisBenchmarkCsv.requestsPerSecond(Processes.run(args, 300));
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
