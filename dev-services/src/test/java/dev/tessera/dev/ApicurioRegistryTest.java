package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Apicurio Registry in a child JVM: the real Apicurio serde against it, and a
 * compatibility rule set through its v3 REST API. Skipped where no Java 21+ is found.
 */
class ApicurioRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema ORDER =
            new Schema.Parser()
                    .parse(
                            """
                            {"type": "record", "name": "Order", "namespace": "dev.tessera.test",
                             "fields": [{"name": "id", "type": "string"},
                                        {"name": "amount", "type": "double"}]}
                            """);

    private static final String CLICK_V1 =
            """
            {"type": "record", "name": "Click", "fields": [{"name": "id", "type": "string"}]}""";
    private static final String CLICK_NEW_REQUIRED_FIELD =
            """
            {"type": "record", "name": "Click", "fields": [{"name": "id", "type": "string"},
             {"name": "page", "type": "string"}]}""";
    private static final String CLICK_NEW_FIELD_WITH_DEFAULT =
            """
            {"type": "record", "name": "Click", "fields": [{"name": "id", "type": "string"},
             {"name": "page", "type": "string", "default": "home"}]}""";

    private static ApicurioRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startRegistry() {
        if (ApicurioRegistry.findJava().isPresent()) {
            // Under target/, so that the registry's log outlives a failed run; its state does not.
            Path dir = Path.of("target", "apicurio-registry-test");
            deleteRecursively(dir.resolve("h2"));
            registry = ApicurioRegistry.start(dir);
        }
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void servesItsApisOnLoopbackAndStopsOnClose() throws Exception {
        assumeRegistry();
        assertThat(registry.url())
                .isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/registry/v3");
        assertThat(registry.ccompatUrl())
                .isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");
        assertThat(getJson(registry.url() + "/system/info").get("version").asText())
                .isEqualTo(ApicurioRegistry.version());
        assertThat(get(registry.ccompatUrl() + "/subjects").statusCode()).isEqualTo(200);
        assertThat(registry.isRunning()).isTrue();
    }

    @Test
    void realSerdeRoundTripsAGenericRecordItRegisters() throws Exception {
        assumeRegistry();
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("id", "o-1");
        order.put("amount", 12.5);

        byte[] bytes;
        try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(
                    Map.of(
                            "apicurio.registry.url",
                            registry.url(),
                            "apicurio.registry.auto-register",
                            "true"),
                    false);
            bytes = serializer.serialize("orders", order);
        }
        GenericRecord read;
        try (AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(Map.of("apicurio.registry.url", registry.url()), false);
            read = deserializer.deserialize("orders", bytes);
        }

        assertThat(bytes[0]).as("Apicurio's magic byte").isZero();
        assertThat(read).isEqualTo(order);
        JsonNode versions =
                getJson(registry.url() + "/groups/default/artifacts/orders-value/versions");
        assertThat(versions.get("count").asInt()).as("auto-registered once").isEqualTo(1);
    }

    @Test
    void backwardRuleRefusesANewRequiredFieldAndAcceptsOneWithADefault() throws Exception {
        assumeRegistry();
        String artifact = registry.url() + "/groups/tessera/artifacts/clicks-value";
        HttpResponse<String> created =
                post(
                        registry.url() + "/groups/tessera/artifacts",
                        JSON.writeValueAsString(
                                Map.of(
                                        "artifactId",
                                        "clicks-value",
                                        "artifactType",
                                        "AVRO",
                                        "firstVersion",
                                        version(CLICK_V1))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        HttpResponse<String> rule =
                post(
                        artifact + "/rules",
                        """
                        {"ruleType": "COMPATIBILITY", "config": "BACKWARD"}""");
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(204);
        assertThat(getJson(artifact + "/rules/COMPATIBILITY").get("config").asText())
                .isEqualTo("BACKWARD");

        HttpResponse<String> refused =
                post(
                        artifact + "/versions",
                        JSON.writeValueAsString(version(CLICK_NEW_REQUIRED_FIELD)));
        // Apicurio Registry 3.3 answers a rule violation with 400, 3.0 with 409 (as its OpenAPI
        // document says): the problem's name says what happened.
        assertThat(refused.statusCode()).as(refused.body()).isIn(400, 409);
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("name").asText()).isEqualTo("RuleViolationException");
        assertThat(problem.get("causes").get(0).get("description").asText()).isEqualTo("page");

        HttpResponse<String> accepted =
                post(
                        artifact + "/versions",
                        JSON.writeValueAsString(version(CLICK_NEW_FIELD_WITH_DEFAULT)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(getJson(artifact + "/versions").get("count").asInt()).isEqualTo(2);
    }

    @Test
    void readsAJavaHomesVersionFromItsReleaseFile(@TempDir Path dir) throws IOException {
        assertThat(ApicurioRegistry.javaVersion(fakeJavaHome(dir.resolve("jdk25"), "25.0.1")))
                .isEqualTo(25);
        assertThat(ApicurioRegistry.javaVersion(fakeJavaHome(dir.resolve("jdk21"), "21")))
                .isEqualTo(21);
        assertThat(ApicurioRegistry.javaVersion(fakeJavaHome(dir.resolve("jdk8"), "1.8.0_402")))
                .isEqualTo(8);
        assertThat(ApicurioRegistry.javaVersion(dir.resolve("nothing"))).isZero();
        assertThat(ApicurioRegistry.missingJavaMessage())
                .contains(
                        "Java " + ApicurioRegistry.minJava() + " or newer",
                        ApicurioRegistry.JAVA_HOME_ENV);
    }

    @Test
    void findsJavaInTheEnvironmentThenThisJvmThenTheNewestUnderTheJvmDirectory(@TempDir Path dir)
            throws IOException {
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        fakeJavaHome(jvms.resolve("java-17"), "17.0.15");
        Path jdk21 = fakeJavaHome(jvms.resolve("jdk-21"), "21.0.8");
        Path jdk25 = fakeJavaHome(jvms.resolve("temurin-25"), "25.0.1");
        Path running = dir.resolve("running");

        assertThat(ApicurioRegistry.findJava(jdk21.toString(), 25, running, jvms, 21))
                .contains(jdk21);
        assertThat(ApicurioRegistry.findJava(null, 21, running, jvms, 21)).contains(running);
        assertThat(ApicurioRegistry.findJava("", 17, running, jvms, 21)).contains(jdk25);
        assertThat(ApicurioRegistry.findJava(null, 17, running, dir.resolve("none"), 21)).isEmpty();
        Files.delete(jdk21.resolve("release"));
        Files.delete(jdk25.resolve("release"));
        assertThat(ApicurioRegistry.findJava(null, 17, running, jvms, 21))
                .as("only a Java 17 there")
                .isEmpty();
        assertThatThrownBy(
                        () ->
                                ApicurioRegistry.findJava(
                                        jvms.resolve("java-17").toString(), 17, running, jvms, 21))
                .hasMessageContaining(ApicurioRegistry.JAVA_HOME_ENV)
                .hasMessageContaining("Java 17");
    }

    /** Producers cache ids forever: a restart on the same directory must answer them. */
    @Test
    void idsSurviveARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        assumeRegistry();
        long contentId;
        try (ApicurioRegistry first = ApicurioRegistry.start(dir)) {
            HttpResponse<String> created =
                    post(
                            first.url() + "/groups/default/artifacts",
                            JSON.writeValueAsString(
                                    Map.of(
                                            "artifactId",
                                            "kept-value",
                                            "artifactType",
                                            "AVRO",
                                            "firstVersion",
                                            version(CLICK_V1))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            contentId = JSON.readTree(created.body()).get("version").get("contentId").asLong();
        }
        try (ApicurioRegistry second = ApicurioRegistry.start(dir)) {
            HttpResponse<String> schema =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    second.url() + "/ids/contentIds/" + contentId))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(schema.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(schema.body())).isEqualTo(JSON.readTree(CLICK_V1));
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .map(Path::toFile)
                    .forEach(File::delete);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assumeRegistry() {
        assumeTrue(registry != null, ApicurioRegistry::missingJavaMessage);
    }

    private static Path fakeJavaHome(Path home, String version) throws IOException {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Files.writeString(
                home.resolve("release"),
                "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
        return home;
    }

    private static Map<String, Object> version(String schema) {
        return Map.of("content", Map.of("content", schema, "contentType", "application/json"));
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
