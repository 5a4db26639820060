package dev.tessera.reader;

import dev.tessera.dev.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link FeatureResourceTest} on a Redis Cluster. */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class FeatureResourceClusterTest extends FeatureResourceTest {}
