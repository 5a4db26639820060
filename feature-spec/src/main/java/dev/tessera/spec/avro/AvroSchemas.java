package dev.tessera.spec.avro;

import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The Avro schemas of the platform: each stream's event schema, derived from its declaration in
 * {@code features.yaml}, the feature-update schema ({@code avro/feature_update.avsc}) and the
 * feature-log schema ({@code avro/feature_log.avsc}).
 */
public final class AvroSchemas {

    public static final String EVENT_NAMESPACE = "dev.tessera.events";
    public static final Schema FEATURE_UPDATE = load("/avro/feature_update.avsc");
    public static final Schema FEATURE_LOG = load("/avro/feature_log.avsc");
    private static final Schema LOGGED_FEATURE =
            FEATURE_LOG.getField("features").schema().getValueType();

    private AvroSchemas() {}

    /**
     * The schema of a stream's events: a record named after the stream, one field per declared
     * field, optional fields as a union with null, timestamps as {@code timestamp-millis}. A
     * field's declared default becomes its Avro default (an optional one's is null unless
     * declared), so an event written before the field existed is read with it.
     */
    public static Schema eventSchema(Stream stream) {
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record(recordName(stream.name()))
                        .namespace(EVENT_NAMESPACE)
                        .doc("Events of stream '" + stream.name() + "', from features.yaml.")
                        .fields();
        for (Field field : stream.fields()) {
            Schema type = avroType(field);
            Object declared = field.defaultValue();
            if (field.optional()) {
                // Avro takes a union's default from its first branch: null first unless declared.
                fields.name(field.name())
                        .type(
                                declared == null
                                        ? Schema.createUnion(Schema.create(Schema.Type.NULL), type)
                                        : Schema.createUnion(type, Schema.create(Schema.Type.NULL)))
                        .withDefault(declared);
            } else if (declared != null) {
                fields.name(field.name()).type(type).withDefault(declared);
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
        record.put("version", update.version());
        record.put("values", new HashMap<>(update.values()));
        if (update.tile() != null) {
            Map<String, ByteBuffer> partials = new HashMap<>();
            update.tile()
                    .partials()
                    .forEach((name, bytes) -> partials.put(name, ByteBuffer.wrap(bytes)));
            record.put("tile_start", update.tile().start());
            record.put("tile_partials", partials);
        }
        return record;
    }

    public static FeatureUpdate fromAvro(GenericRecord record) {
        Map<String, Object> values = new LinkedHashMap<>();
        ((Map<?, ?>) record.get("values")).forEach((k, v) -> values.put(k.toString(), plain(v)));
        // Records written with an older schema version lack the later fields: their defaults apply.
        FeatureUpdate.Tile tile = null;
        if (record.hasField("tile_start") && record.get("tile_start") instanceof Long start) {
            tile = new FeatureUpdate.Tile(start, partials((Map<?, ?>) record.get("tile_partials")));
        } else if (record.hasField("tile") && record.get("tile") instanceof GenericRecord old) {
            // Records of earlier builds held the tile as a nested record.
            tile =
                    new FeatureUpdate.Tile(
                            (Long) old.get("start"), partials((Map<?, ?>) old.get("partials")));
        }
        return new FeatureUpdate(
                record.get("entity").toString(),
                record.get("entity_id").toString(),
                record.get("group").toString(),
                (Long) record.get("event_time"),
                record.hasField("version") ? (Long) record.get("version") : 0L,
                values,
                tile);
    }

    public static GenericRecord toAvro(FeatureLogEntry entry) {
        GenericData.Record record = new GenericData.Record(FEATURE_LOG);
        record.put("request_time", entry.requestTime());
        record.put("entity", entry.entity());
        record.put("entity_id", entry.entityId());
        Map<String, GenericRecord> features = new LinkedHashMap<>();
        entry.features()
                .forEach(
                        (name, served) -> {
                            GenericData.Record feature = new GenericData.Record(LOGGED_FEATURE);
                            feature.put("value", served.value());
                            feature.put("status", served.status());
                            feature.put("event_time", served.eventTime());
                            features.put(name, feature);
                        });
        record.put("features", features);
        return record;
    }

    /** A record of the feature-log topic, as the reader logged it. */
    public static FeatureLogEntry featureLogEntry(GenericRecord record) {
        Map<String, FeatureLogEntry.LoggedFeature> features = new LinkedHashMap<>();
        ((Map<?, ?>) record.get("features"))
                .forEach(
                        (name, avro) -> {
                            GenericRecord feature = (GenericRecord) avro;
                            Object value = feature.get("value");
                            features.put(
                                    name.toString(),
                                    new FeatureLogEntry.LoggedFeature(
                                            value == null ? null : value.toString(),
                                            feature.get("status").toString(),
                                            (Long) feature.get("event_time")));
                        });
        return new FeatureLogEntry(
                (Long) record.get("request_time"),
                record.get("entity").toString(),
                record.get("entity_id").toString(),
                features);
    }

    private static Map<String, byte[]> partials(Map<?, ?> avro) {
        Map<String, byte[]> partials = new LinkedHashMap<>();
        avro.forEach((k, v) -> partials.put(k.toString(), bytes((ByteBuffer) v)));
        return partials;
    }

    /** Avro's strings, arrays and maps as plain Java values. */
    private static Object plain(Object avro) {
        if (avro instanceof CharSequence text) {
            return text.toString();
        }
        if (avro instanceof Map<?, ?> map) {
            Map<String, Object> plain = new TreeMap<>();
            map.forEach((key, value) -> plain.put(key.toString(), value));
            return plain;
        }
        if (avro instanceof List<?> list) {
            return list.stream().map(AvroSchemas::plain).toList();
        }
        return avro;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
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
