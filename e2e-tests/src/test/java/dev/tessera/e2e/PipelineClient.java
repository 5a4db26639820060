package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.LocalPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A producer and a model of a running pipeline: events POSTed as NDJSON, features read, with the
 * pipeline's tokens.
 */
final class PipelineClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalPipeline pipeline;

    PipelineClient(LocalPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** POSTs events, one JSON object a line, to a stream; the gateway's answer. */
    HttpResponse<String> post(String stream, String ndjson) {
        return send(
                HttpRequest.newBuilder(URI.create(pipeline.gatewayUrl() + "/v1/events/" + stream))
                        .header("Authorization", "Bearer " + pipeline.producerToken())
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson, StandardCharsets.UTF_8))
                        .build());
    }

    /** The reader's answer for one id, all features or those named. */
    JsonNode features(String entity, String id, String... names) {
        String query =
                names.length == 0
                        ? ""
                        : "?names="
                                + URLEncoder.encode(
                                        String.join(",", names), StandardCharsets.UTF_8);
        HttpResponse<String> response =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.readerUrl()
                                                        + "/v1/features/"
                                                        + entity
                                                        + "/"
                                                        + URLEncoder.encode(
                                                                id, StandardCharsets.UTF_8)
                                                        + query))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .build());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits (90 s at most) until the reader serves {@code user}'s closed 5-minute window of the
     * example spec with this count and sum.
     */
    void awaitWindow(String user, long count, double sum) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            JsonNode values =
                                    features("user", user, "txn_count_5m", "txn_amount_sum_5m")
                                            .path("features");
                            assertThat(values.at("/txn_count_5m/value").asLong()).isEqualTo(count);
                            assertThat(values.at("/txn_amount_sum_5m/value").asDouble())
                                    .isEqualTo(sum);
                        });
    }

    /** A transaction of the example spec, as an NDJSON line. */
    static String transaction(String user, long time, double amount) {
        return "{\"user_id\": \""
                + user
                + "\", \"amount\": "
                + amount
                + ", \"merchant\": \"m\", \"ts\": "
                + time
                + "}\n";
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
