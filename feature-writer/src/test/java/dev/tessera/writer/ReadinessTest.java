package dev.tessera.writer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The writer is ready only with Kafka, Redis and the schema registry, and exports metrics. */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class ReadinessTest {

    // On the management interface (under its /q).
    @TestHTTPResource(value = "/health/ready", management = true)
    String readiness;

    @TestHTTPResource(value = "/metrics", management = true)
    String metrics;

    @Test
    void readinessChecksKafkaRedisAndTheRegistryAndFollowsRedis() {
        given().get(readiness)
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("schema-registry"))
                .body("checks.name", hasItem(containsString("Kafka")))
                .body("checks.name", hasItem(containsString("Redis")));

        TesseraTestResources.redisDeployment().stop();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () ->
                                    given().get(readiness)
                                            .then()
                                            .statusCode(503)
                                            .body("status", equalTo("DOWN")));
        } finally {
            TesseraTestResources.redisDeployment().start();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get(readiness).then().statusCode(200));
    }

    @Test
    void exportsPrometheusMetrics() {
        given().get(metrics)
                .then()
                .statusCode(200)
                .body(containsString("tessera_writer_group_update_interval_seconds"))
                .body(containsString("tessera_writer_batch_size"));
    }
}
