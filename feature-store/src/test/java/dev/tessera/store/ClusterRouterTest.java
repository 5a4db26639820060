package dev.tessera.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.RedisCluster;
import dev.tessera.dev.RedisServer;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.spec.store.RedisSlots;
import dev.tessera.spec.store.StoredValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisNodeTest} on a real Redis Cluster through {@link ClusterRouter}; and what only a
 * cluster has: batches across masters, slots moving under the router.
 */
class ClusterRouterTest extends RedisNodeTest {

    RedisCluster cluster;

    @Override
    BlockingRedis connect() {
        cluster = new RedisCluster(dir);
        server = cluster;
        cluster.start();
        return BlockingRedis.connectCluster(Arrays.asList(cluster.uris().split(",")));
    }

    @Test
    void aBatchOfManyEntitiesIsWrittenToEveryMasterAndReadBackInOrder() {
        List<FeatureUpdate> updates = new ArrayList<>();
        List<RedisLayout.Read> reads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            updates.add(values("many-" + i, 10_000, 1, i, i + 0.5));
            reads.add(values("many-" + i));
        }
        write(updates.toArray(FeatureUpdate[]::new));

        List<RedisLayout.Stored> stored = redis.read(reads);
        for (int i = 0; i < 300; i++) {
            assertThat(stored.get(i).values())
                    .containsExactly(
                            new StoredValue((long) i, 10_000, 1),
                            new StoredValue(i + 0.5, 10_000, 1));
        }
        for (RedisServer master : cluster.masters()) {
            assertThat(Long.parseLong(cluster.cli(master, "DBSIZE").trim()))
                    .as("keys on " + master.uri())
                    .isPositive();
        }
    }

    @Test
    void followsAskWhileItsSlotMigratesAndMovedOnceItHas() {
        redis.read(List.of(values("warm-up"))); // the router knows the topology before the move
        String id = "moving";
        int slot = RedisSlots.of(RedisLayout.key("user", id, VALUES));
        List<RedisServer> masters = cluster.masters();
        RedisServer source = ownerOf(slot, masters);
        RedisServer target = masters.stream().filter(m -> m != source).findFirst().orElseThrow();
        String sourceId = cluster.cli(source, "CLUSTER", "MYID").trim();
        String targetId = cluster.cli(target, "CLUSTER", "MYID").trim();
        String slotText = Integer.toString(slot);
        cluster.cli(target, "CLUSTER", "SETSLOT", slotText, "IMPORTING", sourceId);
        cluster.cli(source, "CLUSTER", "SETSLOT", slotText, "MIGRATING", targetId);

        // The source lacks the key, so it answers ASK: the write lands on the target.
        write(values(id, 10_000, 1, 1L, 1.0));
        assertThat(cluster.cli(target, "CLUSTER", "COUNTKEYSINSLOT", slotText).trim())
                .isEqualTo("1");

        for (RedisServer master : masters) {
            cluster.cli(master, "CLUSTER", "SETSLOT", slotText, "NODE", targetId);
        }
        // The router still sends to the source, which answers MOVED.
        assertThat(redis.read(List.of(values(id))).get(0).values())
                .contains(new StoredValue(1L, 10_000, 1));
        assertThat(ownerOf(slot, masters)).isSameAs(target);
    }

    /** The master serving {@code slot}, as its own {@code CLUSTER NODES} line tells. */
    private RedisServer ownerOf(int slot, List<RedisServer> masters) {
        for (RedisServer master : masters) {
            String nodes = cluster.cli(master, "CLUSTER", "NODES");
            for (String line : nodes.lines().toList()) {
                String[] words = line.split(" ");
                if (!line.contains("myself") || !words[2].contains("master")) {
                    continue;
                }
                for (int w = 8; w < words.length; w++) {
                    if (words[w].startsWith("[")) {
                        continue; // a slot migrating or importing
                    }
                    String[] range = words[w].split("-");
                    int first = Integer.parseInt(range[0]);
                    int last = Integer.parseInt(range[range.length - 1]);
                    if (first <= slot && slot <= last) {
                        return master;
                    }
                }
            }
        }
        throw new AssertionError("no master serves slot " + slot);
    }
}
