package dev.tessera.reader;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;

import dev.tessera.dev.TesseraTestResources;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.store.RedisLayout;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The reader against a real redis-server, its data written by the writer's own script. */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class FeatureResourceTest {

    static final String GROUP = "user_transactions_5m";

    @Inject RedisDataSource redis;

    @Test
    void servesStoredValuesWithStatusEventTimeAndAge() {
        String user = unique();
        long eventTime = System.currentTimeMillis() - 1_000;
        store(user, eventTime, 3L, 42.5);

        given().get("/v1/features/user/{id}?names=txn_count_5m,txn_amount_sum_5m", user)
                .then()
                .statusCode(200)
                .body("entity", equalTo("user"))
                .body("id", equalTo(user))
                .body("features.txn_count_5m.value", equalTo(3))
                .body("features.txn_count_5m.status", equalTo("PRESENT"))
                .body(
                        "features.txn_count_5m.event_time",
                        equalTo(Instant.ofEpochMilli(eventTime).toString()))
                .body(
                        "features.txn_count_5m.age_ms",
                        allOf(greaterThanOrEqualTo(1_000), lessThan(60_000)))
                .body("features.txn_amount_sum_5m.value", equalTo(42.5f))
                .body("features.txn_amount_sum_5m.status", equalTo("PRESENT"));
    }

    @Test
    void aValueOlderThanStaleAfterIsStale() {
        String user = unique();
        // The example group has no stale_after, so its TTL of one day applies.
        store(user, System.currentTimeMillis() - Duration.ofHours(25).toMillis(), 1L, 1.0);

        given().get("/v1/features/user/{id}?names=txn_count_5m", user)
                .then()
                .statusCode(200)
                .body("features.txn_count_5m.value", equalTo(1))
                .body("features.txn_count_5m.status", equalTo("STALE"));
    }

    @Test
    void anUnknownIdHasMissingFeatures() {
        given().get("/v1/features/user/{id}", unique())
                .then()
                .statusCode(200)
                .body("features.txn_count_5m.status", equalTo("MISSING"))
                .body("features.txn_count_5m.value", nullValue())
                .body("features.txn_count_5m.event_time", nullValue())
                .body("features.txn_count_5m.age_ms", nullValue())
                .body("features.txn_amount_sum_5m.status", equalTo("MISSING"));
    }

    @Test
    void servesManyIdsInOneRequest() {
        String a = unique();
        String b = unique();
        String unknown = unique();
        store(a, System.currentTimeMillis(), 2L, 20.0);
        store(b, System.currentTimeMillis(), 5L, 50.0);

        given().contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(b, unknown, a), "names", List.of("txn_count_5m")))
                .post("/v1/features/user")
                .then()
                .statusCode(200)
                .body("entity", equalTo("user"))
                .body("results.id", equalTo(List.of(b, unknown, a)))
                .body("results[0].features.txn_count_5m.value", equalTo(5))
                .body("results[1].features.txn_count_5m.status", equalTo("MISSING"))
                .body("results[2].features.txn_count_5m.value", equalTo(2));
    }

    @Test
    void anUnknownFeatureIsA400Problem() {
        given().get("/v1/features/user/u1?names=txn_count_5m,txn_count_6m")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("[txn_count_6m]"));
    }

    @Test
    void anUnknownEntityIsA404Problem() {
        given().get("/v1/features/merchant/m1")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("entity 'merchant'"));
    }

    @Test
    void answers503WhileRedisIsDownAndRecoversByItself() {
        TesseraTestResources.redis().stop();
        try {
            given().get("/v1/features/user/u1")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json");
        } finally {
            TesseraTestResources.redis().start();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/v1/features/user/u1").then().statusCode(200));
    }

    /** Stores values the way the writer does. */
    private void store(String user, long eventTime, long count, double sum) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("txn_count_5m", count);
        values.put("txn_amount_sum_5m", sum);
        FeatureUpdate update = new FeatureUpdate("user", user, GROUP, eventTime, values);
        List<String> args = new ArrayList<>();
        args.add(RedisLayout.WRITE_SCRIPT);
        args.add("1");
        args.add(RedisLayout.key(update));
        args.addAll(RedisLayout.writeArgs(update, Duration.ofHours(1)));
        redis.execute("EVAL", args.toArray(String[]::new));
    }

    private static String unique() {
        return "user-" + UUID.randomUUID();
    }
}
