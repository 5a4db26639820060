package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.rest.client.models.RuleViolationProblemDetails;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev registry against the real Apicurio serde, and its answers on the wire. */
class DevRegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema ORDER =
            new Schema.Parser()
                    .parse(
                            """
                            {"type": "record", "name": "Order", "namespace": "dev.tessera.test",
                             "fields": [
                               {"name": "id", "type": "string"},
                               {"name": "amount", "type": "double"},
                               {"name": "customer", "type": {"type": "record", "name": "Customer",
                                 "fields": [{"name": "name", "type": "string"}]}}]}
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

    @TempDir Path dataDir;
    private DevRegistry registry;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startRegistry() {
        registry = DevRegistry.start(0, dataDir);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void realSerdeRoundTripsARecordWithANestedType() throws Exception {
        GenericRecord order = order("o-1", 12.5, "Ada");

        byte[] bytes = serialize(registry, "orders", order);

        assertThat(bytes[0]).as("Apicurio's magic byte").isZero();
        assertThat(deserialize(registry, "orders", bytes)).isEqualTo(order);
        assertThat(
                        getJson("/groups/default/artifacts/dev.tessera.test.Customer/versions")
                                .get("count")
                                .asInt())
                .as("the nested type, registered as a referenced artifact")
                .isEqualTo(1);
    }

    @Test
    void serializerWithoutAutoRegisterFindsTheSchemaByContent() {
        GenericRecord order = order("o-3", 1.0, "Edsger");
        byte[] registered = serialize(registry, "orders", order);

        byte[] found;
        try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(Map.of("apicurio.registry.url", registry.url()), false);
            found = serializer.serialize("orders", order);
        }

        assertThat(found).isEqualTo(registered);
    }

    @Test
    void idsSurviveARestartFromTheSameDirectory() throws Exception {
        GenericRecord order = order("o-2", 3.0, "Grace");
        byte[] bytes = serialize(registry, "orders", order);
        long lastGlobalId =
                createArtifact("default", "before-restart", CLICK_V1).get("globalId").asLong();

        registry.close();
        registry = DevRegistry.start(0, dataDir);

        assertThat(deserialize(registry, "orders", bytes)).isEqualTo(order);
        assertThat(createArtifact("default", "after-restart", CLICK_V1).get("globalId").asLong())
                .as("ids are not reused after a restart")
                .isGreaterThan(lastGlobalId);
    }

    @Test
    void newVersionMustBeBackwardCompatible() throws Exception {
        createArtifact("default", "clicks-value", CLICK_V1);

        HttpResponse<String> rejected =
                post(
                        "/groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION",
                        createRequest("clicks-value", CLICK_NEW_REQUIRED_FIELD));
        assertThat(rejected.statusCode()).isEqualTo(409);
        assertThat(rejected.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode problem = JSON.readTree(rejected.body());
        assertThat(problem.get("status").asInt()).isEqualTo(409);
        assertThat(problem.get("name").asText()).isEqualTo("RuleViolationException");
        assertThat(problem.get("title").asText())
                .startsWith("Incompatible artifact: default/clicks-value");
        assertThat(problem.get("causes").get(0).get("description").asText())
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE");

        Schema compatible = new Schema.Parser().parse(CLICK_NEW_FIELD_WITH_DEFAULT);
        GenericRecord click = new GenericData.Record(compatible);
        click.put("id", "c-1");
        click.put("page", "cart");
        assertThat(deserialize(registry, "clicks", serialize(registry, "clicks", click)))
                .isEqualTo(click);

        JsonNode versions = getJson("/groups/default/artifacts/clicks-value/versions");
        assertThat(versions.get("count").asInt()).isEqualTo(2);
        assertThat(versions.get("versions").get(1).get("version").asText()).isEqualTo("2");
    }

    @Test
    void realSerializerFailsOnAnIncompatibleSchema() {
        Schema v1 = new Schema.Parser().parse(CLICK_V1);
        GenericRecord first = new GenericData.Record(v1);
        first.put("id", "c-1");
        serialize(registry, "strict", first);

        GenericRecord incompatible =
                new GenericData.Record(new Schema.Parser().parse(CLICK_NEW_REQUIRED_FIELD));
        incompatible.put("id", "c-2");
        incompatible.put("page", "home");

        assertThatThrownBy(() -> serialize(registry, "strict", incompatible))
                .rootCause()
                .isInstanceOfSatisfying(
                        RuleViolationProblemDetails.class,
                        problem -> {
                            assertThat(problem.getResponseStatusCode()).isEqualTo(409);
                            assertThat(problem.getTitle()).startsWith("Incompatible artifact");
                        });
    }

    @Test
    void identicalContentFindsTheExistingVersion() throws Exception {
        JsonNode first = createArtifact("g1", "a1", CLICK_V1);
        JsonNode again = createArtifact("g1", "a1", CLICK_V1);

        assertThat(again.get("globalId").asLong()).isEqualTo(first.get("globalId").asLong());
        assertThat(again.get("contentId").asLong()).isEqualTo(first.get("contentId").asLong());
        JsonNode latest = getJson("/groups/g1/artifacts/a1/versions/branch=latest");
        assertThat(latest.get("globalId").asLong()).isEqualTo(first.get("globalId").asLong());
        HttpResponse<String> content = get("/ids/globalIds/" + first.get("globalId").asLong());
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).isEqualTo(CLICK_V1);
    }

    @Test
    void unknownIdsAnswerApicuriosNotFoundProblems() throws Exception {
        HttpResponse<String> content = get("/ids/contentIds/999");
        assertThat(content.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(content.body()).get("name").asText())
                .isEqualTo("ContentNotFoundException");

        HttpResponse<String> artifact = get("/groups/default/artifacts/missing/versions");
        assertThat(artifact.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(artifact.body()).get("name").asText())
                .isEqualTo("ArtifactNotFoundException");
    }

    private static GenericRecord order(String id, double amount, String customerName) {
        GenericRecord customer = new GenericData.Record(ORDER.getField("customer").schema());
        customer.put("name", customerName);
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("id", id);
        order.put("amount", amount);
        order.put("customer", customer);
        return order;
    }

    private static byte[] serialize(DevRegistry registry, String topic, GenericRecord record) {
        try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(
                    Map.of(
                            "apicurio.registry.url",
                            registry.url(),
                            "apicurio.registry.auto-register",
                            "true"),
                    false);
            return serializer.serialize(topic, record);
        }
    }

    private static GenericRecord deserialize(DevRegistry registry, String topic, byte[] bytes) {
        try (AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>()) {
            deserializer.configure(Map.of("apicurio.registry.url", registry.url()), false);
            return deserializer.deserialize(topic, bytes);
        }
    }

    /** Creates (or finds) a version as the serde does; answers its {@code version} metadata. */
    private JsonNode createArtifact(String group, String artifactId, String schema)
            throws Exception {
        HttpResponse<String> response =
                post(
                        "/groups/"
                                + group
                                + "/artifacts?ifExists=FIND_OR_CREATE_VERSION&canonical=false",
                        createRequest(artifactId, schema));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("version");
    }

    private static String createRequest(String artifactId, String schema) throws IOException {
        return JSON.writeValueAsString(
                Map.of(
                        "artifactId",
                        artifactId,
                        "artifactType",
                        "AVRO",
                        "firstVersion",
                        Map.of(
                                "content",
                                Map.of("content", schema, "contentType", "application/json"))));
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(registry.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(registry.url() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
