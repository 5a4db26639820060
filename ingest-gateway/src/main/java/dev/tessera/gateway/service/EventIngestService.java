package dev.tessera.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.gateway.config.GatewayConfig;
import dev.tessera.gateway.messaging.EventProducer;
import dev.tessera.gateway.service.IngestMetrics.Reason;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
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
    private final IngestMetrics metrics;
    private final GatewayConfig.Gateway config;

    public EventIngestService(
            FeatureSpec spec,
            EventParser parser,
            EventValidator validator,
            EventProducer producer,
            IngestMetrics metrics,
            GatewayConfig config) {
        this.spec = spec;
        this.parser = parser;
        this.validator = validator;
        this.producer = producer;
        this.metrics = metrics;
        this.config = config.gateway();
    }

    /**
     * Emits the number of events accepted once Kafka has them all.
     *
     * @param idempotencyKey the request's {@code Idempotency-Key}, or null: it names the events
     *     that carry no id of their own, so a retried request repeats the same ids and counts once
     */
    public Uni<Integer> ingest(
            String streamName, byte[] body, boolean ndjson, String idempotencyKey) {
        Stream stream = spec.stream(streamName).orElse(null);
        if (stream == null) {
            metrics.rejected(IngestMetrics.UNKNOWN_STREAM, Reason.UNKNOWN_STREAM, 1);
            throw new UnknownStreamException(
                    streamName, spec.streams().stream().map(Stream::name).sorted().toList());
        }
        if (body.length > config.maxBodyBytes()) {
            metrics.rejected(stream.name(), Reason.TOO_LARGE, 1);
            throw new PayloadTooLargeException(
                    "the body has "
                            + body.length
                            + " bytes; at most "
                            + config.maxBodyBytes()
                            + " are accepted");
        }
        List<JsonNode> events;
        try {
            events = parser.parse(body, ndjson);
        } catch (InvalidEventsException e) {
            metrics.rejected(stream.name(), Reason.INVALID, 1);
            throw e;
        }
        if (events.size() > config.maxEventsPerRequest()) {
            metrics.rejected(stream.name(), Reason.TOO_LARGE, events.size());
            throw new PayloadTooLargeException(
                    "the request has "
                            + events.size()
                            + " events; at most "
                            + config.maxEventsPerRequest()
                            + " are accepted per request");
        }
        if (events.isEmpty()) {
            metrics.rejected(stream.name(), Reason.INVALID, 1);
            throw new InvalidEventsException(
                    "the request holds no event",
                    List.of(new Violation(0, null, "expected at least one event")));
        }
        List<GenericRecord> records;
        try {
            records = validator.validate(stream, events, idempotencyKey);
        } catch (InvalidEventsException e) {
            metrics.rejected(stream.name(), Reason.INVALID, events.size());
            throw e;
        }
        return produce(stream, records);
    }

    /** Produces the records; the result completes once Kafka acknowledged them all. */
    private Uni<Integer> produce(Stream stream, List<GenericRecord> records) {
        long started = System.nanoTime();
        CompletableFuture<?>[] acks = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < acks.length; i++) {
            GenericRecord record = records.get(i);
            String key = record.get(stream.keyField()).toString();
            metrics.sending(1);
            try {
                acks[i] =
                        producer.send(stream.topic(), key, record)
                                .whenComplete((acked, failure) -> metrics.sent(1));
            } catch (RuntimeException e) {
                // The producer's buffer stayed full, or it has no metadata: Kafka is not keeping
                // up.
                metrics.sent(1);
                metrics.rejected(stream.name(), Reason.KAFKA_UNAVAILABLE, records.size());
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
                .onItem()
                .invoke(
                        () -> {
                            metrics.produced(
                                    stream.name(), Duration.ofNanos(System.nanoTime() - started));
                            metrics.accepted(stream.name(), records.size());
                        })
                .onFailure()
                .invoke(
                        () ->
                                metrics.rejected(
                                        stream.name(), Reason.KAFKA_UNAVAILABLE, records.size()))
                .replaceWith(records.size());
    }
}
