package dev.tessera.reader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.TesseraTestResources;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureLogEntry;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.store.FeatureValueCodec;
import dev.tessera.store.RedisStore;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Logged serving at rate 1 against a real Kafka broker and Apicurio Registry: every id a request
 * answered is one entry of the feature-log topic, holding what was served, read back as a consumer
 * would (the Apicurio deserializer, {@link FeatureValueCodec#decodeServed}).
 */
@QuarkusTest
@TestProfile(FeatureLogTest.EveryRequest.class)
class FeatureLogTest {

    public static class EveryRequest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.reader.feature-log.rate", "1");
        }
    }

    static final List<String> NAMES =
            List.of("txn_count_5m", "txn_amount_sum_5m", "time_since_last_txn_s");

    @Inject RedisStore redis;
    @Inject FeatureSpec spec;

    @Test
    void everyIdOfASampledRequestIsLoggedAsServed() {
        long now = System.currentTimeMillis();
        QuarkusMock.installMockForType(
                Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), Clock.class);
        String present = "log-" + UUID.randomUUID();
        String stale = "log-" + UUID.randomUUID();
        String missing = "log-" + UUID.randomUUID();
        long presentTime = now - 1_000;
        long staleTime = now - feature("txn_count_5m").staleAfter().toMillis() - 60_000;
        StoredUpdates.write(
                redis,
                spec,
                List.of(
                        FeatureUpdate.values(
                                "user",
                                present,
                                FeatureResourceTest.GROUP,
                                presentTime,
                                3,
                                Map.of("txn_count_5m", 3L, "txn_amount_sum_5m", 42.5)),
                        FeatureUpdate.values(
                                "user",
                                present,
                                "user_transaction_state",
                                presentTime,
                                1,
                                Map.of("time_since_last_txn_s", now - 2_500)),
                        FeatureUpdate.values(
                                "user",
                                stale,
                                FeatureResourceTest.GROUP,
                                staleTime,
                                5,
                                Map.of("txn_count_5m", 5L, "txn_amount_sum_5m", 50.0))));

        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body(Map.of("ids", List.of(present, stale, missing), "names", NAMES))
                .post("/v1/features/user")
                .then()
                .statusCode(200);

        Map<String, FeatureLogEntry> logged = entriesOf(Set.of(present, stale, missing));
        assertThat(logged).containsOnlyKeys(present, stale, missing);
        for (FeatureLogEntry entry : logged.values()) {
            assertThat(entry.requestTime()).isEqualTo(now);
            assertThat(entry.entity()).isEqualTo("user");
            assertThat(entry.features().keySet()).containsExactlyElementsOf(NAMES);
        }

        Map<String, FeatureLogEntry.LoggedFeature> a = logged.get(present).features();
        assertThat(served(a, "txn_count_5m")).isEqualTo(3L);
        assertThat(served(a, "txn_amount_sum_5m")).isEqualTo(42.5);
        // As served at the request's now, not as stored (an event time).
        assertThat(served(a, "time_since_last_txn_s")).isEqualTo(2.5);
        assertThat(a.get("txn_count_5m"))
                .isEqualTo(new FeatureLogEntry.LoggedFeature("3", "PRESENT", presentTime));

        Map<String, FeatureLogEntry.LoggedFeature> b = logged.get(stale).features();
        assertThat(b.get("txn_count_5m"))
                .isEqualTo(new FeatureLogEntry.LoggedFeature("5", "STALE", staleTime));
        assertThat(b.get("time_since_last_txn_s"))
                .isEqualTo(new FeatureLogEntry.LoggedFeature(null, "MISSING", null));

        assertThat(logged.get(missing).features().values())
                .containsOnly(new FeatureLogEntry.LoggedFeature(null, "MISSING", null));

        // Registered whole, the nested LoggedFeature inline: no schema reference (see
        // FeatureLogger).
        List<RegistryClient.Version> registered =
                new RegistryClient(TesseraTestResources.registry().url())
                        .versions("feature-log-value");
        assertThat(registered).hasSize(1);
        assertThat(new Schema.Parser().parse(registered.get(0).content()))
                .isEqualTo(AvroSchemas.FEATURE_LOG);
    }

    private Object served(Map<String, FeatureLogEntry.LoggedFeature> features, String name) {
        return FeatureValueCodec.decodeServed(features.get(name).value(), feature(name));
    }

    private Feature feature(String name) {
        return spec.feature(name).orElseThrow();
    }

    /**
     * The entries of these ids, read from the start of the topic once there is one per id (or 30 s
     * passed), and a little longer, so that a second entry of an id would be seen too.
     */
    private static Map<String, FeatureLogEntry> entriesOf(Set<String> ids) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TesseraTestResources.kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        "apicurio.registry.url",
                        TesseraTestResources.registry().url());
        AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        Map<String, FeatureLogEntry> entries = new HashMap<>();
        List<FeatureLogEntry> ofIds = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of("feature-log"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(
                                r -> {
                                    if (ids.contains(r.key())) {
                                        ofIds.add(AvroSchemas.featureLogEntry(r.value()));
                                    }
                                });
                if (ofIds.size() >= ids.size() && settled == Long.MAX_VALUE) {
                    settled = System.nanoTime() + Duration.ofMillis(500).toNanos();
                }
            }
        }
        ofIds.forEach(
                entry ->
                        entries.merge(
                                entry.entityId(),
                                entry,
                                (x, y) -> {
                                    throw new AssertionError("two entries of " + x.entityId());
                                }));
        return entries;
    }
}
