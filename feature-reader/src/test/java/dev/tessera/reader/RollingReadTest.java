package dev.tessera.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.TesseraTestResources;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.store.RedisStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The reader's merge of stored tiles equals the reference at random request times: random events,
 * out of order, go through the reference; its updates are written with the writer's scripts; reads
 * at random moments after the newest event must give what the events themselves give.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class RollingReadTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] MERCHANTS = {"books", "games", "food", "travel", "music", "rent"};

    @Inject FeatureSpec spec;
    @Inject RedisStore redis;

    @Test
    void mergedTilesEqualTheReferenceAtRandomRequestTimes() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            String user = "user-" + UUID.randomUUID();
            long start = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                long ts = start + (long) (random.nextDouble() * Duration.ofHours(3).toMillis());
                Map<String, Object> fields =
                        Map.of(
                                "user_id",
                                user,
                                "amount",
                                Math.round(random.nextDouble() * 30_000) / 100.0,
                                "merchant",
                                MERCHANTS[random.nextInt(MERCHANTS.length)],
                                "ts",
                                ts);
                events.add(new Event("transactions", user, ts, fields));
            }
            Collections.sort(events, (a, b) -> Long.compare(a.eventTime(), b.eventTime()));
            shuffleNeighbours(events, random); // disorder, some of it beyond the 5 s bound
            Reference.Result result = new Reference(spec).run(events);
            StoredUpdates.write(redis, spec, result.updates());

            long newest = events.stream().mapToLong(Event::eventTime).max().orElseThrow();
            for (int read = 0; read < 8; read++) {
                long asOf =
                        newest + (long) (random.nextDouble() * Duration.ofMinutes(90).toMillis());
                QuarkusMock.installMockForType(
                        Clock.fixed(Instant.ofEpochMilli(asOf), ZoneOffset.UTC), Clock.class);
                JsonNode features =
                        JSON.readTree(
                                        FeatureResourceTest.asReader()
                                                .get("/v1/features/user/{id}", user)
                                                .then()
                                                .statusCode(200)
                                                .extract()
                                                .asString())
                                .get("features");
                for (Feature feature : rollingFeatures()) {
                    Object expected = result.rollingValue(spec, user, feature.name(), asOf);
                    // As JSON text: the same number reads back as an int or a long alike.
                    assertThat(
                                    JSON.writeValueAsString(
                                            features.at("/" + feature.name() + "/value")))
                            .as("%s as of %s", feature.name(), Instant.ofEpochMilli(asOf))
                            .isEqualTo(JSON.writeValueAsString(expected));
                }
            }
        }
    }

    /** The rolling features of transactions, the stream the test's events belong to. */
    private List<Feature> rollingFeatures() {
        return spec.groups().stream()
                .filter(g -> g.stream().name().equals("transactions"))
                .flatMap(g -> g.rollingFeatures().stream())
                .toList();
    }

    private static void shuffleNeighbours(List<Event> events, Random random) {
        for (int i = 1; i < events.size(); i++) {
            if (random.nextInt(4) == 0) {
                Collections.swap(events, i - 1, i);
            }
        }
    }
}
