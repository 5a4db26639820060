package dev.tessera.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record of a stream's topic the job cannot decode, kept byte for byte for its dead-letter topic
 * ({@code <topic>.dlq}), so that it can be replayed once its producer is fixed.
 *
 * @param stream the stream whose topic holds it
 * @param detail why it could not be decoded, for people
 * @param key the record's key, or null
 * @param value the record's value, or null
 * @param headers the record's headers, in order
 */
@TypeInfo(DeadLetterSerializer.TypeInfo.class)
public record DeadLetter(
        String stream,
        String detail,
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        List<Header> headers)
        implements TopicRecord {

    /** A Kafka record header; a record may repeat a key. */
    public record Header(String key, byte[] value) {}

    public DeadLetter {
        headers = List.copyOf(headers);
    }

    static DeadLetter of(String stream, String detail, ConsumerRecord<byte[], byte[]> record) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(header -> headers.add(new Header(header.key(), header.value())));
        return new DeadLetter(
                stream,
                detail,
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                headers);
    }
}
