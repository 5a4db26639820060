package dev.tessera.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each {@link LateEvent} as JSON to the late topic of its stream ({@code <topic>.late}),
 * keyed by the entity id (UTF-8):
 *
 * <pre>{@code
 * {"stream": "transactions", "entity_id": "alice", "event_time": 1767607200000,
 *  "group": "user_transactions_5m", "cause": "late", "reason": "window [...) ... closed: ...",
 *  "fields": {"user_id": "alice", "amount": 12.5, "ts": 1767607200000}}
 * }</pre>
 *
 * An event stamped beyond its stream's {@code max_future} has cause {@code future} and no group.
 * Field values are JSON strings, numbers (timestamps as epoch millis) and booleans; a non-finite
 * double is written as the string {@code "NaN"} or {@code "Infinity"}.
 */
public final class LateEventSerializationSchema
        implements KafkaRecordSerializationSchema<LateEvent> {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> lateTopicByStream;

    private transient ObjectMapper json;

    /**
     * @param lateTopicByStream the late topic of each stream that can have late events
     */
    public LateEventSerializationSchema(Map<String, String> lateTopicByStream) {
        this.lateTopicByStream = new HashMap<>(lateTopicByStream);
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new ObjectMapper();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            LateEvent late, KafkaSinkContext context, Long timestamp) {
        String topic = lateTopicByStream.get(late.stream());
        if (topic == null) {
            throw new IllegalArgumentException("no late topic for stream '" + late.stream() + "'");
        }
        if (json == null) {
            json = new ObjectMapper();
        }
        byte[] value;
        try {
            value = json.writeValueAsBytes(toJson(late));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write late event as JSON: " + late, e);
        }
        byte[] key = late.event().entityId().getBytes(StandardCharsets.UTF_8);
        // No record timestamp: as for feature updates, the time of writing.
        return new ProducerRecord<>(topic, null, null, key, value);
    }

    /** The JSON document of a late event, as a map in field order. */
    static Map<String, Object> toJson(LateEvent late) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("stream", late.stream());
        document.put("entity_id", late.event().entityId());
        document.put("event_time", late.event().eventTime());
        document.put("group", late.group());
        document.put("cause", late.cause().name().toLowerCase(Locale.ROOT));
        document.put("reason", late.reason());
        Map<String, Object> fields = new TreeMap<>();
        late.event()
                .fields()
                .forEach(
                        (name, value) ->
                                fields.put(
                                        name,
                                        value instanceof Double d && !Double.isFinite(d)
                                                ? d.toString()
                                                : value));
        document.put("fields", fields);
        return document;
    }
}
