package dev.tessera.writer;

import dev.tessera.dev.RedisClusterProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link FeatureWriterTest} on a Redis Cluster. */
@QuarkusTest
@TestProfile(RedisClusterProfile.class)
class FeatureWriterClusterTest extends FeatureWriterTest {}
