package dev.tessera.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * POST -> value visible in the reader, under a steady background load: probe events, each for a
 * probe user of its own, POSTed one at a time; each probe's latency runs from its POST until the
 * reader serves the user's rolling count including it (polled every 2 ms).
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchContext context;
    private final String gatewayUrl;
    private final String readerUrl;
    private final String producerBearer;
    private final String readerBearer;

    EndToEndBench(
            BenchContext context,
            String gatewayUrl,
            String producerToken,
            String readerUrl,
            String readerToken) {
        this.context = context;
        this.gatewayUrl = gatewayUrl;
        this.readerUrl = readerUrl;
        this.producerBearer = "Bearer " + producerToken;
        this.readerBearer = "Bearer " + readerToken;
    }

    /**
     * @param mode the delivery mode, for the figures' names
     * @param targetMillis the p99 target
     */
    List<Figure> run(String mode, double targetMillis) throws Exception {
        Duration measured = context.seconds(30);
        Duration warmUp = context.seconds(5);
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
            List<CompletableFuture<Histogram>> probes = new ArrayList<>();
            String run = Long.toString(System.currentTimeMillis());
            for (int p = 0; p < PROBES; p++) {
                String user = "e2e-probe-" + run + "-" + p;
                probes.add(
                        CompletableFuture.supplyAsync(
                                () -> probe(user, measureFrom, end), threads));
            }
            Histogram latency = new Histogram(3);
            for (CompletableFuture<Histogram> probe : probes) {
                latency.add(probe.join());
            }
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
            return figures;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Probes until {@code end}: latencies in milliseconds of those sent after {@code from}. */
    private Histogram probe(String user, long from, long end) {
        Histogram latency = new Histogram(3);
        try {
            for (long count = 1; System.nanoTime() < end; count++) {
                long sent = System.nanoTime();
                HttpResponse<String> posted =
                        context.http().call(post(event(user), "application/json"));
                if (posted.statusCode() != 202) {
                    throw new IllegalStateException(
                            "the gateway answered " + posted.statusCode() + ": " + posted.body());
                }
                // A probe not visible in time counts as the timeout: a lower bound of its latency.
                awaitCount(user, count, sent + PROBE_TIMEOUT.toNanos());
                if (sent >= from) {
                    latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000_000));
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 80));
            }
        } catch (Exception e) {
            throw new IllegalStateException("probe " + user + " failed", e);
        }
        return latency;
    }

    /** Polls the reader until the user's count reaches {@code count}, or the deadline. */
    private void awaitCount(String user, long count, long deadline) throws Exception {
        HttpRequest read =
                HttpRequest.newBuilder(
                                URI.create(
                                        readerUrl
                                                + "/v1/features/user/"
                                                + user
                                                + "?names="
                                                + FEATURE))
                        .header("Authorization", readerBearer)
                        .build();
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

    private HttpRequest backgroundPost() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < EVENTS_PER_POST; i++) {
            body.append(event("e2e-user-" + ThreadLocalRandom.current().nextInt(10_000)))
                    .append('\n');
        }
        return post(body.toString(), "application/x-ndjson");
    }

    private HttpRequest post(String body, String contentType) {
        return HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/events/" + STREAM))
                .header("Authorization", producerBearer)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String event(String user) {
        return String.format(
                "{\"user_id\":\"%s\",\"amount\":1.0,\"ts\":%d}", user, System.currentTimeMillis());
    }
}
