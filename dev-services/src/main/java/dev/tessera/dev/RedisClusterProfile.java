package dev.tessera.dev;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A Quarkus test profile that runs a service's tests on a {@link RedisCluster}: {@link
 * TesseraTestResources} with the cluster instead of one redis-server, in place of the global
 * resources. A test class runs on both stores when a subclass carries
 * {@code @TestProfile(RedisClusterProfile.class)}.
 */
public class RedisClusterProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(
                new TestResourceEntry(
                        TesseraTestResources.class,
                        Map.of(TesseraTestResources.REDIS_ARG, "cluster")));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
