package dev.tessera.gateway.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.avro.generic.GenericRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Produces events to Kafka. The returned stage completes only when Kafka acknowledged the record
 * ({@code acks=all}, idempotent producer: see application.properties), so the gateway never answers
 * 202 for an event that could still be lost.
 */
@ApplicationScoped
public class EventProducer {

    private final Emitter<GenericRecord> emitter;

    public EventProducer(
            @Channel(Channels.EVENTS)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 65536)
                    Emitter<GenericRecord> emitter) {
        this.emitter = emitter;
    }

    public CompletionStage<Void> send(String topic, String key, GenericRecord event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Message<GenericRecord> message =
                Message.of(event)
                        .addMetadata(
                                OutgoingKafkaRecordMetadata.<String>builder()
                                        .withTopic(topic)
                                        .withKey(key)
                                        .build())
                        .withAck(
                                () -> {
                                    acknowledged.complete(null);
                                    return CompletableFuture.completedFuture(null);
                                })
                        .withNack(
                                failure -> {
                                    acknowledged.completeExceptionally(failure);
                                    return CompletableFuture.completedFuture(null);
                                });
        emitter.send(message);
        return acknowledged;
    }
}
