package dev.tessera.reader;

import dev.tessera.dev.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RollingReadTest} on a Redis Cluster. */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class RollingReadClusterTest extends RollingReadTest {}
