package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.LocalPipeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline as {@code ./run.sh} starts it, on real parts: a Kafka broker, redis-server and
 * the dev schema registry, the Flink job in a MiniCluster, and the gateway, writer and reader from
 * their packaged jars. Events POSTed to the gateway come back from the reader as features.
 */
class PipelineEndToEndTest {

    static final Path ROOT = Path.of("..");
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static LocalPipeline pipeline;

    @TempDir static Path dataDir;

    @BeforeAll
    static void startPipeline() {
        pipeline =
                LocalPipeline.start(
                        ROOT,
                        ROOT.resolve("features.yaml"),
                        dataDir,
                        LocalPipeline.Ports.free(),
                        List.of("--parallelism", "2"));
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void postedTransactionsBecomeServedFeatures() throws Exception {
        String user = "user-" + UUID.randomUUID();
        String other = "user-" + UUID.randomUUID();
        // A recent, closed window, so the served value is PRESENT.
        long window = (System.currentTimeMillis() / WINDOW.toMillis() - 2) * WINDOW.toMillis();

        String firstTwo = events(user, window + 10_000, 10.0, window + 60_000, 20.0);
        assertThat(post(firstTwo, "retry-" + user)).isEqualTo(202);
        // The client did not see the answer and retries: the same events must count once.
        assertThat(post(firstTwo, "retry-" + user)).isEqualTo(202);
        assertThat(post(events(other, window + 30_000, 7.0))).isEqualTo(202);
        // 2 s behind the newest event of its partition: out of order, inside the 5 s bound.
        assertThat(post(events(user, window + 58_000, 5.5))).isEqualTo(202);
        // More than 5 minutes later: event time passes the end of the first window, which closes.
        assertThat(post(events(user, window + WINDOW.toMillis() + 60_000, 1.0))).isEqualTo(202);
        assertThat(post(events(other, window + WINDOW.toMillis() + 60_000, 1.0))).isEqualTo(202);

        JsonNode features = awaitFeatures(user);
        assertThat(features.at("/txn_count_5m/value").asLong()).isEqualTo(3);
        assertThat(features.at("/txn_amount_sum_5m/value").asDouble()).isEqualTo(35.5);
        assertThat(features.at("/txn_count_5m/event_time").asText())
                .isEqualTo(Instant.ofEpochMilli(window + WINDOW.toMillis()).toString());
        assertThat(features.at("/txn_amount_sum_5m/status").asText()).isEqualTo("PRESENT");
        assertThat(features.at("/txn_count_5m/age_ms").asLong()).isPositive();

        JsonNode others = awaitFeatures(other);
        assertThat(others.at("/txn_count_5m/value").asLong()).isEqualTo(1);
        assertThat(others.at("/txn_amount_sum_5m/value").asDouble()).isEqualTo(7.0);
    }

    @Test
    void anInvalidEventIsRefusedAndAnUnknownIdIsMissing() throws Exception {
        HttpResponse<String> refused =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.gatewayUrl() + "/v1/events/transactions"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"user_id\": \"u\", \"amount\": \"x\"}"))
                                .build());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");

        JsonNode answer = read("user-" + UUID.randomUUID());
        assertThat(answer.at("/features/txn_count_5m/status").asText()).isEqualTo("MISSING");
    }

    private static JsonNode awaitFeatures(String user) {
        return await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> read(user).get("features"),
                        f -> f.at("/txn_count_5m/status").asText().equals("PRESENT"));
    }

    static String events(String user, Object... timeAndAmount) {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < timeAndAmount.length; i += 2) {
            ndjson.append(
                    """
                    {"user_id": "%s", "amount": %s, "merchant": "m", "ts": %d}
                    """
                            .formatted(user, timeAndAmount[i + 1], (Long) timeAndAmount[i]));
        }
        return ndjson.toString();
    }

    static int post(String ndjson) throws IOException, InterruptedException {
        return post(ndjson, null);
    }

    static int post(String ndjson, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(pipeline.gatewayUrl() + "/v1/events/transactions"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build()).statusCode();
    }

    static JsonNode read(String user) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.readerUrl()
                                                        + "/v1/features/user/"
                                                        + user
                                                        + "?names=txn_count_5m,txn_amount_sum_5m"))
                                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
