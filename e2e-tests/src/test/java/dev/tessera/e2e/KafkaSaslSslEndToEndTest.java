package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.LocalInfra;
import dev.tessera.dev.LocalPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a Kafka cluster that speaks SASL_SSL only to it: the gateway, the job and
 * the writer each log in as their own SCRAM user over TLS (a test CA), their passwords handed over
 * by environment variables (services) and an owner-only properties file (job), never on a command
 * line. Events POSTed come back from the reader as features.
 */
class KafkaSaslSslEndToEndTest {

    @TempDir static Path dir;

    static LocalInfra infra;
    static LocalPipeline pipeline;

    @BeforeAll
    static void start() {
        infra = LocalInfra.startWithKafkaSaslSsl(dir.resolve("infra"));
        pipeline =
                LocalPipeline.startOn(
                        LocalPipeline.Endpoints.of(infra),
                        ExamplePipeline.ROOT,
                        ExamplePipeline.ROOT.resolve("features.yaml"),
                        dir.resolve("pipeline"),
                        LocalPipeline.Ports.free(),
                        List.of());
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void eventsGoThroughEveryPartOverSaslSsl() throws Exception {
        LocalPipeline.Endpoints endpoints = pipeline.endpoints();
        assertThat(endpoints.bootstrapServers())
                .isEqualTo(infra.kafka().saslSslBootstrapServers())
                .isNotEqualTo(infra.kafka().bootstrapServers());
        String user = "sasl-" + UUID.randomUUID();
        long window = (System.currentTimeMillis() / 300_000 - 3) * 300_000;

        PipelineClient client = new PipelineClient(pipeline);
        String events =
                PipelineClient.transaction(user, window + 1_000, 2.5)
                        + PipelineClient.transaction(user, window + 2_000, 4.0);
        assertThat(client.post("transactions", events).statusCode()).isEqualTo(202);
        String closer = PipelineClient.transaction(user, System.currentTimeMillis(), 1.0);
        assertThat(client.post("transactions", closer).statusCode()).isEqualTo(202);

        client.awaitWindow(user, 2, 6.5);
        for (ChildProcess part :
                List.of(
                        pipeline.job(),
                        pipeline.service("ingest-gateway"),
                        pipeline.service("feature-writer"))) {
            String commandLine =
                    Files.readString(Path.of("/proc/" + part.pid() + "/cmdline"))
                            .replace('\0', ' ');
            for (Map<String, String> settings : endpoints.kafkaClients().values()) {
                assertThat(commandLine)
                        .as("a command line")
                        .doesNotContain(password(settings.get("sasl.jaas.config")));
            }
        }
    }

    private static String password(String jaas) {
        int start = jaas.indexOf("password=\"") + "password=\"".length();
        return jaas.substring(start, jaas.indexOf('"', start));
    }
}
