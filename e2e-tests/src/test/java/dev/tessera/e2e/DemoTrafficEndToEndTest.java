package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.DemoTraffic;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code ./run.sh --demo} promises: its traffic makes every example feature PRESENT. A
 * pipeline of its own: the demo's history is two hours old, and other tests' events would move
 * event time past it.
 */
class DemoTrafficEndToEndTest {

    static final Path ROOT = ExamplePipeline.ROOT;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final ExamplePipeline pipeline = new ExamplePipeline("--parallelism", "2");

    @Test
    void demoTrafficMakesEveryExampleFeaturePresent() throws Exception {
        FeatureSpec spec = SpecParser.parse(ROOT.resolve("features.yaml"));
        DemoTraffic traffic =
                new DemoTraffic(spec, pipeline.gatewayUrl(), pipeline.producerToken());
        traffic.postHistory();
        traffic.postLive(); // moves event time past the sessions of the history

        List<String> users =
                IntStream.rangeClosed(1, DemoTraffic.ENTITIES).mapToObj(i -> "user-" + i).toList();
        List<String> features =
                spec.featuresOf(spec.entity("user").orElseThrow()).stream()
                        .map(Feature::name)
                        .toList();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () -> {
                            JsonNode results = readMany(users).get("results");
                            for (String feature : features) {
                                assertThat(results.findValues(feature))
                                        .as(feature)
                                        .anyMatch(
                                                value ->
                                                        value.get("status")
                                                                .asText()
                                                                .equals("PRESENT"));
                            }
                        });
    }

    static JsonNode readMany(List<String> users) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(pipeline.readerUrl() + "/v1/features/user"))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(
                                                        java.util.Map.of("ids", users))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
