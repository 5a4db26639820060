package dev.tessera.job;

import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Stream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns an event of one stream, read in the stream's event schema ({@link AvroSchemas#eventSchema}:
 * the fields {@code features.yaml} declares, of their declared types, whichever version of the
 * schema it was written with), into a {@link StreamEvent}.
 *
 * <p>Serializable: it travels inside the Kafka deserialization schema to the task managers, where
 * the (non-serializable) {@link Stream} declaration is not available.
 */
final class StreamEventDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String streamName;
    private final String keyField;
    private final String timeField;

    /** The declared fields, in the order of the event schema's fields. */
    private final String[] fieldNames;

    StreamEventDecoder(Stream stream) {
        this.streamName = stream.name();
        this.keyField = stream.keyField();
        this.timeField = stream.timeField();
        this.fieldNames = stream.fields().stream().map(Field::name).toArray(String[]::new);
    }

    /**
     * Decodes one event, a record of the stream's event schema.
     *
     * @throws UndecodableEventException when the entity key or the event time is missing
     */
    StreamEvent decode(GenericRecord record) {
        Map<String, Object> fields = new HashMap<>(fieldNames.length * 2);
        for (int i = 0; i < fieldNames.length; i++) {
            Object value = record.get(i);
            if (value != null) {
                // Avro's strings (Utf8) as Java's; longs, doubles and booleans are already Java's.
                fields.put(
                        fieldNames[i],
                        value instanceof CharSequence text ? text.toString() : value);
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
}
