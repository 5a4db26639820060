package dev.tessera.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.tessera.dev.PrometheusText;
import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Health, Prometheus metrics and the OpenAPI document of the gateway, on real Kafka, served on the
 * management port without a token.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class ObservabilityTest {

    static final Map<String, String> TRANSACTIONS = Map.of("stream", "transactions");

    // The management interface, where health, metrics and OpenAPI need no token (under its /q).
    @TestHTTPResource(value = "/health/ready", management = true)
    String readiness;

    @TestHTTPResource(value = "/metrics", management = true)
    String metrics;

    @TestHTTPResource(value = "/openapi", management = true)
    String openapi;

    @TestHTTPResource(value = "/swagger-ui/", management = true)
    String swaggerUi;

    @Test
    void readinessChecksKafkaAndTheSchemaRegistry() {
        given().get(readiness)
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("schema-registry"))
                .body("checks.name", hasItems(containsString("Kafka")));
    }

    @Test
    void healthAndMetricsAreNotOnThePublicPort() {
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void countsAcceptedAndRejectedEventsAndTimesProduction() {
        PrometheusText before = scrape();

        EventResourceTest.asProducer()
                .contentType(ContentType.JSON)
                .body(
                        """
                        [{"user_id": "o1", "amount": 1.0, "merchant": "m", "ts": 1700000000000},
                         {"user_id": "o1", "amount": 2.0, "merchant": "m", "ts": 1700000001000}]
                        """)
                .post("/v1/events/transactions")
                .then()
                .statusCode(202);
        EventResourceTest.asProducer()
                .contentType(ContentType.JSON)
                .body("[{\"user_id\": \"o1\", \"amount\": \"ten\"}, {\"user_id\": \"o1\"}]")
                .post("/v1/events/transactions")
                .then()
                .statusCode(400);
        EventResourceTest.asProducer()
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/events/no-such-stream")
                .then()
                .statusCode(404);

        PrometheusText after = scrape();
        assertThat(delta(before, after, "tessera_gateway_events_accepted_total", TRANSACTIONS))
                .isEqualTo(2);
        assertThat(
                        delta(
                                before,
                                after,
                                "tessera_gateway_events_rejected_total",
                                Map.of("stream", "transactions", "reason", "invalid")))
                .isEqualTo(2);
        assertThat(
                        delta(
                                before,
                                after,
                                "tessera_gateway_events_rejected_total",
                                Map.of("stream", "_unknown", "reason", "unknown_stream")))
                .isEqualTo(1);
        assertThat(
                        delta(
                                before,
                                after,
                                "tessera_gateway_produce_latency_seconds_count",
                                TRANSACTIONS))
                .isEqualTo(1);
        assertThat(after.has("tessera_gateway_produce_latency_seconds_bucket", TRANSACTIONS))
                .isTrue();
        // Every acknowledged event left the in-flight count.
        assertThat(after.sum("tessera_gateway_produce_inflight_events", Map.of())).isZero();
    }

    @Test
    void publishesTheOpenApiDocumentAndSwaggerUi() {
        given().get(openapi).then().statusCode(200).body(containsString("/v1/events/{stream}"));
        given().get(swaggerUi).then().statusCode(200);
    }

    private static double delta(
            PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private PrometheusText scrape() {
        return new PrometheusText(given().get(metrics).then().statusCode(200).extract().asString());
    }
}
