package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.spec.reference.StoreModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline as {@code ./run.sh} starts it, on real parts: a Kafka broker, redis-server and
 * Apicurio Registry, the Flink job in a MiniCluster, and the gateway, writer and reader from their
 * packaged jars. Events POSTed to the gateway come back from the reader as features.
 */
class PipelineEndToEndTest {

    static final Path ROOT = ExamplePipeline.ROOT;
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

    /**
     * Clicks, purchases and product versions through the gateway: the reader serves the joined and
     * stateful features of the example spec with the values the reference computes from the same
     * events.
     */
    @Test
    void joinedAndStatefulFeaturesEqualTheReference() throws Exception {
        FeatureSpec spec = SpecParser.parse(ROOT.resolve("features.yaml"));
        String user = "user-" + UUID.randomUUID();
        String p1 = "product-" + UUID.randomUUID();
        String p2 = "product-" + UUID.randomUUID();
        long t = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        long second = 1_000;
        // All within 5 s (the streams' out_of_orderness): whichever topic the job reads first,
        // none of these is behind another stream's watermark, as with producers sending in real
        // time. (Were a stream idle while another one's event time moved minutes on, its older
        // events would be late for the join, as Flink's watermarks go.)
        List<Event> events = new ArrayList<>();
        events.add(product(p1, t - 4 * second, "books", 10.0));
        events.add(product(p1, t - 2 * second, "games", 20.0));
        events.add(click(user, p1, t - 3 * second)); // books: the version then
        events.add(click(user, p1, t - second));
        events.add(click(user, p2, t - second)); // p2 has no version: the defaults
        events.add(purchase(user, p1, t, 30.0)); // 1 s after the last click on p1
        events.add(click(user, p1, t + second / 2));
        events.add(click(user, p1, t + second));
        postAll(events);
        // Once the purchase and the clicks after it count, the job has read them; only then do
        // later events move event time on.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> read(user, List.of("clicks_since_last_purchase")),
                        f -> f.at("/features/clicks_since_last_purchase/value").asLong() == 2);
        // Later events of every stream, so each join's watermark passes the events above.
        String later = "user-" + UUID.randomUUID();
        String p3 = "product-" + UUID.randomUUID();
        List<Event> closing =
                List.of(
                        product(p3, t + 30 * second, "maps", 5.0),
                        click(later, p3, t + 30 * second),
                        purchase(later, p3, t + 30 * second, 1.0));
        postAll(closing);
        events.addAll(closing);

        Reference.Result expected = new Reference(spec).run(events);
        StoreModel store = expected.store(spec);
        List<String> names =
                List.of(
                        "view_to_purchase_seconds_avg_24h",
                        "purchases_after_view_10m_count",
                        "clicks_by_category_1h",
                        "viewed_price_avg_1h",
                        "last_10_actions",
                        "views_by_category",
                        "clicks_since_last_purchase");
        JsonNode features =
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(
                                () -> read(user, names).get("features"),
                                f ->
                                        names.stream()
                                                        .allMatch(
                                                                name ->
                                                                        f.at("/" + name + "/status")
                                                                                .asText()
                                                                                .equals("PRESENT"))
                                                && f.at("/clicks_since_last_purchase/value")
                                                                .asLong()
                                                        == 2);
        long now = System.currentTimeMillis();
        for (String name : names) {
            Feature feature = spec.feature(name).orElseThrow();
            Object value =
                    feature.isRolling()
                            ? expected.rollingValue(spec, user, name, now)
                            : store.value(user, name).value();
            assertThat(JSON.writeValueAsString(features.at("/" + name + "/value")))
                    .as(name)
                    .isEqualTo(JSON.writeValueAsString(value));
        }
        // What the reference says, spelled out: the click 1 s before the purchase.
        assertThat(features.at("/view_to_purchase_seconds_avg_24h/value").asDouble())
                .isEqualTo(1.0);
        assertThat(features.at("/views_by_category/value/unknown").asLong()).isEqualTo(1);
    }

    private static void postAll(List<Event> events) throws IOException, InterruptedException {
        for (Event event : events) {
            assertThat(post(event.stream(), JSON.writeValueAsString(event.fields()), null))
                    .as("POST %s", event)
                    .isEqualTo(202);
        }
    }

    private static Event click(String user, String product, long ts) {
        return new Event(
                "clicks", user, ts, Map.of("user_id", user, "product_id", product, "ts", ts));
    }

    private static Event purchase(String user, String product, long ts, double amount) {
        return new Event(
                "purchases",
                user,
                ts,
                Map.of("user_id", user, "product_id", product, "amount", amount, "ts", ts));
    }

    private static Event product(String product, long ts, String category, double price) {
        return new Event(
                "products",
                product,
                ts,
                Map.of("product_id", product, "category", category, "price", price, "ts", ts));
    }

    @Test
    void anInvalidEventIsRefusedAndAnUnknownIdIsMissing() throws Exception {
        HttpResponse<String> refused =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.gatewayUrl() + "/v1/events/transactions"))
                                .header("Authorization", "Bearer " + pipeline.producerToken())
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
        return post("transactions", ndjson, idempotencyKey);
    }

    static int post(String stream, String ndjson, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(pipeline.gatewayUrl() + "/v1/events/" + stream))
                        .header("Authorization", "Bearer " + pipeline.producerToken())
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build()).statusCode();
    }

    static JsonNode read(String user) throws IOException, InterruptedException {
        return read(user, List.of("txn_count_5m", "txn_amount_sum_5m"));
    }

    static JsonNode read(String user, List<String> names) throws IOException, InterruptedException {
        HttpResponse<String> response =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.readerUrl()
                                                        + "/v1/features/user/"
                                                        + user
                                                        + "?names="
                                                        + String.join(",", names)))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
