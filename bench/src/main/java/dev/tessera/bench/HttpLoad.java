package dev.tessera.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * (a baseline's).
 */
final class HttpLoad implements AutoCloseable {

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

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final HttpClient client =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(executor)
                    .build();

    /**
     * Sends requests at a fixed rate for {@code duration}, whatever the answers do: each latency is
     * measured from the request's intended send time, so a stall counts against every request that
     * should have been sent meanwhile (no coordinated omission).
     */
    Result fixedRate(Supplier<HttpRequest> requests, int perSecond, Duration duration)
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
    Result closedLoop(Supplier<HttpRequest> requests, int concurrency, Duration duration)
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
    private CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(
                        response -> {
                            if (response.statusCode() / 100 != 2) {
                                throw new IllegalStateException(
                                        request.uri().getPath()
                                                + " answered "
                                                + response.statusCode()
                                                + " "
                                                + response.body());
                            }
                            return response;
                        });
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

    /** A blocking request, for set-up and probes. */
    HttpResponse<String> call(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
