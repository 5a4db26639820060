package dev.tessera.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.tessera.dev.TesseraTestResources;
import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import dev.tessera.store.RedisStore;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The writer against a real Kafka broker, schema registry and redis-server. */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class FeatureWriterTest {

    static final String GROUP = "user_transactions_5m";
    static final String TILE_GROUP = "user_transactions_1h";
    static KafkaProducer<String, GenericRecord> producer;

    @Inject RedisDataSource redis;
    @Inject RedisStore client;
    @Inject FeatureSpec spec;

    @BeforeAll
    static void startProducer() {
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TesseraTestResources.kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        "apicurio.registry.url",
                        TesseraTestResources.registry().url(),
                        "apicurio.registry.auto-register",
                        "true");
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        producer = new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    @AfterAll
    static void stopProducer() {
        producer.close();
    }

    @Test
    void writesUpdatesWithTheGroupsTtl() {
        String user = unique();
        send(user, 1_000, 3L, 30.0);

        StoredFeatures stored = awaitStored(user, 3L);
        assertThat(stored.values())
                .containsEntry("txn_count_5m", new StoredValue(3L, 1_000, 3))
                .containsEntry("txn_amount_sum_5m", new StoredValue(30.0, 1_000, 3));
        long ttl = redis.key().pttl(key(user));
        assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofDays(1).toMillis());
    }

    @Test
    void anOlderUpdateOrADuplicateNeverOverwritesANewerValue() {
        String user = unique();
        send(user, 2_000, 5L, 50.0);
        send(user, 1_000, 3L, 30.0); // older: a replay
        send(user, 2_000, 4L, 40.0); // same event time: a duplicate
        String marker = unique();
        send(marker, 1_000, 1L, 1.0);

        // The topic has one partition: once the marker is written, so is everything sent before it.
        awaitStored(marker, 1L);
        assertThat(stored(user).values())
                .containsEntry("txn_count_5m", new StoredValue(5L, 2_000, 5))
                .containsEntry("txn_amount_sum_5m", new StoredValue(50.0, 2_000, 5));
    }

    @Test
    void aLateCorrectionOfTheSameWindowWinsByItsVersion() {
        String user = unique();
        send(user, 3_000, 2L, 20.0);
        send(user, 3_000, 3L, 35.0); // the same window, one late event more

        awaitStored(user, 3L);
        assertThat(stored(user).values())
                .containsEntry("txn_amount_sum_5m", new StoredValue(35.0, 3_000, 3));
    }

    @Test
    void storesTilesByVersionAndDropsTilesNoReadCanReach() {
        String user = unique();
        String tiles = RedisLayout.tilesKey("user", user, TILE_GROUP);
        long minute = 60_000;
        sendTile(user, 10 * minute, 2);
        sendTile(user, 10 * minute, 1); // an older state of the same tile
        sendTile(user, 11 * minute, 1);
        // 61 minutes on, the tile at 10 minutes is beyond the hour plus one tile; 11 is not.
        sendTile(user, 71 * minute, 1);

        List<StoredTile> stored =
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> StoredFeatures.read(client, spec, user, TILE_GROUP).tiles(),
                                found -> found.stream().anyMatch(t -> t.start() == 71 * minute));
        assertThat(stored)
                .extracting(StoredTile::start, StoredTile::version)
                .containsExactlyInAnyOrder(tuple(11 * minute, 1L), tuple(71 * minute, 1L));
        assertThat(redis.key().pttl(tiles)).isPositive();
    }

    /** A Redis restart in a run: what was stored before stays, what came meanwhile is written. */
    @Test
    void waitsForRedisAndLosesNothingWhileItIsDown() {
        String before = unique();
        String user = unique();
        send(before, 6_000, 6L, 60.0);
        awaitStored(before, 6L);
        TesseraTestResources.redisDeployment().stop();
        try {
            send(user, 7_000, 7L, 70.0);
        } finally {
            TesseraTestResources.redisDeployment().start();
        }
        awaitStored(user, 7L);
        assertThat(stored(before).value("txn_count_5m")).isEqualTo(6L);
    }

    /** What is stored for the user once its txn_count_5m is {@code count}. */
    private StoredFeatures awaitStored(String user, long count) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> stored(user),
                        stored ->
                                stored.value("txn_count_5m") != null
                                        && stored.value("txn_count_5m").equals(count));
    }

    private StoredFeatures stored(String user) {
        return StoredFeatures.read(client, spec, user, GROUP);
    }

    private static void send(String user, long eventTime, long count, double sum) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("txn_count_5m", count);
        values.put("txn_amount_sum_5m", sum);
        send(FeatureUpdate.values("user", user, GROUP, eventTime, count, values));
    }

    /** A tile of the example's 1-hour rolling group holding {@code events} counted events. */
    private static void sendTile(String user, long start, long events) {
        Map<String, byte[]> partials = new LinkedHashMap<>();
        Accumulator count = Aggregations.parse("count").newAccumulator();
        for (int i = 0; i < events; i++) {
            count.add(null, start);
        }
        partials.put("large_txn_count_1h", count.encode());
        send(
                FeatureUpdate.tile(
                        "user",
                        user,
                        TILE_GROUP,
                        start,
                        events,
                        new FeatureUpdate.Tile(start, partials)));
    }

    private static void send(FeatureUpdate update) {
        producer.send(
                new ProducerRecord<>(
                        FeatureSpec.DEFAULT_FEATURE_TOPIC,
                        update.entityId(),
                        AvroSchemas.toAvro(update)));
        producer.flush();
    }

    private static String key(String user) {
        return RedisLayout.key("user", user, GROUP);
    }

    private static String unique() {
        return "user-" + UUID.randomUUID();
    }
}
