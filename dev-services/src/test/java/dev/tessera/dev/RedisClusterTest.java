package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisClusterTest {

    @TempDir Path dir;

    @Test
    void threeMastersWithAReplicaEachAndAReplicaTakesOverAKilledMaster() {
        try (RedisCluster cluster = new RedisCluster(dir)) {
            cluster.start();
            assertThat(cluster.nodes()).hasSize(6);
            assertThat(cluster.masters()).hasSize(3);
            assertThat(cluster.clientConfig())
                    .containsEntry("quarkus.redis.client-type", "cluster")
                    .containsEntry("quarkus.redis.hosts", cluster.uris());

            cluster.awaitReplicated();

            RedisServer killed = cluster.masters().get(0);
            killed.process().kill9();
            killed.stop();
            cluster.awaitHealthy();
            assertThat(cluster.masters()).hasSize(3).doesNotContain(killed);

            // Back, the killed master rejoins as a replica of the node that took its place.
            killed.start();
            cluster.awaitHealthy();
            assertThat(cluster.masters()).hasSize(3).doesNotContain(killed);
        }
    }

    @Test
    void startsAgainFromItsDirectoryOnTheSamePorts() {
        String uris;
        try (RedisCluster cluster = new RedisCluster(dir)) {
            cluster.start();
            uris = cluster.uris();
        }
        try (RedisCluster again = new RedisCluster(dir)) {
            assertThat(again.uris()).isEqualTo(uris);
            again.start();
            assertThat(again.masters()).hasSize(3);
        }
    }
}
