package dev.tessera.writer.messaging;

import dev.tessera.spec.deadletter.DeadLetterHeaders;
import dev.tessera.writer.config.WriterConfig;
import dev.tessera.writer.service.WriteMetrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Sends records the writer can never apply to their topic's dead-letter topic: the original key,
 * value, timestamp and headers, plus the {@link DeadLetterHeaders}.
 */
@ApplicationScoped
public class DeadLetterProducer {

    private static final Logger LOG = Logger.getLogger(DeadLetterProducer.class);

    /** A consumed record and why it can never be applied. */
    public record DeadLetter(ConsumerRecord<byte[], byte[]> source, String reason, String detail) {}

    private final MutinyEmitter<byte[]> emitter;
    private final WriteMetrics metrics;
    private final WriterConfig.Writer config;

    public DeadLetterProducer(
            // A whole batch may be dead letters: more than the emitter's default buffer.
            @Channel(Channels.DEAD_LETTERS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                    MutinyEmitter<byte[]> emitter,
            WriteMetrics metrics,
            WriterConfig config) {
        this.emitter = emitter;
        this.metrics = metrics;
        this.config = config.writer();
    }

    /**
     * Completes once Kafka has acknowledged every dead letter; retried while Kafka fails, so the
     * consumer does not commit past a record that is in neither Redis nor the dead-letter topic.
     */
    public Uni<Void> send(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join()
                .all(letters.stream().map(this::send).toList())
                .andFailFast()
                .replaceWithVoid();
    }

    private Uni<Void> send(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> source = letter.source();
        RecordHeaders headers = new RecordHeaders(source.headers().toArray());
        header(headers, DeadLetterHeaders.REASON, letter.reason());
        header(headers, DeadLetterHeaders.DETAIL, letter.detail());
        header(headers, DeadLetterHeaders.TOPIC, source.topic());
        header(headers, DeadLetterHeaders.PARTITION, Integer.toString(source.partition()));
        header(headers, DeadLetterHeaders.OFFSET, Long.toString(source.offset()));
        OutgoingKafkaRecordMetadata<byte[]> metadata =
                OutgoingKafkaRecordMetadata.<byte[]>builder()
                        .withTopic(DeadLetterHeaders.topicOf(source.topic()))
                        .withKey(source.key())
                        .withTimestamp(Instant.ofEpochMilli(source.timestamp()))
                        .withHeaders(headers)
                        .build();
        return Uni.createFrom()
                .deferred(
                        () -> emitter.sendMessage(Message.of(source.value()).addMetadata(metadata)))
                .onFailure()
                .retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff())
                .indefinitely()
                .invoke(
                        () -> {
                            metrics.deadLetter(letter.reason());
                            LOG.warnf(
                                    "sent %s-%d@%d to %s (%s): %s",
                                    source.topic(),
                                    source.partition(),
                                    source.offset(),
                                    DeadLetterHeaders.topicOf(source.topic()),
                                    letter.reason(),
                                    letter.detail());
                        });
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
