package dev.tessera.spec.avro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class AvroSchemasTest {

    @Test
    void featureUpdatesRoundTripWithValuesOfEveryTypeAndTiles() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", 3L);
        values.put("sum", 1.5);
        values.put("first", "books");
        values.put("flag", true);
        values.put("last_n", List.of("a", "b"));
        values.put("count_by", new java.util.TreeMap<>(Map.of("books", 2L, "games", 1L)));
        values.put("avg", null);
        FeatureUpdate update = FeatureUpdate.values("user", "u1", "g", 300_000, 3, values);
        assertThat(AvroSchemas.fromAvro(AvroSchemas.toAvro(update))).isEqualTo(update);

        FeatureUpdate tile =
                FeatureUpdate.tile(
                        "user",
                        "u1",
                        "g",
                        61_000,
                        2,
                        new FeatureUpdate.Tile(60_000, Map.of("sum", new byte[] {1, 2})));
        FeatureUpdate back = AvroSchemas.fromAvro(AvroSchemas.toAvro(tile));
        assertThat(back.tile().start()).isEqualTo(60_000);
        assertThat(back.tile().partials().get("sum")).containsExactly(1, 2);
        assertThat(back.version()).isEqualTo(2);
    }

    @Test
    void featureLogEntriesRoundTripWithMissingAndPresentFeatures() {
        Map<String, FeatureLogEntry.LoggedFeature> features = new LinkedHashMap<>();
        features.put("count", new FeatureLogEntry.LoggedFeature("3", "PRESENT", 300_000L));
        features.put("avg", new FeatureLogEntry.LoggedFeature(null, "MISSING", null));
        features.put("last_n", new FeatureLogEntry.LoggedFeature("[\"a\"]", "STALE", 60_000L));
        FeatureLogEntry entry = new FeatureLogEntry(400_000, "user", "u1", features);

        FeatureLogEntry back = AvroSchemas.featureLogEntry(AvroSchemas.toAvro(entry));

        assertThat(back).isEqualTo(entry);
        assertThat(back.features().keySet()).containsExactly("count", "avg", "last_n");
    }

    /** An event written before a field with a default existed is read with that default. */
    @Test
    void declaredDefaultsFillFieldsAnOlderVersionLacks() throws Exception {
        String v1 =
                """
                entities: {user: {key: user_id}}
                streams:
                  clicks:
                    entity: user
                    fields: {user_id: string, ts: timestamp}
                feature_groups: {}
                """;
        String v2 =
                v1.replace(
                        "ts: timestamp}",
                        "ts: timestamp, device: {type: string, default: web},"
                                + " coupon: {type: 'string?', default: none}, referrer: 'string?'}");
        Schema writer = AvroSchemas.eventSchema(SpecParser.parse("v1", v1).stream("clicks").get());
        Schema reader = AvroSchemas.eventSchema(SpecParser.parse("v2", v2).stream("clicks").get());
        GenericData.Record old = new GenericData.Record(writer);
        old.put("user_id", "u1");
        old.put("ts", 5L);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder =
                org.apache.avro.io.EncoderFactory.get().binaryEncoder(bytes, null);
        new org.apache.avro.generic.GenericDatumWriter<GenericData.Record>(writer)
                .write(old, encoder);
        encoder.flush();
        org.apache.avro.generic.GenericRecord read =
                new org.apache.avro.generic.GenericDatumReader<
                                org.apache.avro.generic.GenericRecord>(writer, reader)
                        .read(
                                null,
                                org.apache.avro.io.DecoderFactory.get()
                                        .binaryDecoder(bytes.toByteArray(), null));
        assertThat(read.get("device").toString()).isEqualTo("web");
        assertThat(read.get("coupon").toString()).isEqualTo("none");
        assertThat(read.get("referrer")).isNull();
        assertThat(read.get("user_id").toString()).isEqualTo("u1");
    }

    /**
     * The Apicurio serializer registers a named type nested in a schema as a reference, and a
     * schema with references misses the serializer's schema cache: one registry call per record.
     */
    @Test
    void theFeatureUpdateSchemaNestsNoNamedType() {
        Schema schema = AvroSchemas.FEATURE_UPDATE;
        for (Schema.Field field : schema.getFields()) {
            assertThat(namedTypesIn(field.schema())).as(field.name()).isZero();
        }
    }

    private static int namedTypesIn(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> 1;
            case UNION -> schema.getTypes().stream().mapToInt(AvroSchemasTest::namedTypesIn).sum();
            case ARRAY -> namedTypesIn(schema.getElementType());
            case MAP -> namedTypesIn(schema.getValueType());
            default -> 0;
        };
    }

    @Test
    void tilesOfEarlierBuildsAsANestedRecordStillRead() {
        Schema tile =
                SchemaBuilder.record("Tile")
                        .fields()
                        .requiredLong("start")
                        .name("partials")
                        .type()
                        .map()
                        .values()
                        .bytesType()
                        .noDefault()
                        .endRecord();
        Schema earlier =
                SchemaBuilder.record("FeatureUpdate")
                        .namespace("dev.tessera.features")
                        .fields()
                        .requiredString("entity")
                        .requiredString("entity_id")
                        .requiredString("group")
                        .requiredLong("event_time")
                        .name("values")
                        .type()
                        .map()
                        .values()
                        .nullType()
                        .noDefault()
                        .requiredLong("version")
                        .name("tile")
                        .type()
                        .optional()
                        .type(tile)
                        .endRecord();
        GenericData.Record nested = new GenericData.Record(tile);
        nested.put("start", 60_000L);
        nested.put("partials", Map.of("sum", java.nio.ByteBuffer.wrap(new byte[] {7})));
        GenericData.Record old = new GenericData.Record(earlier);
        old.put("entity", "user");
        old.put("entity_id", "u1");
        old.put("group", "g");
        old.put("event_time", 61_000L);
        old.put("values", Map.of());
        old.put("version", 1L);
        old.put("tile", nested);

        FeatureUpdate update = AvroSchemas.fromAvro(old);
        assertThat(update.tile().start()).isEqualTo(60_000);
        assertThat(update.tile().partials().get("sum")).containsExactly(7);
    }

    @Test
    void recordsOfTheFirstSchemaVersionReadWithTheDefaultsOfLaterFields() {
        Schema first =
                new Schema.Parser()
                        .parse(
                                """
                                {"type": "record", "name": "FeatureUpdate", "namespace": "dev.tessera.features",
                                 "fields": [
                                   {"name": "entity", "type": "string"},
                                   {"name": "entity_id", "type": "string"},
                                   {"name": "group", "type": "string"},
                                   {"name": "event_time", "type": "long"},
                                   {"name": "values", "type": {"type": "map", "values": ["null", "long", "double", "string"]}}]}
                                """);
        GenericData.Record old = new GenericData.Record(first);
        old.put("entity", "user");
        old.put("entity_id", "u1");
        old.put("group", "g");
        old.put("event_time", 300_000L);
        old.put("values", new HashMap<>(Map.of("count", 3L)));

        FeatureUpdate update = AvroSchemas.fromAvro(old);

        assertThat(update.version()).isZero();
        assertThat(update.tile()).isNull();
        assertThat(update.values()).containsEntry("count", 3L);
    }

    @Test
    void eventSchemasFollowTheStreamDeclarations() {
        FeatureSpec spec = SpecParser.parse(Path.of("../features.yaml"));
        Schema transactions = AvroSchemas.eventSchema(spec.stream("transactions").orElseThrow());

        assertThat(transactions.getFullName()).isEqualTo("dev.tessera.events.Transactions");
        assertThat(transactions.getField("amount").schema().getType())
                .isEqualTo(Schema.Type.DOUBLE);
        assertThat(transactions.getField("ts").schema().getLogicalType().getName())
                .isEqualTo("timestamp-millis");
    }
}
