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
import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.TileMerger;
import dev.tessera.store.RedisStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
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

    @Inject RedisStore redisClient;
    @Inject FeatureSpec spec;

    /** A request with a token that may read every entity. */
    static RequestSpecification asReader() {
        return given().auth().oauth2(TesseraTestResources.jwt().token("read:*"));
    }

    @Test
    void servesStoredValuesWithStatusEventTimeAndAge() {
        String user = unique();
        long eventTime = System.currentTimeMillis() - 1_000;
        store(user, eventTime, 3L, 42.5);

        asReader()
                .get("/v1/features/user/{id}?names=txn_count_5m,txn_amount_sum_5m", user)
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
    void servesCountsByValueAsAnObjectAndTheTimeSinceTheLastEventAsOfTheRequest() {
        String user = unique();
        long lastTxn = System.currentTimeMillis() - 90_000;
        Map<String, Object> clicks = new LinkedHashMap<>();
        clicks.put("views_by_category", new java.util.TreeMap<>(Map.of("books", 2L, "games", 1L)));
        clicks.put("last_10_actions", List.of("p3", "p1"));
        StoredUpdates.write(
                redisClient,
                spec,
                List.of(
                        FeatureUpdate.values("user", user, "user_click_state", lastTxn, 3, clicks),
                        FeatureUpdate.values(
                                "user",
                                user,
                                "user_transaction_state",
                                lastTxn,
                                1,
                                Map.of("time_since_last_txn_s", lastTxn))));

        asReader()
                .get(
                        "/v1/features/user/{id}"
                                + "?names=views_by_category,last_10_actions,time_since_last_txn_s",
                        user)
                .then()
                .statusCode(200)
                .body("features.views_by_category.value.books", equalTo(2))
                .body("features.views_by_category.value.games", equalTo(1))
                .body("features.last_10_actions.value", equalTo(List.of("p3", "p1")))
                .body(
                        "features.time_since_last_txn_s.value",
                        allOf(greaterThanOrEqualTo(90.0f), lessThan(150.0f)))
                .body("features.time_since_last_txn_s.status", equalTo("PRESENT"));
    }

    @Test
    void aValueOlderThanStaleAfterIsStale() {
        String user = unique();
        // The example group has no stale_after, so its TTL of one day applies.
        store(user, System.currentTimeMillis() - Duration.ofHours(25).toMillis(), 1L, 1.0);

        asReader()
                .get("/v1/features/user/{id}?names=txn_count_5m", user)
                .then()
                .statusCode(200)
                .body("features.txn_count_5m.value", equalTo(1))
                .body("features.txn_count_5m.status", equalTo("STALE"));
    }

    @Test
    void anUnknownIdHasMissingFeatures() {
        asReader()
                .get("/v1/features/user/{id}", unique())
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

        asReader()
                .contentType(ContentType.JSON)
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
        asReader()
                .get("/v1/features/user/u1?names=txn_count_5m,txn_count_6m")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("[txn_count_6m]"));
    }

    @Test
    void anUnknownEntityIsA404Problem() {
        asReader()
                .get("/v1/features/merchant/m1")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("entity 'merchant'"));
    }

    @Test
    void answers503WhileRedisIsDownAndRecoversByItself() {
        TesseraTestResources.redisDeployment().stop();
        try {
            asReader()
                    .get("/v1/features/user/u1")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json");
        } finally {
            TesseraTestResources.redisDeployment().start();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> asReader().get("/v1/features/user/u1").then().statusCode(200));
    }

    @Test
    void rollingFeaturesMergeTheTilesOfTheLastHourAtRequestTime() {
        String user = unique();
        long now = System.currentTimeMillis();
        storeTile(user, now - Duration.ofMinutes(30).toMillis(), 10.0, 250.0);
        storeTile(user, now - Duration.ofMinutes(2).toMillis(), 5.0);
        storeTile(user, now - Duration.ofMinutes(90).toMillis(), 1000.0); // outside the hour

        asReader()
                .get(
                        "/v1/features/user/{id}?names=txn_amount_sum_1h,large_txn_count_1h,txn_amount_min_1h",
                        user)
                .then()
                .statusCode(200)
                .body("features.txn_amount_sum_1h.value", equalTo(265.0f))
                .body("features.txn_amount_sum_1h.status", equalTo("PRESENT"))
                .body("features.large_txn_count_1h.value", equalTo(1))
                .body("features.txn_amount_min_1h.value", equalTo(5.0f))
                // Its age is that of the newest event any tile holds: 2 minutes.
                .body(
                        "features.txn_amount_sum_1h.age_ms",
                        allOf(greaterThanOrEqualTo(120_000), lessThan(180_000)));
    }

    /** Stores windowed values the way the writer does. */
    private void store(String user, long eventTime, long count, double sum) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("txn_count_5m", count);
        values.put("txn_amount_sum_5m", sum);
        FeatureUpdate update = FeatureUpdate.values("user", user, GROUP, eventTime, count, values);
        StoredUpdates.write(redisClient, spec, List.of(update));
    }

    /** Stores one tile of the 1-hour rolling group, holding these transaction amounts. */
    private void storeTile(String user, long eventTime, double... amounts) {
        FeatureGroup group = spec.group("user_transactions_1h").orElseThrow();
        Map<String, byte[]> partials = new LinkedHashMap<>();
        for (Feature feature : group.rollingFeatures()) {
            Accumulator accumulator = feature.aggregation().newAccumulator();
            for (double amount : amounts) {
                Map<String, Object> event = Map.of("amount", amount);
                if (feature.where().test(event)) {
                    accumulator.add(feature.field() == null ? null : amount, eventTime);
                }
            }
            partials.put(feature.name(), accumulator.encode());
        }
        long start = TileMerger.tileOf(eventTime, group.tile());
        FeatureUpdate update =
                FeatureUpdate.tile(
                        "user",
                        user,
                        group.name(),
                        eventTime,
                        amounts.length,
                        new FeatureUpdate.Tile(start, partials));
        StoredUpdates.write(redisClient, spec, List.of(update));
    }

    private static String unique() {
        return "user-" + UUID.randomUUID();
    }
}
