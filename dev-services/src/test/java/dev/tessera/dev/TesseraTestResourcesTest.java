package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drives the Quarkus test resource as Quarkus would, without starting an application. */
class TesseraTestResourcesTest {

    @Test
    void startsEverythingAndAnswersItsConfiguration() throws Exception {
        TesseraTestResources resources = new TesseraTestResources();
        Map<String, String> config = resources.start();
        Path dataDir;
        try {
            LocalInfra infra = TesseraTestResources.infra();
            dataDir = infra.dataDir();
            String registryUrl =
                    "http://127.0.0.1:" + infra.registry().port() + "/apis/registry/v3";
            assertThat(config)
                    .containsEntry("kafka.bootstrap.servers", infra.kafka().bootstrapServers())
                    .containsEntry(
                            "quarkus.redis.hosts", "redis://127.0.0.1:" + infra.redis().port())
                    .containsEntry(
                            "mp.messaging.connector.smallrye-kafka.apicurio.registry.url",
                            registryUrl)
                    .containsEntry("apicurio.registry.url", registryUrl)
                    .containsEntry("quarkus.devservices.enabled", "false")
                    .containsAllEntriesOf(TesseraTestResources.jwt().serviceConfig())
                    .doesNotContainKeys("tessera.test.redis-port");

            TesseraTestResources.kafka().createTopic("t", 1, Map.of());
            assertThat(TesseraTestResources.redis().isRunning()).isTrue();
            HttpResponse<String> info =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(registryUrl + "/system/info"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(info.statusCode()).isEqualTo(200);
        } finally {
            resources.stop();
        }

        assertThat(Files.exists(dataDir)).as("temporary data deleted").isFalse();
        assertThatThrownBy(TesseraTestResources::infra).isInstanceOf(IllegalStateException.class);
    }
}
