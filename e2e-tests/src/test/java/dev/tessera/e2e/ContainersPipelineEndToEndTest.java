package dev.tessera.e2e;

import dev.tessera.dev.LocalPipeline;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end check on the real images: Apache Kafka, Redis and Apicurio Registry in
 * containers. Runs where Docker is available and is skipped cleanly elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersPipelineEndToEndTest extends PipelineEndToEndTest {

    static final KafkaContainer KAFKA =
            new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.1"));
    static final GenericContainer<?> REDIS =
            new GenericContainer<>(DockerImageName.parse("redis:7.4")).withExposedPorts(6379);
    static final GenericContainer<?> REGISTRY =
            new GenericContainer<>(DockerImageName.parse("apicurio/apicurio-registry:3.3.3"))
                    .withExposedPorts(8080);

    @BeforeAll
    static void startPipeline() {
        KAFKA.start();
        REDIS.start();
        REGISTRY.start();
        pipeline =
                LocalPipeline.startOn(
                        new LocalPipeline.Endpoints(
                                KAFKA.getBootstrapServers(),
                                "http://"
                                        + REGISTRY.getHost()
                                        + ":"
                                        + REGISTRY.getMappedPort(8080)
                                        + "/apis/registry/v3",
                                "redis://" + REDIS.getHost() + ":" + REDIS.getMappedPort(6379)),
                        ROOT,
                        ROOT.resolve("features.yaml"),
                        dataDir,
                        LocalPipeline.Ports.free(),
                        List.of("--parallelism", "2"));
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
        REGISTRY.stop();
        REDIS.stop();
        KAFKA.stop();
    }
}
