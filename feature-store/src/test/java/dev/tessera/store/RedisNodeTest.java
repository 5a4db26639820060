package dev.tessera.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tessera.dev.RedisServer;
import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.store.RedisCommand;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.StoredTile;
import dev.tessera.spec.store.StoredValue;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of command {@link RedisLayout} builds, sent to a real redis-server through the one
 * client, and read back through the layout's own parsers. {@link ClusterRouterTest} runs the same
 * on a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisNodeTest {

    /** The project's own spec, as the services' tests read it. */
    static final FeatureSpec SPEC = SpecParser.parse(Path.of("../features.yaml"));

    static final String VALUES = "user_transactions_5m";
    static final String TILES = "user_transactions_1h";
    static final String ID = "a}:b\r\nDEL x ü";

    @TempDir static Path dir;
    AutoCloseable server;
    BlockingRedis redis;

    @BeforeAll
    void start() {
        redis = connect();
    }

    /** Starts the store (kept in {@link #server}, to close) and connects to it. */
    BlockingRedis connect() {
        RedisServer single = new RedisServer(dir, 0);
        server = single;
        single.start();
        return BlockingRedis.connect(single.uri());
    }

    @AfterAll
    void stop() throws Exception {
        redis.close();
        server.close();
    }

    @Test
    void valuesWrittenOnlyWhenNewerReadBackAsWritten() {
        write(values(ID, 10_000, 2, 2L, 3.5));
        write(values(ID, 10_000, 1, 1L, 1.0)); // an older version of the same window
        write(values(ID, 5_000, 9, 9L, 9.0)); // an older window

        assertThat(redis.read(List.of(values(ID))).get(0).values())
                .containsExactly(new StoredValue(2L, 10_000, 2), new StoredValue(3.5, 10_000, 2));

        Map<String, Object> nullSum = new LinkedHashMap<>();
        nullSum.put("txn_amount_sum_5m", null);
        write(FeatureUpdate.values("user", ID, VALUES, 20_000, 1, nullSum));
        assertThat(redis.read(List.of(values(ID))).get(0).values())
                .containsExactly(new StoredValue(2L, 10_000, 2), new StoredValue(null, 20_000, 1));
    }

    @Test
    void tilesWrittenByVersionReadBackWithTheirPartials() {
        String id = "tiles-" + ID;
        write(tile(id, 60_000, 3, 3));
        write(tile(id, 60_000, 2, 2)); // an older state of the same tile
        write(tile(id, 120_000, 1, 1));

        List<StoredTile> tiles = redis.read(List.of(tiles(id))).get(0).tiles();

        assertThat(tiles)
                .extracting(StoredTile::start, StoredTile::newestEventTime, StoredTile::version)
                .containsExactlyInAnyOrder(
                        tuple(60_000L, 60_000L, 3L), tuple(120_000L, 120_000L, 1L));
        StoredTile first =
                tiles.stream().filter(t -> t.start() == 60_000).findFirst().orElseThrow();
        assertThat(
                        Aggregations.parse("count")
                                .decode(first.partials().get("large_txn_count_1h"))
                                .result())
                .isEqualTo(3L);
    }

    @Test
    void keysOfAnEntityParseBackToWhatWasWritten() {
        String id = "keys-" + ID;
        write(values(id, 10_000, 1, 1L, 1.0));
        write(tile(id, 60_000, 1, 1));

        List<RedisLayout.Key> keys =
                redis.keysOf("user").stream()
                        .map(RedisLayout::parseKey)
                        .flatMap(Optional::stream)
                        .filter(key -> key.entityId().equals(id))
                        .toList();

        assertThat(keys)
                .containsExactlyInAnyOrder(
                        new RedisLayout.Key("user", id, VALUES, false),
                        new RedisLayout.Key("user", id, TILES, true));
    }

    @Test
    void scriptsAreLoadedAgainWhenTheNodeForgotThem() {
        String id = "reload-" + ID;
        redis.send(List.of(RedisCommand.of("SCRIPT", "FLUSH")));

        write(values(id, 10_000, 1, 1L, 1.0), tile(id, 60_000, 1, 1));

        List<RedisLayout.Stored> stored = redis.read(List.of(values(id), tiles(id)));
        assertThat(stored.get(0).values()).contains(new StoredValue(1L, 10_000, 1));
        assertThat(stored.get(1).tiles()).hasSize(1);
    }

    void write(FeatureUpdate... updates) {
        redis.send(RedisLayout.writes(SPEC, List.of(updates)));
    }

    /** The reader's read of the two features {@link #values} writes. */
    static RedisLayout.Read values(String id) {
        List<Feature> features =
                List.of(
                        SPEC.feature("txn_count_5m").orElseThrow(),
                        SPEC.feature("txn_amount_sum_5m").orElseThrow());
        return new RedisLayout.Read("user", id, VALUES, features, false);
    }

    static RedisLayout.Read tiles(String id) {
        return new RedisLayout.Read("user", id, TILES, List.of(), true);
    }

    static FeatureUpdate values(String id, long time, long version, long n, double sum) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("txn_count_5m", n);
        values.put("txn_amount_sum_5m", sum);
        return FeatureUpdate.values("user", id, VALUES, time, version, values);
    }

    /** A tile of large_txn_count_1h at {@code start} holding {@code events} counted events. */
    static FeatureUpdate tile(String id, long start, long version, int events) {
        Accumulator count = Aggregations.parse("count").newAccumulator();
        for (int i = 0; i < events; i++) {
            count.add(null, start);
        }
        return FeatureUpdate.tile(
                "user",
                id,
                TILES,
                start,
                version,
                new FeatureUpdate.Tile(start, Map.of("large_txn_count_1h", count.encode())));
    }
}
