package dev.tessera.spec.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.agg.Aggregations;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every kind of command the layout builds names a key its own parser reads back to what it was
 * built from, whatever the entity id holds. What Redis does with them is {@code RedisNodeTest}'s
 * (feature-store), on a real redis-server.
 */
class RedisLayoutTest {

    static final FeatureSpec SPEC = SpecParser.parse(Path.of("../features.yaml"));
    static final FeatureGroup VALUES = SPEC.group("user_transactions_5m").orElseThrow();
    static final FeatureGroup TILES = SPEC.group("user_transactions_1h").orElseThrow();

    /** Ids that hold the key's own separators, braces, RESP line breaks and non-ASCII text. */
    static final List<String> IDS = List.of("u1", "", "a}:b", "{x}:g", "\r\nDEL x\r\n", "ü é");

    @Test
    void keysParseBackToTheirEntityIdAndGroup() {
        for (String id : IDS) {
            assertThat(RedisLayout.parseKey(RedisLayout.key("user", id, VALUES.name())))
                    .contains(new RedisLayout.Key("user", id, VALUES.name(), false));
            assertThat(RedisLayout.parseKey(RedisLayout.tilesKey("user", id, TILES.name())))
                    .contains(new RedisLayout.Key("user", id, TILES.name(), true));
        }
        for (String foreign :
                List.of("other", "tsr:user", "tsr:user:{u}", "tsr:{u}:g", "x:{u}:g")) {
            assertThat(RedisLayout.parseKey(foreign)).as(foreign).isEmpty();
        }
    }

    @Test
    void aValueWriteIsTheWriteScriptOnTheGroupsHash() {
        for (String id : IDS) {
            RedisCommand write = RedisLayout.write(values(id), VALUES);

            assertThat(write.name()).isEqualTo("EVALSHA");
            assertThat(write.text(1)).as("number of keys").isEqualTo("1");
            assertThat(RedisLayout.parseKey(write.text(2)))
                    .contains(new RedisLayout.Key("user", id, VALUES.name(), false));
            // Event time, version and TTL, then a name and a value per feature.
            assertThat(write.args()).hasSize(3 + 3 + 2 * 2);
        }
    }

    @Test
    void aTileWriteIsTheTileScriptOnTheTilesHashCarryingTheTile() {
        byte[] partial = Aggregations.parse("count").newAccumulator().encode();
        FeatureUpdate update =
                FeatureUpdate.tile(
                        "user",
                        "a}:b",
                        TILES.name(),
                        60_000,
                        1,
                        new FeatureUpdate.Tile(60_000, Map.of("large_txn_count_1h", partial)));

        RedisCommand write = RedisLayout.write(update, TILES);

        assertThat(write.name()).isEqualTo("EVALSHA");
        assertThat(write.text(0)).isNotEqualTo(RedisLayout.write(values("a}:b"), VALUES).text(0));
        assertThat(RedisLayout.parseKey(write.text(2)))
                .contains(new RedisLayout.Key("user", "a}:b", TILES.name(), true));
        // Tile start, version, TTL and retention, then the tile.
        assertThat(write.args()).hasSize(3 + 4 + 1);
    }

    @Test
    void aRequestsReadsAreOneHmgetPerWindowedGroupAndOneHgetallPerTilesHash() {
        List<RedisLayout.Read> reads = new ArrayList<>();
        for (String id : IDS) {
            reads.add(
                    new RedisLayout.Read(
                            "user", id, VALUES.name(), VALUES.windowedFeatures(), false));
            reads.add(new RedisLayout.Read("user", id, TILES.name(), List.of(), true));
        }

        List<RedisCommand> commands = RedisLayout.reads(reads);

        assertThat(commands).hasSize(2 * IDS.size());
        for (int i = 0; i < IDS.size(); i++) {
            RedisCommand values = commands.get(2 * i);
            assertThat(values.name()).isEqualTo("HMGET");
            assertThat(RedisLayout.parseKey(values.text(0)))
                    .contains(new RedisLayout.Key("user", IDS.get(i), VALUES.name(), false));
            assertThat(values.args()).hasSize(1 + 3 * VALUES.windowedFeatures().size());
            RedisCommand tiles = commands.get(2 * i + 1);
            assertThat(tiles.name()).isEqualTo("HGETALL");
            assertThat(RedisLayout.parseKey(tiles.text(0)))
                    .contains(new RedisLayout.Key("user", IDS.get(i), TILES.name(), true));
        }
    }

    @Test
    void keysOfAnEntityMatchBothItsHashesAndNoOtherEntitys() {
        String pattern = RedisLayout.keysOf("user").text(0);
        assertThat(pattern).endsWith("*");
        String prefix = pattern.substring(0, pattern.length() - 1);

        assertThat(RedisLayout.key("user", "u1", VALUES.name())).startsWith(prefix);
        assertThat(RedisLayout.tilesKey("user", "u1", TILES.name())).startsWith(prefix);
        assertThat(RedisLayout.key("user2", "u1", VALUES.name())).doesNotStartWith(prefix);
    }

    private static FeatureUpdate values(String id) {
        return FeatureUpdate.values(
                "user",
                id,
                VALUES.name(),
                10_000,
                2,
                Map.of("txn_count_5m", 2L, "txn_amount_sum_5m", 3.5));
    }
}
