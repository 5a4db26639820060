package dev.tessera.job;

import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.FieldType;
import dev.tessera.spec.model.Stream;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns a decoded Avro event of one stream into a {@link StreamEvent}, reading the fields the
 * stream declares in {@code features.yaml} by name, so events written with any compatible version
 * of the stream's schema decode alike.
 *
 * <p>Serializable: it travels inside the Kafka deserialization schema to the task managers, where
 * the (non-serializable) {@link Stream} declaration is not available.
 */
final class StreamEventDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String streamName;
    private final String keyField;
    private final String timeField;
    private final Map<String, FieldType> fieldTypes;

    StreamEventDecoder(Stream stream) {
        this.streamName = stream.name();
        this.keyField = stream.keyField();
        this.timeField = stream.timeField();
        Map<String, FieldType> types = new LinkedHashMap<>();
        for (Field field : stream.fields()) {
            types.put(field.name(), field.type());
        }
        this.fieldTypes = types;
    }

    /**
     * Decodes one event.
     *
     * @throws UndecodableEventException when the entity key or the event time is missing, or a
     *     field holds a value its declared type cannot take
     */
    StreamEvent decode(GenericRecord record) {
        Schema schema = record.getSchema();
        Map<String, Object> fields = new HashMap<>(fieldTypes.size() * 2);
        for (Map.Entry<String, FieldType> declared : fieldTypes.entrySet()) {
            String name = declared.getKey();
            if (schema.getField(name) == null) {
                continue;
            }
            Object value = convert(name, declared.getValue(), record.get(name));
            if (value != null) {
                fields.put(name, value);
            }
        }
        Object entityId = fields.get(keyField);
        Object eventTime = fields.get(timeField);
        if (entityId == null || eventTime == null) {
            throw new UndecodableEventException(
                    "event of stream '"
                            + streamName
                            + "' lacks its "
                            + (entityId == null ? "entity key '" + keyField : "time '" + timeField)
                            + "'");
        }
        return new StreamEvent((String) entityId, (Long) eventTime, fields);
    }

    private Object convert(String name, FieldType type, Object value) {
        if (value == null) {
            return null;
        }
        Object converted =
                switch (type) {
                    case STRING -> value instanceof CharSequence text ? text.toString() : null;
                    case LONG -> value instanceof Number n ? (Object) n.longValue() : null;
                    case DOUBLE -> value instanceof Number n ? (Object) n.doubleValue() : null;
                    case BOOLEAN -> value instanceof Boolean b ? b : null;
                    case TIMESTAMP ->
                            value instanceof Long millis
                                    ? millis
                                    : value instanceof Instant instant
                                            ? (Object) instant.toEpochMilli()
                                            : null;
                };
        if (converted == null) {
            throw new UndecodableEventException(
                    "field '"
                            + name
                            + "' of stream '"
                            + streamName
                            + "' is declared "
                            + type.yamlName()
                            + " but holds a "
                            + value.getClass().getSimpleName());
        }
        return converted;
    }

    /** An event that cannot become a {@link StreamEvent}; the job skips it and counts it. */
    static final class UndecodableEventException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UndecodableEventException(String message) {
            super(message);
        }
    }
}
