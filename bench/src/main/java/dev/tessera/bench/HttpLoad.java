package dev.tessera.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HTTP load on loopback, open or closed loop, with latencies in an HdrHistogram (microseconds).
 * Every answer must be a 2xx; others are counted as errors. The closed loop drives other calls too
 * (a baseline's). Requests go out through Vert.x's HTTP client on one event loop: on two cores the
 * JDK's {@code HttpClient} took as much CPU as the reader it loaded.
 */
final class HttpLoad implements AutoCloseable {

    /** A request to send; headers by name. */
    record Request(HttpMethod method, String url, Map<String, String> headers, String body) {

        static Request get(String url) {
            return new Request(HttpMethod.GET, url, Map.of(), null);
        }

        static Request post(String url, String contentType, String body) {
            return new Request(HttpMethod.POST, url, Map.of("Content-Type", contentType), body);
        }

        /** This request with one more header. */
        Request header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Request(method, url, more, body);
        }
    }

    /** An answer: its status and body. */
    record Response(int statusCode, String body) {}

    /**
     * What a run measured.
     *
     * @param latencyMicros latency of every answered request
     * @param completed requests answered with a 2xx
     * @param errors requests answered otherwise, or failed
     * @param seconds how long the run took
     */
    record Result(Histogram latencyMicros, long completed, long errors, double seconds) {

        double perSecond() {
            return completed / seconds;
        }

        /** Answers of any status (refusals included) per second. */
        double answeredPerSecond() {
            return (completed + errors) / seconds;
        }

        double millis(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /**
     * Connections of an open-loop run, like wrk2's: a request whose send time comes while all are
     * busy waits for one, and that wait counts in its latency (measured from the intended time).
     */
    private static final int MAX_OUTSTANDING = 64;

    private final java.net.http.HttpClient blockingClient =
            java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpClient client =
            vertx.createHttpClient(
                    new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(MAX_OUTSTANDING).setMaxWaitQueueSize(-1));

    /**
     * Sends requests at a fixed rate for {@code duration}, whatever the answers do: each latency is
     * measured from the request's intended send time, so a stall counts against every request that
     * should have been sent meanwhile (no coordinated omission).
     */
    Result fixedRate(Supplier<Request> requests, int perSecond, Duration duration)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long total = duration.toSeconds() * perSecond;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + i * intervalNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!outstanding.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server stopped answering");
            }
            recorded(send(requests.get()), intended, recorder, completed, errors)
                    .whenComplete((ignored, failure) -> outstanding.release());
        }
        if (!outstanding.tryAcquire(MAX_OUTSTANDING, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still unanswered after 60 s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(recorder.getIntervalHistogram(), completed.get(), errors.get(), seconds);
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code duration}: the saturation throughput,
     * with each latency measured from its own send.
     */
    Result closedLoop(Supplier<Request> requests, int concurrency, Duration duration)
            throws InterruptedException {
        return closedLoopOf(() -> send(requests.get()), concurrency, duration);
    }

    /**
     * Keeps {@code concurrency} calls of any kind in flight for {@code duration}, as {@link
     * #closedLoop} does requests: a call that completes exceptionally counts as an error.
     */
    static Result closedLoopOf(
            Supplier<CompletionStage<?>> calls, int concurrency, Duration duration)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Semaphore inFlight = new Semaphore(concurrency);
        while (System.nanoTime() < end) {
            if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server stopped answering");
            }
            recorded(calls.get(), System.nanoTime(), recorder, completed, errors)
                    .whenComplete((ignored, failure) -> inFlight.release());
        }
        if (!inFlight.tryAcquire(concurrency, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still unanswered after 60 s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(recorder.getIntervalHistogram(), completed.get(), errors.get(), seconds);
    }

    /** One request, failed unless answered with a 2xx. */
    private CompletionStage<Response> send(Request request) {
        return exchange(request)
                .map(
                        response -> {
                            if (response.statusCode() / 100 != 2) {
                                throw new IllegalStateException(
                                        request.url()
                                                + " answered "
                                                + response.statusCode()
                                                + " "
                                                + response.body());
                            }
                            return response;
                        })
                .toCompletionStage();
    }

    private Future<Response> exchange(Request request) {
        RequestOptions options =
                new RequestOptions().setMethod(request.method()).setAbsoluteURI(request.url());
        request.headers().forEach(options::putHeader);
        return client.request(options)
                .compose(
                        sending ->
                                request.body() == null
                                        ? sending.send()
                                        : sending.send(request.body()))
                .compose(
                        response ->
                                response.body()
                                        .map(
                                                body ->
                                                        new Response(
                                                                response.statusCode(),
                                                                body.toString())));
    }

    /** The call, its latency recorded from {@code sentNanos} and its outcome counted. */
    private static CompletionStage<?> recorded(
            CompletionStage<?> call,
            long sentNanos,
            Recorder recorder,
            AtomicLong completed,
            AtomicLong errors) {
        return call.whenComplete(
                (ignored, failure) -> {
                    long micros = (System.nanoTime() - sentNanos) / 1000;
                    recorder.recordValue(Math.max(1, micros));
                    if (failure == null) {
                        completed.incrementAndGet();
                    } else if (errors.incrementAndGet() == 1) {
                        System.out.println("first failed call: " + failure);
                    }
                });
    }

    /**
     * A blocking request, for set-up, probes and scrapes: any status. Through the JDK's client,
     * which also reads the answers of Flink's Prometheus reporter (both a Content-Length and
     * chunked, which Netty refuses).
     */
    Response call(Request request) throws Exception {
        HttpRequest.Builder call =
                HttpRequest.newBuilder(URI.create(request.url())).timeout(Duration.ofSeconds(60));
        request.headers().forEach(call::header);
        call.method(
                request.method().name(),
                request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()));
        HttpResponse<String> response =
                blockingClient.send(call.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    @Override
    public void close() {
        vertx.close();
    }
}
