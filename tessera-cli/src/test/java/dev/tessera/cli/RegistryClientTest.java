package dev.tessera.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tessera.dev.ApicurioRegistry;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.SchemaId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookups by id the job makes, against the real Apicurio Registry, and the reading of a
 * registry that answers but cannot serve.
 */
class RegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER_V1 =
            """
            {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]}""";
    private static final String ORDER_V2 =
            """
            {"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"},
             {"name": "amount", "type": "double", "default": 0.0}]}""";

    private static ApicurioRegistry registry;

    @TempDir static Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startRegistry() {
        registry = ApicurioRegistry.start(dir.resolve("registry"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void findsTheConfluentCompatibleApiBesideTheV3One() {
        assertThat(RegistryClient.ccompatUrl("http://registry:8080/apis/registry/v3/"))
                .isEqualTo("http://registry:8080/apis/ccompat/v7");
        assertThat(RegistryClient.ccompatUrl(registry.url())).isEqualTo(registry.ccompatUrl());
        assertThatThrownBy(() -> RegistryClient.v3Url("http://registry:8080"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/apis/registry/v3");
    }

    @Test
    void findsSchemasAndTheirVersionsUnderAnArtifactByEveryKindOfId() throws Exception {
        RegistryClient client = new RegistryClient(registry.url());
        JsonNode v1 = createArtifact("orders-value", ORDER_V1);
        JsonNode v2 = addVersion("orders-value", ORDER_V2);
        // Back to the first schema: a third version with the first one's content.
        JsonNode v3 = addVersion("orders-value", ORDER_V1);
        JsonNode elsewhere = createArtifact("returns-value", ORDER_V2);
        SchemaId content1 = new SchemaId(SchemaId.Kind.CONTENT_ID, v1.get("contentId").asLong());
        SchemaId content2 = new SchemaId(SchemaId.Kind.CONTENT_ID, v2.get("contentId").asLong());
        SchemaId global3 = new SchemaId(SchemaId.Kind.GLOBAL_ID, v3.get("globalId").asLong());
        SchemaId globalElsewhere =
                new SchemaId(SchemaId.Kind.GLOBAL_ID, elsewhere.get("globalId").asLong());
        // Apicurio Registry 3 answers the Confluent-compatible API with content ids.
        SchemaId confluent1 = new SchemaId(SchemaId.Kind.CONFLUENT_ID, content1.value());

        assertThat(v3.get("contentId").asLong()).isEqualTo(content1.value());
        assertThat(client.schema(content1)).contains(ORDER_V1);
        assertThat(client.schema(global3)).contains(ORDER_V1);
        // The Confluent-compatible API answers the schema in its canonical form.
        assertThat(client.schema(confluent1).map(new Schema.Parser()::parse))
                .contains(new Schema.Parser().parse(ORDER_V1));
        assertThat(client.version(content1, "orders-value"))
                .as("the first holding it")
                .isEqualTo("1");
        assertThat(client.version(content2, "orders-value")).isEqualTo("2");
        assertThat(client.version(global3, "orders-value")).isEqualTo("3");
        assertThat(client.version(confluent1, "orders-value")).isEqualTo("1");
        assertThat(client.version(globalElsewhere, "orders-value")).isEqualTo("unknown");
        assertThat(client.version(content2, "returns-value")).isEqualTo("1");
        assertThat(client.version(confluent1, "returns-value")).isEqualTo("unknown");
        for (SchemaId.Kind kind : SchemaId.Kind.values()) {
            assertThat(client.schema(new SchemaId(kind, 999_999))).as(kind.name()).isEmpty();
        }
    }

    @Test
    void takesAnyAnswerButFoundOrNotFoundForARegistryThatCannotServe() throws Exception {
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext(
                "/",
                exchange -> {
                    // An overloaded registry, and a proxy's page for searches.
                    boolean search = exchange.getRequestURI().getPath().contains("/search/");
                    byte[] body =
                            (search ? "<html>sign in</html>" : "{\"message\": \"overloaded\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(search ? 200 : 503, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        failing.start();
        try {
            RegistryClient client =
                    new RegistryClient(
                            "http://127.0.0.1:"
                                    + failing.getAddress().getPort()
                                    + "/apis/registry/v3");
            SchemaId id = new SchemaId(SchemaId.Kind.CONTENT_ID, 1);

            assertThatThrownBy(() -> client.schema(id))
                    .isInstanceOf(RegistryClient.RegistryException.class)
                    .hasMessageContaining("answered 503");
            // A 200 that is not the registry's JSON: something else answers at that address.
            assertThatThrownBy(() -> client.version(id, "orders-value"))
                    .isInstanceOf(RegistryClient.RegistryException.class)
                    .hasMessageContaining("unexpected answer");
        } finally {
            failing.stop(0);
        }
    }

    private JsonNode createArtifact(String artifactId, String schema) throws Exception {
        return post(
                        "/groups/default/artifacts",
                        Map.of(
                                "artifactId",
                                artifactId,
                                "artifactType",
                                "AVRO",
                                "firstVersion",
                                version(schema)))
                .get("version");
    }

    private JsonNode addVersion(String artifactId, String schema) throws Exception {
        return post("/groups/default/artifacts/" + artifactId + "/versions", version(schema));
    }

    private static Map<String, Object> version(String schema) {
        return Map.of("content", Map.of("content", schema, "contentType", "application/json"));
    }

    private JsonNode post(String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(registry.url() + path))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
