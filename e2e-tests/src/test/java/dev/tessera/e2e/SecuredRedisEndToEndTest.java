package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.ApicurioRegistry;
import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.FreePorts;
import dev.tessera.dev.JwtIssuer;
import dev.tessera.dev.KafkaBroker;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.RedisServer;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer and the reader, from their packaged jars, on a redis-server that speaks TLS only and
 * accepts one ACL user: configured as in production, the password from an environment variable (the
 * reader's whole Redis configuration, as {@code k8s/services.yaml} gives it).
 */
class SecuredRedisEndToEndTest {

    static final Path ROOT = ExamplePipeline.ROOT;
    static final String USER = "tessera";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path dir;

    static ApicurioRegistry registry;
    static KafkaBroker kafka;
    static RedisServer redis;
    static ChildProcess writer;
    static ChildProcess reader;
    static int readerPort;
    static JwtIssuer jwt;

    @BeforeAll
    static void start() {
        registry = ApicurioRegistry.start(dir.resolve("registry"));
        kafka = new KafkaBroker(dir.resolve("kafka"), 0);
        kafka.start();
        kafka.createTopic(FeatureSpec.DEFAULT_FEATURE_TOPIC, 1, Map.of());
        redis = RedisServer.secured(dir.resolve("redis"), 0, USER, "pw-" + UUID.randomUUID());
        redis.start();

        Map<String, String> redisConfig = new LinkedHashMap<>(redis.clientConfig());
        // The secret goes by environment, as in Kubernetes; never on a command line.
        Map<String, String> env =
                Map.of("QUARKUS_REDIS_PASSWORD", redisConfig.remove("quarkus.redis.password"));
        Path spec = ROOT.resolve("features.yaml").toAbsolutePath();

        Map<String, String> writerConfig = new LinkedHashMap<>(redisConfig);
        writerConfig.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        writerConfig.put("apicurio.registry.url", registry.url());
        writer =
                LocalPipeline.startService(
                        ROOT,
                        "feature-writer",
                        FreePorts.pick(),
                        FreePorts.pick(),
                        spec,
                        writerConfig,
                        env,
                        dir.resolve("logs/feature-writer.log"));
        // The reader gets all of it by environment variables, as k8s/services.yaml sets them.
        Map<String, String> readerEnv = new LinkedHashMap<>(env);
        redisConfig.forEach(
                (key, value) ->
                        readerEnv.put(
                                key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
        readerPort = FreePorts.pick();
        jwt = JwtIssuer.loadOrCreate(dir.resolve("jwt"));
        reader =
                LocalPipeline.startService(
                        ROOT,
                        "feature-reader",
                        readerPort,
                        FreePorts.pick(),
                        spec,
                        jwt.serviceConfig(),
                        readerEnv,
                        dir.resolve("logs/feature-reader.log"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable part : new AutoCloseable[] {reader, writer, redis, kafka, registry}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                // stop the others anyway
            }
        }
    }

    @Test
    void anUpdateIsWrittenAndServedOverTlsAsTheAclUser() {
        String user = "user-" + UUID.randomUUID();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("txn_count_5m", 4L);
        values.put("txn_amount_sum_5m", 40.0);
        send(
                FeatureUpdate.values(
                        "user",
                        user,
                        "user_transactions_5m",
                        System.currentTimeMillis(),
                        4L,
                        values));

        JsonNode feature =
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () ->
                                        get("/v1/features/user/" + user + "?names=txn_count_5m")
                                                .path("features")
                                                .path("txn_count_5m"),
                                f -> "PRESENT".equals(f.path("status").asText()));
        assertThat(feature.path("value").asLong()).isEqualTo(4L);
    }

    private static void send(FeatureUpdate update) {
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        "apicurio.registry.url",
                        registry.url(),
                        "apicurio.registry.auto-register",
                        "true");
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config, false);
        try (KafkaProducer<String, GenericRecord> producer =
                new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            producer.send(
                    new ProducerRecord<>(
                            FeatureSpec.DEFAULT_FEATURE_TOPIC,
                            update.entityId(),
                            AvroSchemas.toAvro(update)));
        }
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + readerPort + path))
                                .header("Authorization", "Bearer " + jwt.token("read:user"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
