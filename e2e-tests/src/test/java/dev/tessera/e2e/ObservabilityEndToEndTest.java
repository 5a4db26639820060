package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.PrometheusText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After real traffic through the whole pipeline, every part's Prometheus endpoint (the services'
 * {@code /q/metrics}, the Flink job's reporter) exports the metrics {@link ExportedMetrics} lists,
 * and they moved by what the traffic implies: accepted events, written updates, served features,
 * events in, late events corrected and dropped, feature values.
 */
class ObservabilityEndToEndTest {

    static final Path ROOT = ExamplePipeline.ROOT;
    static final long WINDOW = Duration.ofMinutes(5).toMillis();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, String> TRANSACTIONS = Map.of("stream", "transactions");

    @RegisterExtension
    static final ExamplePipeline pipeline = new ExamplePipeline("--parallelism", "1");

    @Test
    void metricsOfEveryPartExistAndMoveWithTraffic() throws Exception {
        Map<ExportedMetrics.Part, PrometheusText> before = scrapeAll();
        String user = "obs-" + UUID.randomUUID();
        // A recent window: its value is fresh, and the late events below are late by event time.
        // Far enough back that moving event time 20 minutes on stays behind the clock (max_future).
        long window = (System.currentTimeMillis() / WINDOW - 5) * WINDOW;

        // Two events in the window, then one 6 minutes later that closes it.
        assertThat(post(event(user, window + 10_000, 10.0) + event(user, window + 60_000, 20.0)))
                .isEqualTo(202);
        assertThat(post(event(user, window + 6 * 60_000, 1.0))).isEqualTo(202);
        awaitCount(user, 2);
        // Late, but within the stream's allowed lateness (1m): the window is corrected.
        assertThat(post(event(user, window + 30_000, 5.0))).isEqualTo(202);
        awaitCount(user, 3);
        // Event time moves 20 minutes on; then an event of the first window is too late to count.
        assertThat(post(event(user, window + 20 * 60_000, 1.0))).isEqualTo(202);
        awaitWatermarkPast(window + 7 * 60_000);
        assertThat(post(event(user, window + 40_000, 7.0))).isEqualTo(202);
        // Refused: nothing produced, counted as rejected.
        assertThat(post("{\"user_id\": \"" + user + "\", \"amount\": \"x\"}")).isEqualTo(400);

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            PrometheusText job = scrape(ExportedMetrics.Part.JOB);
                            assertThat(job.sum(ExportedMetrics.JOB_LATE_DROPPED, Map.of()))
                                    .isGreaterThanOrEqualTo(1);
                        });

        Map<ExportedMetrics.Part, PrometheusText> after = scrapeAll();
        for (ExportedMetrics.Part part : ExportedMetrics.Part.values()) {
            Files.writeString(
                    Path.of("target", "scrape-" + part.name().toLowerCase() + ".txt"),
                    String.join("\n", after.get(part).names()));
            assertThat(after.get(part).names())
                    .as("metrics exported by the %s", part)
                    .containsAll(ExportedMetrics.of(part));
        }

        PrometheusText gateway0 = before.get(ExportedMetrics.Part.GATEWAY);
        PrometheusText gateway = after.get(ExportedMetrics.Part.GATEWAY);
        assertThat(delta(gateway0, gateway, "tessera_gateway_events_accepted_total", TRANSACTIONS))
                .isEqualTo(6);
        assertThat(
                        delta(
                                gateway0,
                                gateway,
                                "tessera_gateway_events_rejected_total",
                                Map.of("stream", "transactions", "reason", "invalid")))
                .isEqualTo(1);
        assertThat(
                        delta(
                                gateway0,
                                gateway,
                                "tessera_gateway_produce_latency_seconds_count",
                                TRANSACTIONS))
                .as("one per accepted request")
                .isEqualTo(5);

        PrometheusText writer0 = before.get(ExportedMetrics.Part.WRITER);
        PrometheusText writer = after.get(ExportedMetrics.Part.WRITER);
        Map<String, String> tumbling = Map.of("group", "user_transactions_5m");
        // The closed window and its correction, at least.
        assertThat(delta(writer0, writer, "tessera_writer_updates_written_total", tumbling))
                .isGreaterThanOrEqualTo(2);
        assertThat(delta(writer0, writer, "tessera_writer_freshness_lag_seconds_count", tumbling))
                .isGreaterThanOrEqualTo(2);
        assertThat(delta(writer0, writer, "tessera_writer_batch_size_count", Map.of()))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(writer0, writer, "tessera_writer_write_latency_seconds_count", Map.of()))
                .isGreaterThanOrEqualTo(1);

        PrometheusText reader0 = before.get(ExportedMetrics.Part.READER);
        PrometheusText reader = after.get(ExportedMetrics.Part.READER);
        assertThat(
                        delta(
                                reader0,
                                reader,
                                "tessera_reader_features_served_total",
                                Map.of("feature", "txn_count_5m", "status", "PRESENT")))
                .isGreaterThanOrEqualTo(2);
        assertThat(
                        delta(
                                reader0,
                                reader,
                                "tessera_reader_request_latency_seconds_count",
                                Map.of("endpoint", "get_one")))
                .isGreaterThanOrEqualTo(2);

        PrometheusText job0 = before.get(ExportedMetrics.Part.JOB);
        PrometheusText job = after.get(ExportedMetrics.Part.JOB);
        assertThat(delta(job0, job, ExportedMetrics.JOB_EVENTS_IN, TRANSACTIONS)).isEqualTo(6);
        assertThat(delta(job0, job, ExportedMetrics.JOB_LATE_CORRECTED, Map.of()))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(job0, job, ExportedMetrics.JOB_LATE_DROPPED, Map.of()))
                .isGreaterThanOrEqualTo(1);
        Map<String, String> count5m = Map.of("feature", "txn_count_5m");
        assertThat(delta(job0, job, ExportedMetrics.JOB_NON_NULL_VALUES, count5m))
                .isGreaterThanOrEqualTo(2);
        assertThat(job.sum(ExportedMetrics.JOB_VALUE_DISTRIBUTION + "_count", count5m))
                .isGreaterThanOrEqualTo(2);
        // The newest event (window + 20 min) is 5 to 10 minutes behind the clock: so is the
        // watermark.
        assertThat(job.min(ExportedMetrics.JOB_EVENT_TIME_LAG, TRANSACTIONS))
                .isBetween(
                        (double) Duration.ofMinutes(5).toMillis(),
                        (double) Duration.ofMinutes(11).toMillis());
    }

    /**
     * Waits until some operator of the transactions stream saw a watermark past {@code time}: the
     * event-time lag gauge is wall clock minus watermark (negative while event time is ahead).
     */
    private static void awaitWatermarkPast(long time) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            long now = System.currentTimeMillis();
                            double lag =
                                    scrape(ExportedMetrics.Part.JOB)
                                            .min(ExportedMetrics.JOB_EVENT_TIME_LAG, TRANSACTIONS);
                            return !Double.isNaN(lag) && now - (long) lag > time;
                        });
    }

    private static void awaitCount(String user, long count) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> read(user).at("/features/txn_count_5m/value").asLong(),
                        value -> value == count);
    }

    private static double delta(
            PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static Map<ExportedMetrics.Part, PrometheusText> scrapeAll() throws Exception {
        Map<ExportedMetrics.Part, PrometheusText> scrapes =
                new EnumMap<>(ExportedMetrics.Part.class);
        for (ExportedMetrics.Part part : ExportedMetrics.Part.values()) {
            scrapes.put(part, scrape(part));
        }
        return scrapes;
    }

    private static PrometheusText scrape(ExportedMetrics.Part part) throws Exception {
        String url =
                switch (part) {
                    case GATEWAY -> pipeline.managementUrl("ingest-gateway") + "/metrics";
                    case WRITER -> pipeline.managementUrl("feature-writer") + "/metrics";
                    case READER -> pipeline.managementUrl("feature-reader") + "/metrics";
                    case JOB -> pipeline.flinkMetricsUrl();
                };
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).build());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return new PrometheusText(response.body());
    }

    static String event(String user, long time, double amount) {
        return """
                {"user_id": "%s", "amount": %s, "merchant": "m", "ts": %d}
                """
                .formatted(user, amount, time);
    }

    static int post(String ndjson) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(
                                URI.create(pipeline.gatewayUrl() + "/v1/events/transactions"))
                        .header("Authorization", "Bearer " + pipeline.producerToken())
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                        .build())
                .statusCode();
    }

    static JsonNode read(String user) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.readerUrl()
                                                        + "/v1/features/user/"
                                                        + user
                                                        + "?names=txn_count_5m"))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
