package dev.tessera.job;

import dev.tessera.spec.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes each {@link DeadLetter} to the dead-letter topic of its stream ({@code <topic>.dlq}) as it
 * was read: the same key, value, headers and timestamp, plus headers saying why and where from, so
 * that a fixed consumer can replay it.
 */
final class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    /** The {@link DeadLetterHeaders#REASON} of every dead letter of the job. */
    static final String UNDECODABLE = "undecodable";

    private final HashMap<String, String> deadLetterTopicByStream;

    /**
     * @param deadLetterTopicByStream the dead-letter topic of each stream the job reads
     */
    DeadLetterSerializationSchema(Map<String, String> deadLetterTopicByStream) {
        this.deadLetterTopicByStream = new HashMap<>(deadLetterTopicByStream);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        String topic = deadLetterTopicByStream.get(letter.stream());
        if (topic == null) {
            throw new IllegalArgumentException(
                    "no dead-letter topic for stream '" + letter.stream() + "'");
        }
        RecordHeaders headers = new RecordHeaders();
        letter.headers().forEach(header -> headers.add(header.key(), header.value()));
        headers.add(DeadLetterHeaders.REASON, utf8(UNDECODABLE));
        headers.add(DeadLetterHeaders.DETAIL, utf8(letter.detail()));
        headers.add(DeadLetterHeaders.TOPIC, utf8(letter.topic()));
        headers.add(DeadLetterHeaders.PARTITION, utf8(Integer.toString(letter.partition())));
        headers.add(DeadLetterHeaders.OFFSET, utf8(Long.toString(letter.offset())));
        return new ProducerRecord<>(
                topic,
                null,
                letter.timestamp() < 0 ? null : letter.timestamp(),
                letter.key(),
                letter.value(),
                headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
