package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.LocalPipeline;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding features is a YAML change only: the same build runs a second, different spec (another
 * entity, stream and features) end to end.
 */
class SecondSpecEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static LocalPipeline pipeline;

    @TempDir static Path dataDir;

    @BeforeAll
    static void startPipeline() throws URISyntaxException {
        Path spec =
                Path.of(SecondSpecEndToEndTest.class.getResource("/second-features.yaml").toURI());
        pipeline =
                LocalPipeline.start(
                        PipelineEndToEndTest.ROOT,
                        spec,
                        dataDir,
                        LocalPipeline.Ports.free(),
                        List.of());
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void servesTheFeaturesOfTheSecondSpec() throws Exception {
        long minute = 60_000;
        long window = (System.currentTimeMillis() / minute - 3) * minute;
        String payments =
                payment("m1", 10.0, "FR", window + 1_000)
                        + payment("m1", 30.0, "DE", window + 20_000)
                        + payment("m1", 20.0, "FR", window + 40_000)
                        // two minutes later: closes the first window
                        + payment("m1", 1.0, "FR", window + 2 * minute + 1_000);
        HttpResponse<String> accepted =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(pipeline.gatewayUrl() + "/v1/events/payments"))
                                .header("Authorization", "Bearer " + pipeline.producerToken())
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(payments))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);

        JsonNode features =
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(
                                () -> read("/v1/features/merchant/m1").get("features"),
                                f -> f.at("/payments_1m/status").asText().equals("PRESENT"));
        assertThat(features.at("/payments_1m/value").asLong()).isEqualTo(3);
        assertThat(features.at("/amount_max_1m/value").asDouble()).isEqualTo(30.0);
        assertThat(features.at("/countries_1h/value").asLong()).isEqualTo(2);

        // The example spec's entity is not part of this one.
        assertThat(status("/v1/features/user/u1")).isEqualTo(404);
    }

    static String payment(String merchant, double amount, String country, long ts) {
        return """
                {"merchant_id": "%s", "amount": %s, "country": "%s", "ts": %d}
                """
                .formatted(merchant, amount, country, ts);
    }

    static JsonNode read(String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(pipeline.readerUrl() + path))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static int status(String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(pipeline.readerUrl() + path))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
