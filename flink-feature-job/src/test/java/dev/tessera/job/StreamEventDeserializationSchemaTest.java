package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.ApicurioRegistry;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.WireFormat;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.registry.RegistryClient;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding against the real Apicurio Registry, of records written by the real Apicurio serde (its
 * default format and its headers mode) and framed as a Confluent producer frames them.
 */
class StreamEventDeserializationSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TS = 1_767_607_200_000L;

    private static ApicurioRegistry registry;

    @TempDir Path workDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final MetricListener metrics = new MetricListener();
    private final List<TopicRecord> decoded = new ArrayList<>();

    @BeforeAll
    static void startRegistry() throws IOException {
        // Under target/, so that the registry's log outlives a failed run; a new one per run, as
        // the registry keeps its artifacts there and the tests create theirs.
        registry =
                ApicurioRegistry.start(
                        Files.createTempDirectory(Path.of("target"), "apicurio-registry-decoding"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void decodesEveryVersionOfAnEventWithTheDeclaredDefaultForAFieldItLacks() throws Exception {
        Stream clicks = clicks("clicks-versions", WireFormat.APICURIO);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());
        // Version 1, before 'device' was declared, with its fields in another order.
        Schema v1 =
                SchemaBuilder.record("Clicks")
                        .namespace(AvroSchemas.EVENT_NAMESPACE)
                        .fields()
                        .requiredLong("ts")
                        .requiredString("page")
                        .requiredString("user_id")
                        .endRecord();
        GenericRecord old = new GenericData.Record(v1);
        old.put("ts", TS);
        old.put("page", "/home");
        old.put("user_id", "alice");

        try (AvroKafkaSerializer<GenericRecord> serializer =
                Registries.serializer(registry.url())) {
            deserialize(schema, clicks, serializer.serialize(clicks.topic(), old));
            deserialize(schema, clicks, serializer.serialize(clicks.topic(), click(clicks, "bob")));
            deserialize(schema, clicks, serializer.serialize(clicks.topic(), old));
        }

        StreamEvent alice =
                new StreamEvent(
                        "alice",
                        TS,
                        Map.of("user_id", "alice", "page", "/home", "device", "web", "ts", TS));
        StreamEvent bob =
                new StreamEvent(
                        "bob",
                        TS,
                        Map.of("user_id", "bob", "page", "/cart", "device", "tv", "ts", TS));
        assertThat(decoded).containsExactly(alice, bob, alice);
        assertThat(eventsDecoded("clicks", "1")).isEqualTo(2);
        assertThat(eventsDecoded("clicks", "2")).isEqualTo(1);
        assertThat(eventsIn("clicks")).isEqualTo(3);
        assertThat(undecodableRecords()).isZero();
    }

    @Test
    void sendsEveryRecordOfAVersionLackingAFieldWithoutDefaultToDeadLetters() throws Exception {
        Stream clicks = clicks("clicks-without-page", WireFormat.APICURIO);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());
        Schema withoutPage =
                SchemaBuilder.record("Clicks")
                        .namespace(AvroSchemas.EVENT_NAMESPACE)
                        .fields()
                        .requiredString("user_id")
                        .requiredLong("ts")
                        .endRecord();
        GenericRecord event = new GenericData.Record(withoutPage);
        event.put("user_id", "carol");
        event.put("ts", TS);

        byte[] value;
        try (AvroKafkaSerializer<GenericRecord> serializer =
                Registries.serializer(registry.url())) {
            value = serializer.serialize(clicks.topic(), event);
        }
        deserialize(schema, clicks, value);
        deserialize(schema, clicks, value);

        assertThat(deadLetters())
                .hasSize(2)
                .allSatisfy(
                        letter -> {
                            assertThat(letter.value()).isEqualTo(value);
                            assertThat(letter.detail())
                                    .startsWith("schema version 1 of clicks-without-page-value (")
                                    .endsWith(" lacks field 'page', which has no default");
                        });
        assertThat(undecodableRecords()).isEqualTo(2);
        assertThat(eventsIn("clicks")).isZero();
    }

    @Test
    void readsTheIdsTheApicurioSerdeWritesInHeaders() throws Exception {
        Stream clicks = clicks("clicks-headers", WireFormat.APICURIO);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());
        List<Headers> headers = new ArrayList<>();
        for (IdOption id : List.of(IdOption.contentId, IdOption.globalId)) {
            Map<String, Object> config = Registries.producerSerdeConfig(registry.url());
            config.put(KafkaSerdeConfig.ENABLE_HEADERS, true);
            config.put(SerdeConfig.USE_ID, id.name());
            try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
                serializer.configure(config, false);
                Headers written = new RecordHeaders();
                byte[] value = serializer.serialize(clicks.topic(), written, click(clicks, "dave"));
                headers.add(written);
                deserialize(schema, clicks, value, written);
            }
        }

        assertThat(headers)
                .extracting(written -> written.lastHeader("apicurio.value.contentId") != null)
                .containsExactly(true, false);
        assertThat(headers)
                .extracting(written -> written.lastHeader("apicurio.value.globalId") != null)
                .containsExactly(false, true);
        assertThat(decoded)
                .hasSize(2)
                .allSatisfy(
                        event -> assertThat(((StreamEvent) event).entityId()).isEqualTo("dave"));
        assertThat(eventsDecoded("clicks", "1")).isEqualTo(2);
    }

    @Test
    void readsRecordsFramedAsAConfluentProducerFramesThem() throws Exception {
        Stream clicks = clicks("clicks-confluent", WireFormat.CONFLUENT);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());
        Schema v1 =
                SchemaBuilder.record("Clicks")
                        .namespace(AvroSchemas.EVENT_NAMESPACE)
                        .fields()
                        .requiredString("user_id")
                        .requiredString("page")
                        .requiredLong("ts")
                        .endRecord();
        Schema v2 = AvroSchemas.eventSchema(clicks);
        int v1Id = registerConfluent(clicks.artifactId(), v1);
        int v2Id = registerConfluent(clicks.artifactId(), v2);
        GenericRecord old = new GenericData.Record(v1);
        old.put("user_id", "erin");
        old.put("page", "/home");
        old.put("ts", TS);

        deserialize(schema, clicks, framed(v1Id, old));
        deserialize(schema, clicks, framed(v2Id, click(clicks, "frank")));

        assertThat(decoded)
                .containsExactly(
                        new StreamEvent(
                                "erin",
                                TS,
                                Map.of(
                                        "user_id", "erin", "page", "/home", "device", "web", "ts",
                                        TS)),
                        new StreamEvent(
                                "frank",
                                TS,
                                Map.of(
                                        "user_id", "frank", "page", "/cart", "device", "tv", "ts",
                                        TS)));
        assertThat(eventsDecoded("clicks", "1")).isEqualTo(1);
        assertThat(eventsDecoded("clicks", "2")).isEqualTo(1);
    }

    @Test
    void countsASchemaRegisteredUnderAnotherArtifactAsVersionUnknown() throws Exception {
        Stream clicks = clicks("clicks-elsewhere", WireFormat.APICURIO);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());
        long contentId =
                registerApicurio(
                                "somewhere-else",
                                AvroSchemas.eventSchema(clicks).toString(),
                                "AVRO")
                        .get("contentId")
                        .asLong();

        deserialize(schema, clicks, framed((int) contentId, click(clicks, "gina")));

        assertThat(decoded)
                .extracting(event -> ((StreamEvent) event).entityId())
                .containsExactly("gina");
        assertThat(eventsDecoded("clicks", "unknown")).isEqualTo(1);
    }

    @Test
    void turnsRecordsItCannotDecodeIntoDeadLettersBytesUntouched() throws Exception {
        Stream clicks = clicks("clicks-garbage", WireFormat.APICURIO);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());
        byte[] valid;
        try (AvroKafkaSerializer<GenericRecord> serializer =
                Registries.serializer(registry.url())) {
            valid = serializer.serialize(clicks.topic(), click(clicks, "hank"));
        }
        byte[] notAvro = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = valid.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(0x7f000000); // the 4-byte id after the zero byte
        byte[] truncated = Arrays.copyOf(valid, valid.length - 3);
        long jsonSchemaId =
                registerApicurio("a-json-schema", "{\"type\": \"object\"}", "JSON")
                        .get("contentId")
                        .asLong();
        byte[] ofAJsonSchema = valid.clone();
        ByteBuffer.wrap(ofAJsonSchema, 1, 4).putInt((int) jsonSchemaId);
        Headers shortIdHeader = new RecordHeaders();
        shortIdHeader.add("apicurio.value.contentId", new byte[] {1, 2, 3, 4});

        deserialize(schema, clicks, notAvro);
        deserialize(schema, clicks, null);
        deserialize(schema, clicks, new byte[0]);
        deserialize(schema, clicks, unknownId);
        deserialize(schema, clicks, truncated);
        deserialize(schema, clicks, ofAJsonSchema);
        deserialize(schema, clicks, valid, shortIdHeader);

        assertThat(deadLetters())
                .extracting(DeadLetter::value)
                .containsExactly(
                        notAvro, null, new byte[0], unknownId, truncated, ofAJsonSchema, valid);
        assertThat(deadLetters())
                .extracting(DeadLetter::detail)
                .satisfiesExactly(
                        detail -> assertThat(detail).contains("does not start with a zero byte"),
                        detail -> assertThat(detail).isEqualTo("record has no value"),
                        detail -> assertThat(detail).contains("its value is empty"),
                        detail ->
                                assertThat(detail)
                                        .isEqualTo(
                                                "the schema registry does not know contentId "
                                                        + 0x7f000000),
                        detail ->
                                assertThat(detail)
                                        .startsWith(
                                                "the Avro body does not match schema version 1 of"
                                                        + " clicks-garbage-value")
                                        .contains("EOFException"),
                        detail ->
                                assertThat(detail)
                                        .startsWith("contentId " + jsonSchemaId)
                                        .contains("is not an Avro schema"),
                        detail -> assertThat(detail).contains("holds 4 bytes, not an 8-byte id"));
        assertThat(deadLetters())
                .allSatisfy(
                        letter -> {
                            assertThat(letter.stream()).isEqualTo("clicks");
                            assertThat(letter.topic()).isEqualTo(clicks.topic());
                        });
        assertThat(undecodableRecords()).isEqualTo(7);
    }

    @Test
    void sendsAnUnknownConfluentIdToDeadLetters() throws Exception {
        Stream clicks = clicks("clicks-confluent-unknown", WireFormat.CONFLUENT);
        StreamEventDeserializationSchema schema = open(clicks, registry.url());

        deserialize(schema, clicks, framed(987_654, click(clicks, "ivan")));

        assertThat(deadLetters())
                .extracting(DeadLetter::detail)
                .containsExactly("the schema registry does not know Confluent schema id 987654");
    }

    @Test
    void failsRatherThanSkipARecordOfANewSchemaWhileTheRegistryIsDown() throws Exception {
        Stream clicks = clicks("clicks-down", WireFormat.APICURIO);
        byte[] known;
        byte[] ofANewSchema;
        StreamEventDeserializationSchema schema;
        // A registry of this test's own: the others go on with theirs.
        try (ApicurioRegistry own = ApicurioRegistry.start(workDir)) {
            schema = open(clicks, own.url());
            try (AvroKafkaSerializer<GenericRecord> serializer = Registries.serializer(own.url())) {
                known = serializer.serialize(clicks.topic(), click(clicks, "judy"));
                GenericRecord withExtraField =
                        new GenericData.Record(
                                SchemaBuilder.record("Clicks")
                                        .namespace(AvroSchemas.EVENT_NAMESPACE)
                                        .fields()
                                        .requiredString("user_id")
                                        .requiredString("page")
                                        .requiredLong("ts")
                                        .requiredInt("extra")
                                        .endRecord());
                withExtraField.put("user_id", "kim");
                withExtraField.put("page", "/");
                withExtraField.put("ts", TS);
                withExtraField.put("extra", 1);
                ofANewSchema = serializer.serialize(clicks.topic(), withExtraField);
            }
            deserialize(schema, clicks, known);
        }

        // The schema of a record seen before is known without the registry.
        deserialize(schema, clicks, known);
        assertThatThrownBy(() -> deserialize(schema, clicks, ofANewSchema))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("schema registry unavailable")
                .hasCauseInstanceOf(RegistryClient.RegistryException.class);
        assertThat(decoded)
                .hasSize(2)
                .allSatisfy(event -> assertThat(event).isInstanceOf(StreamEvent.class));
        assertThat(undecodableRecords()).isZero();
    }

    /**
     * A clicks stream on {@code topic}: a field {@code device} with a default, {@code page}
     * without.
     */
    private static Stream clicks(String topic, WireFormat wireFormat) {
        return SpecParser.parse(
                        "decoding-test.yaml",
                        """
                        entities:
                          user: {key: user_id}
                        streams:
                          clicks:
                            topic: %s
                            wire_format: %s
                            entity: user
                            time_field: ts
                            watermark: {out_of_orderness: 5s, idleness: 10s}
                            fields:
                              user_id: string
                              page: string
                              device: {type: string, default: web}
                              ts: timestamp
                        feature_groups:
                          user_clicks:
                            entity: user
                            stream: clicks
                            ttl: 1d
                            features:
                              clicks_5m: {aggregation: count, window: tumbling(5m)}
                        feature_topic: feature-updates
                        """
                                .formatted(topic, wireFormat.yamlName()))
                .stream("clicks")
                .orElseThrow();
    }

    /** A click in the stream's own (latest) schema. */
    private static GenericRecord click(Stream stream, String user) {
        GenericRecord event = new GenericData.Record(AvroSchemas.eventSchema(stream));
        event.put("user_id", user);
        event.put("page", "/cart");
        event.put("device", "tv");
        event.put("ts", TS);
        return event;
    }

    /**
     * A zero byte, a 4-byte schema id, the Avro body: as a Confluent producer writes, and as the
     * Apicurio serde does by default.
     */
    private static byte[] framed(int schemaId, GenericRecord event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(event.getSchema()).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Registers a schema under a subject of the Confluent-compatible API; its schema id. */
    private int registerConfluent(String subject, Schema schema) throws Exception {
        JsonNode answer =
                post(
                        registry.ccompatUrl() + "/subjects/" + subject + "/versions",
                        Map.of("schema", schema.toString()));
        return answer.get("id").asInt();
    }

    /** Creates an artifact in the default group through the v3 API; its first version. */
    private JsonNode registerApicurio(String artifactId, String content, String type)
            throws Exception {
        return post(
                        registry.url() + "/groups/default/artifacts",
                        Map.of(
                                "artifactId",
                                artifactId,
                                "artifactType",
                                type,
                                "firstVersion",
                                Map.of(
                                        "content",
                                        Map.of(
                                                "content",
                                                content,
                                                "contentType",
                                                "application/json"))))
                .get("version");
    }

    private JsonNode post(String url, Object body) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private StreamEventDeserializationSchema open(Stream stream, String registryUrl) {
        StreamEventDeserializationSchema schema =
                new StreamEventDeserializationSchema(stream, registryUrl);
        schema.open(initializationContext(metrics.getMetricGroup()));
        return schema;
    }

    private void deserialize(StreamEventDeserializationSchema schema, Stream stream, byte[] value)
            throws Exception {
        deserialize(schema, stream, value, new RecordHeaders());
    }

    private void deserialize(
            StreamEventDeserializationSchema schema, Stream stream, byte[] value, Headers headers)
            throws Exception {
        schema.deserialize(
                new ConsumerRecord<>(
                        stream.topic(),
                        0,
                        decoded.size(),
                        0L,
                        TimestampType.CREATE_TIME,
                        0,
                        value == null ? 0 : value.length,
                        null,
                        value,
                        headers,
                        Optional.empty()),
                new Collector<>() {
                    @Override
                    public void collect(TopicRecord record) {
                        decoded.add(record);
                    }

                    @Override
                    public void close() {}
                });
    }

    private List<DeadLetter> deadLetters() {
        assertThat(decoded).allSatisfy(record -> assertThat(record).isInstanceOf(DeadLetter.class));
        return decoded.stream().map(DeadLetter.class::cast).toList();
    }

    private long eventsDecoded(String stream, String version) {
        return count(
                "stream",
                stream,
                StreamEventDeserializationSchema.SCHEMA_VERSION_GROUP,
                version,
                StreamEventDeserializationSchema.EVENTS_DECODED);
    }

    private long eventsIn(String stream) {
        return count("stream", stream, StreamEventDeserializationSchema.EVENTS_IN);
    }

    private long undecodableRecords() {
        return count(StreamEventDeserializationSchema.UNDECODABLE_RECORDS);
    }

    private long count(String... identifier) {
        return metrics.getCounter(identifier).map(Counter::getCount).orElse(0L);
    }

    private static DeserializationSchema.InitializationContext initializationContext(
            MetricGroup metricGroup) {
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metricGroup;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(
                        StreamEventDeserializationSchemaTest.class.getClassLoader());
            }
        };
    }
}
