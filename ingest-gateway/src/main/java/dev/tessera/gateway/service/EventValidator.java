package dev.tessera.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Stream;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Checks events against their stream's declaration in {@code features.yaml} and converts them to
 * Avro records of the stream's schema. All events of a request are checked, so one answer lists
 * every problem.
 */
@ApplicationScoped
public class EventValidator {

    private static final int MAX_IDEMPOTENCY_KEY = 200;

    private final Map<String, Schema> schemas;
    private final int maxEntityIdLength;
    private final Clock clock;

    public EventValidator(FeatureSpec spec, GatewayConfig config, Clock clock) {
        this.schemas =
                spec.streams().stream()
                        .collect(Collectors.toMap(Stream::name, AvroSchemas::eventSchema));
        this.maxEntityIdLength = config.gateway().maxEntityIdLength();
        this.clock = clock;
    }

    /**
     * The events as Avro records, or an {@link InvalidEventsException} listing every problem. On a
     * stream that dedupes, an event without an id gets {@code <idempotencyKey>:<index>}, or a
     * random one when the request has no key.
     */
    public List<GenericRecord> validate(
            Stream stream, List<JsonNode> events, String idempotencyKey) {
        if (idempotencyKey != null
                && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            throw new InvalidEventsException(
                    "the Idempotency-Key header must be 1 to "
                            + MAX_IDEMPOTENCY_KEY
                            + " characters",
                    List.of(new Violation(0, null, "bad Idempotency-Key")));
        }
        Schema schema = schemas.get(stream.name());
        // One reading for the request: every event is held to the same bound.
        long latestAccepted = clock.millis() + stream.maxFuture().toMillis();
        List<GenericRecord> records = new ArrayList<>(events.size());
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            GenericRecord record =
                    toRecord(stream, schema, events.get(i), i, latestAccepted, violations);
            if (record != null) {
                if (stream.dedupe() != null && record.get(stream.dedupe().field()) == null) {
                    record.put(
                            stream.dedupe().field(),
                            idempotencyKey != null
                                    ? idempotencyKey + ":" + i
                                    : UUID.randomUUID().toString());
                }
                records.add(record);
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventsException(
                    violations.size()
                            + " problem(s) in the events for stream '"
                            + stream.name()
                            + "'; nothing was accepted",
                    violations);
        }
        return records;
    }

    private GenericRecord toRecord(
            Stream stream,
            Schema schema,
            JsonNode event,
            int index,
            long latestAccepted,
            List<Violation> violations) {
        if (!event.isObject()) {
            violations.add(new Violation(index, null, "an event must be a JSON object"));
            return null;
        }
        int before = violations.size();
        GenericData.Record record = new GenericData.Record(schema);
        for (Field field : stream.fields()) {
            JsonNode node = event.get(field.name());
            if (node == null || node.isNull()) {
                // An absent field takes its declared default, as in events of older versions.
                if (field.defaultValue() != null && (node == null || !field.optional())) {
                    record.put(field.name(), field.defaultValue());
                } else if (!field.optional()) {
                    violations.add(new Violation(index, field.name(), "is required"));
                }
                continue;
            }
            Object value = convert(field, node, index, violations);
            if (value != null) {
                record.put(field.name(), value);
            }
        }
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (stream.field(name).isEmpty()) {
                violations.add(
                        new Violation(
                                index, name, "is not a field of stream '" + stream.name() + "'"));
            }
        }
        Object key = record.get(stream.keyField());
        if (key instanceof String id && (id.isBlank() || id.length() > maxEntityIdLength)) {
            violations.add(
                    new Violation(
                            index,
                            stream.keyField(),
                            "the entity id must be 1 to " + maxEntityIdLength + " characters"));
        }
        // A clock far ahead would move the stream's event time on and make every later event late.
        if (record.get(stream.timeField()) instanceof Long time && time > latestAccepted) {
            violations.add(
                    new Violation(
                            index,
                            stream.timeField(),
                            "is "
                                    + (time - latestAccepted + stream.maxFuture().toMillis()) / 1000
                                    + " s ahead of the gateway's clock; stream '"
                                    + stream.name()
                                    + "' takes events at most "
                                    + Durations.format(stream.maxFuture())
                                    + " ahead (max_future)"));
        }
        return violations.size() == before ? record : null;
    }

    private static Object convert(
            Field field, JsonNode node, int index, List<Violation> violations) {
        Object value =
                switch (field.type()) {
                    case STRING -> node.isTextual() ? node.textValue() : null;
                    case LONG ->
                            node.isIntegralNumber() && node.canConvertToLong()
                                    ? node.longValue()
                                    : null;
                    case DOUBLE -> node.isNumber() ? node.doubleValue() : null;
                    case BOOLEAN -> node.isBoolean() ? node.booleanValue() : null;
                    case TIMESTAMP -> timestamp(node);
                };
        if (value == null) {
            violations.add(new Violation(index, field.name(), expected(field)));
        }
        return value;
    }

    /**
     * Epoch millis from an integer or an ISO-8601 instant ({@code 2026-01-31T12:00:00Z}, or with an
     * offset).
     */
    private static Long timestamp(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Instant.parse(node.textValue()).toEpochMilli();
            } catch (DateTimeParseException notUtc) {
                try {
                    return OffsetDateTime.parse(node.textValue()).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String expected(Field field) {
        return switch (field.type()) {
            case STRING -> "must be a string";
            case LONG -> "must be an integer";
            case DOUBLE -> "must be a number";
            case BOOLEAN -> "must be true or false";
            case TIMESTAMP ->
                    "must be an ISO-8601 instant (2026-01-31T12:00:00Z) or epoch milliseconds";
        };
    }
}
