package dev.tessera.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.PrometheusText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * POST -> value visible in the reader, under a steady background load: probe events, each for a
 * probe user of its own, POSTed one at a time; each probe's latency runs from its POST until the
 * reader serves the user's rolling count including it (polled every 2 ms). Beside it, where the
 * time went: per stage from Kafka record timestamps, the writer's part from its histograms, the
 * cores each process used ({@link CpuUse}) and the writer's CPU profile.
 */
final class EndToEndBench {

    static final String SECTION = "end-to-end";
    static final String STREAM = "e2e_events";
    static final String FEATURE = "e2e_count_1h";
    static final int EVENTS_PER_SECOND = 5_000;
    static final int EVENTS_PER_POST = 50;
    static final int PROBES = 8;
    static final Duration POLL = Duration.ofMillis(2);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_EVENT_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchContext context;
    private final String gatewayUrl;
    private final String readerUrl;
    private final String producerBearer;
    private final String readerBearer;
    private final String bootstrapServers;
    private final String featureTopic;
    private final String writerMetricsUrl;

    /** The pipeline's processes whose CPU use is reported, and the bench's own. */
    private final Map<String, Long> pids;

    /**
     * One probe event, its times on this machine's clock (epoch millis).
     *
     * @param user the probe's user
     * @param n which of the user's events it is (from 1)
     */
    private record Probe(String user, int n, long posted, long visible) {}

    EndToEndBench(
            BenchContext context,
            LocalPipeline pipeline,
            Map<String, Long> infraPids,
            String bootstrapServers,
            String featureTopic) {
        this.context = context;
        this.gatewayUrl = pipeline.gatewayUrl();
        this.readerUrl = pipeline.readerUrl();
        this.producerBearer = "Bearer " + pipeline.producerToken();
        this.readerBearer = "Bearer " + pipeline.readerToken();
        this.bootstrapServers = bootstrapServers;
        this.featureTopic = featureTopic;
        this.writerMetricsUrl = pipeline.managementUrl("feature-writer") + "/metrics";
        this.pids = new LinkedHashMap<>();
        for (String service : List.of("ingest-gateway", "feature-writer", "feature-reader")) {
            pids.put(service, pipeline.service(service).pid());
        }
        pids.put("the Flink job", pipeline.job().pid());
        pids.putAll(infraPids);
        pids.put("this load generator and the probes", ProcessHandle.current().pid());
    }

    /**
     * @param mode the delivery mode, for the figures' names
     * @param targetMillis the p99 target
     */
    List<Figure> run(String mode, double targetMillis) throws Exception {
        Duration measured = context.seconds(30);
        // Steady state, not start-up: 5 s after a fresh pipeline started, C2 still took half the
        // writer's CPU, the two cores were saturated, and the writer's backlog of those seconds
        // drained at its spare capacity only (p99 1-4 s; with 30 s, 123-206 ms). The first event
        // after start-up is a figure of its own.
        Duration warmUp = context.seconds(30);
        ExecutorService threads = Executors.newFixedThreadPool(PROBES + 1);
        try {
            Future<HttpLoad.Result> load =
                    threads.submit(
                            () ->
                                    context.http()
                                            .fixedRate(
                                                    this::backgroundPost,
                                                    EVENTS_PER_SECOND / EVENTS_PER_POST,
                                                    warmUp.plus(measured)));
            long measureFrom = System.nanoTime() + warmUp.toNanos();
            long end = measureFrom + measured.toNanos();
            List<CompletableFuture<List<Probe>>> probing = new ArrayList<>();
            String run = "e2e-probe-" + System.currentTimeMillis() + "-";
            for (int p = 0; p < PROBES; p++) {
                String user = run + p;
                probing.add(
                        CompletableFuture.supplyAsync(
                                () -> probe(user, measureFrom, end), threads));
            }
            Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
            PrometheusText writerBefore = writerMetrics();
            long writerFrom = System.nanoTime();
            long writerPid = pids.get("feature-writer");
            context.profiler().start(writerPid);
            CpuUse cpu = CpuUse.start(pids);
            List<Probe> probes = new ArrayList<>();
            probing.forEach(probe -> probes.addAll(probe.join()));
            List<Figure> cpuFigures = cpu.figures(SECTION, mode + ", CPU: ");
            context.profiler().stop("writer, end to end " + mode, writerPid);
            PrometheusText writerAfter = writerMetrics();
            double writerSeconds = (System.nanoTime() - writerFrom) / 1e9;
            Histogram latency = new Histogram(3);
            probes.forEach(
                    probe -> latency.recordValue(Math.max(1, probe.visible() - probe.posted())));
            HttpLoad.Result background = load.get();
            String name =
                    mode + ", POST -> visible in the reader, " + EVENTS_PER_SECOND + " events/s";
            List<Figure> figures = new ArrayList<>();
            figures.add(
                    Figure.info(SECTION, name + ", p50", latency.getValueAtPercentile(50), "ms"));
            figures.add(
                    Targets.atMost(
                            SECTION,
                            name + ", p99",
                            latency.getValueAtPercentile(99),
                            "ms",
                            targetMillis));
            figures.add(Figure.info(SECTION, name + ", probes", latency.getTotalCount(), "probes"));
            figures.add(
                    Figure.info(
                            SECTION,
                            mode + ", background load achieved",
                            background.perSecond() * EVENTS_PER_POST,
                            "events/s"));
            figures.addAll(stages(mode, run, probes));
            figures.addAll(writerStages(mode, writerBefore, writerAfter, writerSeconds));
            figures.addAll(cpuFigures);
            return figures;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The first event after the pipeline reported ready: POST -> visible in the reader, as a new
     * user of {@code ./run.sh} sees it. Run before anything else warms the pipeline.
     */
    List<Figure> firstEvent() throws Exception {
        String user = "e2e-first-" + System.currentTimeMillis();
        long sent = System.nanoTime();
        long posted = System.currentTimeMillis();
        post(user);
        long deadline = sent + FIRST_EVENT_TIMEOUT.toNanos();
        awaitCount(user, 1, deadline);
        if (System.nanoTime() >= deadline) {
            throw new IllegalStateException(
                    "the first event was not visible within " + FIRST_EVENT_TIMEOUT);
        }
        long millis = (System.nanoTime() - sent) / 1_000_000;
        String name = "first event after start-up";
        List<Figure> figures = new ArrayList<>();
        figures.add(
                Targets.atMost(
                        SECTION, name + ", POST -> visible in the reader", millis, "ms", 1_000));
        figures.addAll(stages(name, user, List.of(new Probe(user, 1, posted, posted + millis))));
        return figures;
    }

    /** POSTs one event of {@code user}; fails unless the gateway accepts it. */
    private void post(String user) throws Exception {
        HttpLoad.Response posted = context.http().call(post(event(user), "application/json"));
        if (posted.statusCode() != 202) {
            throw new IllegalStateException(
                    "the gateway answered " + posted.statusCode() + ": " + posted.body());
        }
    }

    /** Probes until {@code end}: those sent after {@code from}. */
    private List<Probe> probe(String user, long from, long end) {
        List<Probe> probes = new ArrayList<>();
        try {
            for (int n = 1; System.nanoTime() < end; n++) {
                long sent = System.nanoTime();
                long posted = System.currentTimeMillis();
                post(user);
                // A probe not visible in time counts as the timeout: a lower bound of its latency.
                awaitCount(user, n, sent + PROBE_TIMEOUT.toNanos());
                if (sent >= from) {
                    probes.add(
                            new Probe(
                                    user,
                                    n,
                                    posted,
                                    posted + (System.nanoTime() - sent) / 1_000_000));
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 80));
            }
        } catch (Exception e) {
            throw new IllegalStateException("probe " + user + " failed", e);
        }
        return probes;
    }

    /**
     * Where the probes' time went, from the record timestamps of their event and their feature
     * update: the gateway (POST until its producer sent the event), the job (until its sink sent
     * the update) and the rest (the transaction's commit with exactly-once, the writer's poll and
     * Redis write, the reader's poll every {@link #POLL}).
     */
    private List<Figure> stages(String mode, String keyPrefix, List<Probe> probes) {
        Map<String, List<Long>> events = RecordTimes.of(bootstrapServers, STREAM, keyPrefix);
        Map<String, List<Long>> updates = RecordTimes.of(bootstrapServers, featureTopic, keyPrefix);
        Histogram gateway = new Histogram(3);
        Histogram job = new Histogram(3);
        Histogram delivery = new Histogram(3);
        for (Probe probe : probes) {
            List<Long> event = events.getOrDefault(probe.user(), List.of());
            List<Long> update = updates.getOrDefault(probe.user(), List.of());
            if (event.size() >= probe.n() && update.size() >= probe.n()) {
                long sent = event.get(probe.n() - 1);
                long updated = update.get(probe.n() - 1);
                gateway.recordValue(Math.max(0, sent - probe.posted()));
                job.recordValue(Math.max(0, updated - sent));
                delivery.recordValue(Math.max(0, probe.visible() - updated));
            }
        }
        List<Figure> figures = new ArrayList<>();
        String name = mode + ", stage: ";
        for (Map.Entry<String, Histogram> stage :
                List.of(
                        Map.entry("gateway (POST -> event sent to Kafka)", gateway),
                        Map.entry("job (event sent -> its update sent)", job),
                        Map.entry(
                                "delivery (update sent -> visible: commit, writer, Redis, reader)",
                                delivery))) {
            for (double percentile : probes.size() == 1 ? List.of(50.0) : List.of(50.0, 99.0)) {
                figures.add(
                        Figure.info(
                                SECTION,
                                name + stage.getKey() + ", p" + (int) percentile,
                                stage.getValue().getValueAtPercentile(percentile),
                                "ms"));
            }
        }
        return figures;
    }

    /**
     * The delivery stage's part in the writer, from its histograms over the measured interval:
     * every update (background load included) from the job's send until stored in Redis, and the
     * Redis write of a batch. Bucketed: a percentile is the upper bound of its bucket.
     */
    private List<Figure> writerStages(
            String mode, PrometheusText before, PrometheusText after, double seconds) {
        List<Figure> figures = new ArrayList<>();
        double updates =
                after.sum("tessera_writer_batch_size_sum", Map.of())
                        - before.sum("tessera_writer_batch_size_sum", Map.of());
        double batches =
                after.sum("tessera_writer_batch_size_count", Map.of())
                        - before.sum("tessera_writer_batch_size_count", Map.of());
        figures.add(
                Figure.info(
                        SECTION,
                        mode + ", writer: updates consumed",
                        updates / seconds,
                        "updates/s"));
        figures.add(
                Figure.info(
                        SECTION,
                        mode + ", writer: updates per batch, mean",
                        batches > 0 ? updates / batches : Double.NaN,
                        "updates"));
        for (Map.Entry<String, String> histogram :
                List.of(
                        Map.entry(
                                "tessera_writer_delivery_delay_seconds",
                                "writer (update sent -> stored in Redis)"),
                        Map.entry(
                                "tessera_writer_write_latency_seconds",
                                "writer (one batch's Redis write)"))) {
            SortedMap<Double, Double> start = before.buckets(histogram.getKey());
            SortedMap<Double, Double> end = after.buckets(histogram.getKey());
            for (double percentile : List.of(50.0, 99.0)) {
                figures.add(
                        Figure.info(
                                SECTION,
                                mode
                                        + ", stage: "
                                        + histogram.getValue()
                                        + ", p"
                                        + (int) percentile
                                        + " at most",
                                upperBound(start, end, percentile) * 1000,
                                "ms"));
            }
        }
        return figures;
    }

    /**
     * The upper bound of the bucket holding the percentile of what a histogram counted between two
     * scrapes (cumulative bucket counts by upper bound); NaN if it counted nothing.
     */
    static double upperBound(
            SortedMap<Double, Double> before, SortedMap<Double, Double> after, double percentile) {
        double total =
                after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                        - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> bucket : after.entrySet()) {
            double counted = bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0);
            if (counted >= total * percentile / 100) {
                return bucket.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private PrometheusText writerMetrics() throws Exception {
        return new PrometheusText(
                context.http().call(HttpLoad.Request.get(writerMetricsUrl)).body());
    }

    /** Polls the reader until the user's count reaches {@code count}, or the deadline. */
    private void awaitCount(String user, long count, long deadline) throws Exception {
        HttpLoad.Request read =
                HttpLoad.Request.get(readerUrl + "/v1/features/user/" + user + "?names=" + FEATURE)
                        .header("Authorization", readerBearer);
        while (System.nanoTime() < deadline) {
            JsonNode value =
                    JSON.readTree(context.http().call(read).body())
                            .at("/features/" + FEATURE + "/value");
            if (value.isNumber() && value.asLong() >= count) {
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private HttpLoad.Request backgroundPost() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < EVENTS_PER_POST; i++) {
            body.append(event("e2e-user-" + ThreadLocalRandom.current().nextInt(10_000)))
                    .append('\n');
        }
        return post(body.toString(), "application/x-ndjson");
    }

    private HttpLoad.Request post(String body, String contentType) {
        return HttpLoad.Request.post(gatewayUrl + "/v1/events/" + STREAM, contentType, body)
                .header("Authorization", producerBearer);
    }

    private static String event(String user) {
        return String.format(
                "{\"user_id\":\"%s\",\"amount\":1.0,\"ts\":%d}", user, System.currentTimeMillis());
    }
}
