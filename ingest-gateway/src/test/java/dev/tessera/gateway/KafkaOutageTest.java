package dev.tessera.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * While Kafka cannot acknowledge, the gateway answers 503 with Retry-After, and recovers by itself;
 * every event it answered 202, before, during or after the outage, is in the topic.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class KafkaOutageTest {

    @Test
    void answers503WhileKafkaIsDownAndAcceptsAgainWhenItIsBack() {
        String user = EventResourceTest.unique("user");
        TesseraTestResources.kafka().stop();
        try {
            EventResourceTest.asProducer()
                    .contentType(ContentType.JSON)
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
                                EventResourceTest.asProducer()
                                        .contentType(ContentType.JSON)
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

    @Test
    void everyEventAnswered202AcrossAnOutageIsInTheTopic() throws Exception {
        String user = EventResourceTest.unique("user");
        AtomicBoolean posting = new AtomicBoolean(true);
        List<Double> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        Thread poster =
                new Thread(
                        () -> {
                            // One event a request, each with its own amount, as fast as answered.
                            for (int i = 0; posting.get(); i++) {
                                double amount = i;
                                int status =
                                        EventResourceTest.asProducer()
                                                .contentType(ContentType.JSON)
                                                .body(
                                                        EventResourceTest.event(
                                                                user,
                                                                amount,
                                                                1_700_000_000_000L + i))
                                                .post("/v1/events/transactions")
                                                .statusCode();
                                if (status == 202) {
                                    accepted.add(amount);
                                } else {
                                    refused.incrementAndGet();
                                }
                            }
                        },
                        "poster");
        poster.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 20);
            TesseraTestResources.kafka().stop();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> refused.get() >= 1);
            } finally {
                TesseraTestResources.kafka().start();
            }
            int beforeRecovery = accepted.size();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> accepted.size() >= beforeRecovery + 20);
        } finally {
            posting.set(false);
            poster.join();
        }

        List<Object> inTopic =
                TopicReader.recordsOf(EventResourceTest.TOPIC, user, accepted.size()).stream()
                        .map(r -> r.value().get("amount"))
                        .toList();
        assertThat(refused.get()).isPositive();
        // A refused event may be there too: a 503 does not say that Kafka did not get it.
        assertThat(inTopic).containsAll(accepted);
    }
}
