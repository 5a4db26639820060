package dev.tessera.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import dev.tessera.dev.TesseraTestResources;
import dev.tessera.gateway.rest.EventResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The gateway against a real Kafka broker and schema registry, read back with the real serde. */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class EventResourceTest {

    static final String TOPIC = "transactions";

    @Test
    void acceptsOneEventAndProducesItAsAvroKeyedByEntityId() {
        String user = unique("user");
        asProducer()
                .contentType(ContentType.JSON)
                .body(
                        """
                        {"user_id": "%s", "amount": 12.5, "merchant": "books", "ts": "2026-01-31T12:00:00Z"}
                        """
                                .formatted(user))
                .post("/v1/events/transactions")
                .then()
                .statusCode(202)
                .body("accepted", equalTo(1));

        List<ConsumerRecord<String, GenericRecord>> records = TopicReader.recordsOf(TOPIC, user, 1);
        assertThat(records).hasSize(1);
        GenericRecord event = records.get(0).value();
        assertThat(records.get(0).key()).isEqualTo(user);
        assertThat(event.get("amount")).isEqualTo(12.5);
        assertThat(event.get("merchant").toString()).isEqualTo("books");
        assertThat(event.get("ts")).isEqualTo(Instant.parse("2026-01-31T12:00:00Z").toEpochMilli());
    }

    @Test
    void acceptsArraysAndNdjson() {
        String user = unique("user");
        asProducer()
                .contentType(ContentType.JSON)
                .body(
                        "[%s, %s]"
                                .formatted(
                                        event(user, 1.0, 1_700_000_000_000L),
                                        event(user, 2.0, 1_700_000_001_000L)))
                .post("/v1/events/transactions")
                .then()
                .statusCode(202)
                .body("accepted", equalTo(2));
        asProducer()
                .contentType(EventResource.NDJSON)
                .body(
                        bytes(
                                event(user, 3.0, 1_700_000_002_000L)
                                        + "\n\n"
                                        + event(user, 4.0, 1_700_000_003_000L)
                                        + "\n"))
                .post("/v1/events/transactions")
                .then()
                .statusCode(202)
                .body("accepted", equalTo(2));

        assertThat(TopicReader.recordsOf(TOPIC, user, 4))
                .extracting(r -> r.value().get("amount"))
                .containsExactly(1.0, 2.0, 3.0, 4.0);
    }

    @Test
    void refusesTheWholeRequestWhenOneEventIsInvalidAndProducesNothing() {
        String user = unique("user");
        asProducer()
                .contentType(ContentType.JSON)
                .body(
                        """
                        [%s,
                         {"user_id": "%s", "amount": "ten", "merchant": "books", "ts": "yesterday", "colour": "red"},
                         {"user_id": "", "merchant": "books", "ts": 1700000000000}]
                        """
                                .formatted(event(user, 1.0, 1_700_000_000_000L), user))
                .post("/v1/events/transactions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("nothing was accepted"))
                .body("errors", hasSize(5))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].field", equalTo("amount"))
                .body("errors[0].reason", equalTo("must be a number"))
                .body("errors.find { it.field == 'ts' }.reason", containsString("ISO-8601"))
                .body("errors.find { it.field == 'colour' }.reason", containsString("not a field"))
                .body(
                        "errors.find { it.index == 2 && it.field == 'amount' }.reason",
                        equalTo("is required"))
                .body("errors.find { it.field == 'user_id' }.index", equalTo(2));

        // A later valid event of the same user arrives alone: nothing of the refused request was
        // produced.
        asProducer()
                .contentType(ContentType.JSON)
                .body(event(user, 99.0, 1_700_000_009_000L))
                .post("/v1/events/transactions")
                .then()
                .statusCode(202);
        assertThat(TopicReader.recordsOf(TOPIC, user, 1))
                .extracting(r -> r.value().get("amount"))
                .containsExactly(99.0);
    }

    @Test
    void anEventStampedBeyondMaxFutureIsRefusedAndTheStreamGoesOn() {
        String user = unique("user");
        long now = System.currentTimeMillis();
        long tenYears = Duration.ofDays(3650).toMillis();
        asProducer()
                .contentType(ContentType.JSON)
                .body("[%s, %s]".formatted(event(user, 1.0, now), event(user, 2.0, now + tenYears)))
                .post("/v1/events/transactions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors", hasSize(1))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].field", equalTo("ts"))
                // Ten years, less the few milliseconds the request took.
                .body("errors[0].reason", startsWith("is 3153599"))
                .body("errors[0].reason", containsString(" s ahead of the gateway's clock"))
                .body("errors[0].reason", containsString("at most 1m ahead (max_future)"));

        // Within the bound (the clocks of producers and gateway differ a little) is accepted.
        asProducer()
                .contentType(ContentType.JSON)
                .body(event(user, 3.0, now + 30_000))
                .post("/v1/events/transactions")
                .then()
                .statusCode(202);
        assertThat(TopicReader.recordsOf(TOPIC, user, 1))
                .extracting(r -> r.value().get("amount"))
                .containsExactly(3.0);
    }

    @Test
    void anIdempotencyKeyNamesTheEventsSoARetryRepeatsTheirIds() {
        String user = unique("user");
        String body =
                "[%s, {\"event_id\": \"mine\", \"user_id\": \"%s\", \"amount\": 2.0, \"merchant\": \"m\", \"ts\": 1}]"
                        .formatted(event(user, 1.0, 1L), user);
        for (int attempt = 0; attempt < 2; attempt++) {
            asProducer()
                    .contentType(ContentType.JSON)
                    .header(EventResource.IDEMPOTENCY_KEY, "order-" + user)
                    .body(body)
                    .post("/v1/events/transactions")
                    .then()
                    .statusCode(202);
        }

        assertThat(TopicReader.recordsOf(TOPIC, user, 4))
                .extracting(r -> r.value().get("event_id").toString())
                .containsExactly("order-" + user + ":0", "mine", "order-" + user + ":0", "mine");
    }

    @Test
    void malformedJsonIsA400Problem() {
        asProducer()
                .contentType(EventResource.NDJSON)
                .body(bytes(event("u", 1.0, 1L) + "\n{not json\n"))
                .post("/v1/events/transactions")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].index", equalTo(1))
                .body("errors[0].reason", containsString("not valid JSON"));
    }

    @Test
    void unknownStreamIs404() {
        asProducer()
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/events/refunds")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("stream 'refunds' is not declared"));
    }

    @Test
    void tooManyEventsIs413() {
        String many = (event("u", 1.0, 1L) + "\n").repeat(10_001);
        asProducer()
                .contentType(EventResource.NDJSON)
                .body(bytes(many))
                .post("/v1/events/transactions")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("at most 10000"));
    }

    @Test
    void tooLargeBodyIs413() {
        String padding = "x".repeat(6 * 1024 * 1024);
        asProducer()
                .contentType(ContentType.JSON)
                .body("{\"user_id\": \"" + padding + "\"}")
                .post("/v1/events/transactions")
                .then()
                .statusCode(413)
                .contentType("application/problem+json");
    }

    /** A request with a token that may produce every stream. */
    static RequestSpecification asProducer() {
        return given().auth().oauth2(TesseraTestResources.jwt().token("produce:*"));
    }

    static String event(String user, double amount, long ts) {
        return """
                {"user_id": "%s", "amount": %s, "merchant": "m", "ts": %d}"""
                .formatted(user, amount, ts);
    }

    /** NDJSON goes as bytes: REST Assured has no encoder for its media type. */
    static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
