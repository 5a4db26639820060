package dev.tessera.spec.avro;

import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * The Avro schemas of the platform: each stream's event schema, derived from its declaration in
 * {@code features.yaml}, and the feature-update schema ({@code avro/feature_update.avsc}).
 */
public final class AvroSchemas {

    public static final String EVENT_NAMESPACE = "dev.tessera.events";
    public static final Schema FEATURE_UPDATE = load("/avro/feature_update.avsc");

    private AvroSchemas() {}

    /**
     * The schema of a stream's events: a record named after the stream, one field per declared
     * field, optional fields as a union with null defaulting to null, timestamps as {@code
     * timestamp-millis}.
     */
    public static Schema eventSchema(Stream stream) {
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record(recordName(stream.name()))
                        .namespace(EVENT_NAMESPACE)
                        .doc("Events of stream '" + stream.name() + "', from features.yaml.")
                        .fields();
        for (Field field : stream.fields()) {
            Schema type = avroType(field);
            if (field.optional()) {
                fields.name(field.name())
                        .type(Schema.createUnion(Schema.create(Schema.Type.NULL), type))
                        .withDefault(null);
            } else {
                fields.name(field.name()).type(type).noDefault();
            }
        }
        return fields.endRecord();
    }

    private static Schema avroType(Field field) {
        return switch (field.type()) {
            case STRING -> Schema.create(Schema.Type.STRING);
            case LONG -> Schema.create(Schema.Type.LONG);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case TIMESTAMP ->
                    LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        };
    }

    /** {@code page_views} becomes {@code PageViews}. */
    static String recordName(String streamName) {
        StringBuilder name = new StringBuilder();
        for (String part : streamName.split("_")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return name.toString();
    }

    public static GenericRecord toAvro(FeatureUpdate update) {
        GenericData.Record record = new GenericData.Record(FEATURE_UPDATE);
        record.put("entity", update.entity());
        record.put("entity_id", update.entityId());
        record.put("group", update.group());
        record.put("event_time", update.eventTime());
        record.put("values", new HashMap<>(update.values()));
        return record;
    }

    public static FeatureUpdate fromAvro(GenericRecord record) {
        Map<?, ?> avroValues = (Map<?, ?>) record.get("values");
        Map<String, Object> values = new LinkedHashMap<>();
        avroValues.forEach(
                (k, v) -> values.put(k.toString(), v instanceof Utf8 u ? u.toString() : v));
        return new FeatureUpdate(
                record.get("entity").toString(),
                record.get("entity_id").toString(),
                record.get("group").toString(),
                (Long) record.get("event_time"),
                values);
    }

    private static Schema load(String resource) {
        try (InputStream in = AvroSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
