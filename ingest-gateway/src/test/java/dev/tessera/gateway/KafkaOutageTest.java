package dev.tessera.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * While Kafka cannot acknowledge, the gateway answers 503 with Retry-After, and recovers by itself.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class KafkaOutageTest {

    @Test
    void answers503WhileKafkaIsDownAndAcceptsAgainWhenItIsBack() {
        String user = EventResourceTest.unique("user");
        TesseraTestResources.kafka().stop();
        try {
            given().contentType(ContentType.JSON)
                    .body(EventResourceTest.event(user, 1.0, 1_700_000_000_000L))
                    .post("/v1/events/transactions")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("detail", containsString("retrying"));
        } finally {
            TesseraTestResources.kafka().start();
        }

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () ->
                                given().contentType(ContentType.JSON)
                                        .body(
                                                EventResourceTest.event(
                                                        user, 2.0, 1_700_000_001_000L))
                                        .post("/v1/events/transactions")
                                        .statusCode(),
                        status -> status == 202);
        assertThat(TopicReader.recordsOf(EventResourceTest.TOPIC, user, 1))
                .extracting(r -> r.value().get("amount"))
                .contains(2.0);
    }
}
