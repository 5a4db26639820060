package dev.tessera.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.messaging.EventProducer;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericRecord;

/**
 * Takes a request's events all or nothing: every event is validated before any is produced, and the
 * result completes only once Kafka acknowledged them all.
 */
@ApplicationScoped
public class EventIngestService {

    private final FeatureSpec spec;
    private final EventParser parser;
    private final EventValidator validator;
    private final EventProducer producer;
    private final GatewayConfig.Gateway config;

    public EventIngestService(
            FeatureSpec spec,
            EventParser parser,
            EventValidator validator,
            EventProducer producer,
            GatewayConfig config) {
        this.spec = spec;
        this.parser = parser;
        this.validator = validator;
        this.producer = producer;
        this.config = config.gateway();
    }

    /** Emits the number of events accepted once Kafka has them all. */
    public Uni<Integer> ingest(String streamName, byte[] body, boolean ndjson) {
        Stream stream =
                spec.stream(streamName)
                        .orElseThrow(
                                () ->
                                        new UnknownStreamException(
                                                streamName,
                                                spec.streams().stream()
                                                        .map(Stream::name)
                                                        .sorted()
                                                        .toList()));
        if (body.length > config.maxBodyBytes()) {
            throw new PayloadTooLargeException(
                    "the body has "
                            + body.length
                            + " bytes; at most "
                            + config.maxBodyBytes()
                            + " are accepted");
        }
        List<JsonNode> events = parser.parse(body, ndjson);
        if (events.size() > config.maxEventsPerRequest()) {
            throw new PayloadTooLargeException(
                    "the request has "
                            + events.size()
                            + " events; at most "
                            + config.maxEventsPerRequest()
                            + " are accepted per request");
        }
        if (events.isEmpty()) {
            throw new InvalidEventsException(
                    "the request holds no event",
                    List.of(new Violation(0, null, "expected at least one event")));
        }
        List<GenericRecord> records = validator.validate(stream, events);
        CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < acks.length; i++) {
            GenericRecord record = records.get(i);
            String key = record.get(stream.keyField()).toString();
            try {
                acks[i] = producer.send(stream.topic(), key, record).toCompletableFuture();
            } catch (RuntimeException e) {
                // The emitter's buffer is full or its channel is down: Kafka is not keeping up.
                throw new KafkaUnavailableException("the producer cannot take more events now", e);
            }
        }
        return Uni.createFrom()
                .completionStage(CompletableFuture.allOf(acks))
                .ifNoItem()
                .after(config.produceTimeout())
                .failWith(
                        () ->
                                new KafkaUnavailableException(
                                        "Kafka did not acknowledge the events within "
                                                + config.produceTimeout().toSeconds()
                                                + " s",
                                        null))
                .onFailure(failure -> !(failure instanceof KafkaUnavailableException))
                .transform(
                        failure ->
                                new KafkaUnavailableException("Kafka refused the events", failure))
                .replaceWith(records.size());
    }
}
