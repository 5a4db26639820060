package dev.tessera.job;

import com.microsoft.kiota.ApiException;
import dev.tessera.spec.model.Stream;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the Avro events of one stream's topic with Apicurio's {@link AvroKafkaDeserializer}
 * (writer schema looked up in the registry by the id in each record) into {@link StreamEvent}s.
 *
 * <p>A record that cannot be decoded (not Avro, unknown schema id, missing key or time, ...)
 * becomes a {@link DeadLetter}, bytes untouched, for the topic's dead-letter topic, and is counted
 * in the {@value #UNDECODABLE_RECORDS} metric, so one bad producer cannot stop the job and loses
 * nothing; the first such record and then at most one a minute are logged. A record that cannot be
 * decoded because the registry is unavailable is not skipped: the job fails and restarts from its
 * last checkpoint. Schemas are cached, so only records of schema ids not seen before need it.
 */
public final class StreamEventDeserializationSchema
        implements KafkaRecordDeserializationSchema<TopicRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG =
            LoggerFactory.getLogger(StreamEventDeserializationSchema.class);

    /** Metric name of the count of records sent to the dead-letter topic. */
    public static final String UNDECODABLE_RECORDS = "undecodableRecords";

    /** Metric name of the count of decoded events, in the group {@code stream=<name>}. */
    public static final String EVENTS_IN = "eventsIn";

    private static final long WARN_INTERVAL_MILLIS = 60_000;

    private final String streamName;
    private final StreamEventDecoder decoder;
    private final HashMap<String, Object> deserializerConfig;

    private transient AvroKafkaDeserializer<GenericRecord> deserializer;
    private transient Counter undecodableRecords;
    private transient Counter eventsIn;
    private transient long lastWarnMillis;

    /**
     * @param deserializerConfig Apicurio serde configuration, at least {@code
     *     apicurio.registry.url}
     */
    public StreamEventDeserializationSchema(Stream stream, Map<String, ?> deserializerConfig) {
        this.streamName = stream.name();
        this.decoder = new StreamEventDecoder(stream);
        this.deserializerConfig = new HashMap<>(deserializerConfig);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(deserializerConfig, false);
        undecodableRecords = context.getMetricGroup().counter(UNDECODABLE_RECORDS);
        eventsIn = context.getMetricGroup().addGroup("stream", streamName).counter(EVENTS_IN);
        lastWarnMillis = Long.MIN_VALUE;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TopicRecord> out)
            throws IOException {
        StreamEvent event;
        try {
            event = decode(record);
        } catch (RuntimeException e) {
            if (isRegistryUnavailable(e)) {
                // Not the record's fault: skipping would lose it. Failing restarts the job from its
                // last checkpoint, which reads the record again.
                throw new IOException(
                        "schema registry unavailable decoding "
                                + record.topic()
                                + "-"
                                + record.partition()
                                + "@"
                                + record.offset(),
                        e);
            }
            out.collect(deadLetter(record, e));
            return;
        }
        // Outside the try: an exception downstream of the source is a real failure, not bad input.
        eventsIn.inc();
        out.collect(event);
    }

    private StreamEvent decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new StreamEventDecoder.UndecodableEventException("record has no value");
        }
        Object value = deserializer.deserialize(record.topic(), record.headers(), record.value());
        if (!(value instanceof GenericRecord avro)) {
            throw new StreamEventDecoder.UndecodableEventException(
                    "record value is not an Avro record but "
                            + (value == null ? "null" : value.getClass().getName()));
        }
        return decoder.decode(avro);
    }

    /** Whether decoding failed for want of the registry (down, unreachable, failing). */
    private static boolean isRegistryUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException
                    || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException
                    || t instanceof HttpTimeoutException
                    || (t instanceof ApiException api && api.getResponseStatusCode() >= 500)) {
                return true;
            }
        }
        return false;
    }

    private DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, RuntimeException cause) {
        undecodableRecords.inc();
        long now = System.currentTimeMillis();
        if (lastWarnMillis == Long.MIN_VALUE || now - lastWarnMillis >= WARN_INTERVAL_MILLIS) {
            lastWarnMillis = now;
            LOG.warn(
                    "Undecodable record of stream '{}' at {}-{}@{} sent to {}.dlq: {} ({} by this"
                            + " reader so far; logged at most once a minute, stack traces at DEBUG)",
                    streamName,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.topic(),
                    cause.toString(),
                    undecodableRecords.getCount());
        }
        LOG.debug(
                "Undecodable record at {}-{}@{}",
                record.topic(),
                record.partition(),
                record.offset(),
                cause);
        return DeadLetter.of(streamName, cause.toString(), record);
    }

    @Override
    public TypeInformation<TopicRecord> getProducedType() {
        return TypeInformation.of(TopicRecord.class);
    }
}
