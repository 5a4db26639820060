package dev.tessera.reader;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.dev.PrometheusText;
import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Health, Prometheus metrics and the OpenAPI document of the reader, on a real redis-server, served
 * on the management port without a token.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class ObservabilityTest {

    // The management interface, where health, metrics and OpenAPI need no token (under its /q).
    @TestHTTPResource(value = "/health/ready", management = true)
    String readiness;

    @TestHTTPResource(value = "/health/live", management = true)
    String liveness;

    @TestHTTPResource(value = "/metrics", management = true)
    String metrics;

    @TestHTTPResource(value = "/openapi", management = true)
    String openapi;

    @TestHTTPResource(value = "/swagger-ui/", management = true)
    String swaggerUi;

    @Test
    void healthAndMetricsAreNotOnThePublicPort() {
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void readinessGoesDownWithRedisAndUpWhenItReturns() {
        given().get(readiness).then().statusCode(200).body("status", equalTo("UP"));
        double errorsBefore = scrape().sum("tessera_reader_redis_errors_total", Map.of());

        TesseraTestResources.redisDeployment().stop();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () ->
                                    given().get(readiness)
                                            .then()
                                            .statusCode(503)
                                            .body("status", equalTo("DOWN")));
            FeatureResourceTest.asReader().get("/v1/features/user/u1").then().statusCode(503);
            // Liveness is not Redis': restarting the reader would not bring Redis back.
            given().get(liveness).then().statusCode(200);
            assertThat(scrape().sum("tessera_reader_redis_errors_total", Map.of()))
                    .isGreaterThanOrEqualTo(errorsBefore + 1);
        } finally {
            TesseraTestResources.redisDeployment().start();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                given().get(readiness)
                                        .then()
                                        .statusCode(200)
                                        .body("status", equalTo("UP")));
    }

    @Test
    void countsServedFeaturesPerStatusAndTimesEachEndpoint() {
        Map<String, String> missing = Map.of("feature", "txn_count_5m", "status", "MISSING");
        Map<String, String> getOne = Map.of("endpoint", "get_one");
        PrometheusText before = scrape();

        FeatureResourceTest.asReader()
                .get("/v1/features/user/{id}?names=txn_count_5m", UUID.randomUUID().toString())
                .then()
                .statusCode(200);
        FeatureResourceTest.asReader()
                .contentType("application/json")
                .body("{\"ids\": [\"a\", \"b\"], \"names\": [\"txn_count_5m\"]}")
                .post("/v1/features/user")
                .then()
                .statusCode(200);

        PrometheusText after = scrape();
        assertThat(after.sum("tessera_reader_features_served_total", missing))
                .isEqualTo(before.sum("tessera_reader_features_served_total", missing) + 3);
        assertThat(after.sum("tessera_reader_request_latency_seconds_count", getOne))
                .isEqualTo(before.sum("tessera_reader_request_latency_seconds_count", getOne) + 1);
        assertThat(
                        after.sum(
                                "tessera_reader_request_latency_seconds_count",
                                Map.of("endpoint", "post_batch")))
                .isGreaterThanOrEqualTo(1);
        // Every feature and status exists from the start.
        assertThat(
                        after.has(
                                "tessera_reader_features_served_total",
                                Map.of("feature", "txn_amount_sum_5m", "status", "STALE")))
                .isTrue();
        assertThat(after.has("tessera_reader_request_latency_seconds_bucket", getOne)).isTrue();
    }

    @Test
    void publishesTheOpenApiDocumentAndSwaggerUi() {
        given().get(openapi)
                .then()
                .statusCode(200)
                .body(containsString("/v1/features/{entity}/{id}"));
        given().get(swaggerUi).then().statusCode(200);
    }

    private PrometheusText scrape() {
        return new PrometheusText(given().get(metrics).then().statusCode(200).extract().asString());
    }
}
