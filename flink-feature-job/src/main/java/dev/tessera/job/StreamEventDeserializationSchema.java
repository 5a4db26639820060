package dev.tessera.job;

import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.WireFormat;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.SchemaId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the Avro events of one stream's topic into {@link StreamEvent}s: each record with the
 * schema it was written with (found in the registry by the id the record names, see {@link
 * WireFrame}), projected by Avro schema resolution onto the stream's event schema ({@link
 * AvroSchemas#eventSchema}), so that every version of an event counts: a declared field the
 * record's version lacks takes its declared default.
 *
 * <p>The reader of each writer schema is prepared once per schema id, with the schema's version
 * under the stream's artifact; decoding a record then needs neither the registry nor any schema
 * work. Decoded events are counted per stream ({@value #EVENTS_IN}) and per stream and schema
 * version ({@value #EVENTS_DECODED}, version {@value RegistryClient#UNKNOWN_VERSION} for a schema
 * registered under another artifact only).
 *
 * <p>A record that cannot be decoded (not framed as the stream's wire format says, an id the
 * registry does not know, a schema version lacking a declared field without default, a body that
 * does not match its schema, no key or time) becomes a {@link DeadLetter}, bytes untouched, for the
 * topic's dead-letter topic, and is counted in the {@value #UNDECODABLE_RECORDS} metric, so one bad
 * producer cannot stop the job and loses nothing; the first such record and then at most one a
 * minute are logged. A record that cannot be decoded because the registry is unavailable is not
 * skipped: the job fails and restarts from its last checkpoint.
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

    /**
     * Metric name of the count of decoded events, in the group {@code stream=<name>}, {@code
     * schema_version=<version>}.
     */
    public static final String EVENTS_DECODED = "eventsDecoded";

    /** The metric group key of the schema version, under the group {@code stream=<name>}. */
    public static final String SCHEMA_VERSION_GROUP = "schema_version";

    private static final long WARN_INTERVAL_MILLIS = 60_000;

    private final String streamName;
    private final String artifactId;
    private final WireFormat wireFormat;
    private final String registryUrl;
    private final Schema eventSchema;
    private final StreamEventDecoder decoder;

    private transient RegistryClient registry;
    private transient Map<SchemaId, WriterVersion> writerVersions;
    private transient Map<String, Counter> eventsDecodedByVersion;
    private transient MetricGroup streamMetrics;
    private transient BinaryDecoder binaryDecoder;
    private transient Counter undecodableRecords;
    private transient Counter eventsIn;
    private transient long lastWarnMillis;

    /**
     * @param registryUrl the base of the schema registry's v3 API, {@code
     *     http://HOST:PORT/apis/registry/v3}
     * @throws IllegalArgumentException if {@code registryUrl} is not the base of a v3 API
     */
    public StreamEventDeserializationSchema(Stream stream, String registryUrl) {
        this.streamName = stream.name();
        this.artifactId = stream.artifactId();
        this.wireFormat = stream.wireFormat();
        this.registryUrl = RegistryClient.v3Url(registryUrl);
        this.eventSchema = AvroSchemas.eventSchema(stream);
        this.decoder = new StreamEventDecoder(stream);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        registry = new RegistryClient(registryUrl);
        writerVersions = new HashMap<>();
        eventsDecodedByVersion = new HashMap<>();
        undecodableRecords = context.getMetricGroup().counter(UNDECODABLE_RECORDS);
        streamMetrics = context.getMetricGroup().addGroup("stream", streamName);
        eventsIn = streamMetrics.counter(EVENTS_IN);
        lastWarnMillis = Long.MIN_VALUE;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TopicRecord> out)
            throws IOException {
        StreamEvent event;
        try {
            event = decode(record);
        } catch (RegistryClient.RegistryException e) {
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
        } catch (UndecodableEventException e) {
            out.collect(deadLetter(record, e));
            return;
        }
        // Outside the try: an exception downstream of the source is a real failure, not bad input.
        eventsIn.inc();
        out.collect(event);
    }

    private StreamEvent decode(ConsumerRecord<byte[], byte[]> record) throws IOException {
        byte[] value = record.value();
        if (value == null) {
            throw new UndecodableEventException("record has no value");
        }
        WireFrame frame = WireFrame.of(wireFormat, value, record.headers());
        WriterVersion writer = writerVersion(frame.schemaId());
        if (writer.unreadable() != null) {
            throw new UndecodableEventException(writer.unreadable());
        }
        GenericRecord projected;
        try {
            binaryDecoder =
                    DecoderFactory.get()
                            .binaryDecoder(
                                    value,
                                    frame.bodyOffset(),
                                    value.length - frame.bodyOffset(),
                                    binaryDecoder);
            projected = writer.reader().read(null, binaryDecoder);
        } catch (IOException | RuntimeException e) {
            // A truncated body (EOFException), or one that does not match its schema.
            throw new UndecodableEventException(
                    "the Avro body does not match " + writer.name() + ": " + e, e);
        }
        StreamEvent event = decoder.decode(projected);
        writer.eventsDecoded().inc();
        return event;
    }

    /** The reader of a writer schema id: from the cache, else prepared once from the registry. */
    private WriterVersion writerVersion(SchemaId id) throws IOException {
        WriterVersion cached = writerVersions.get(id);
        if (cached != null) {
            return cached;
        }
        // Not cached: a record naming an unknown id is garbage or of another registry, and the id
        // may yet be registered.
        String text =
                registry.schema(id)
                        .orElseThrow(
                                () ->
                                        new UndecodableEventException(
                                                "the schema registry does not know " + id));
        WriterVersion prepared = prepare(id, text);
        writerVersions.put(id, prepared);
        if (prepared.unreadable() == null) {
            LOG.info("Stream '{}' reads {}", streamName, prepared.name());
        } else {
            LOG.warn(
                    "Stream '{}' sends every record of {} to its dead-letter topic: {}",
                    streamName,
                    id,
                    prepared.unreadable());
        }
        return prepared;
    }

    private WriterVersion prepare(SchemaId id, String text) throws IOException {
        Schema writer;
        try {
            // A new parser each time: a parser remembers the named types it has seen.
            writer = new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            return WriterVersion.unreadable(id + " is not an Avro schema: " + e);
        }
        String version = registry.version(id, artifactId);
        String name =
                version.equals(RegistryClient.UNKNOWN_VERSION)
                        ? id + " (no version of " + artifactId + ")"
                        : "schema version " + version + " of " + artifactId + " (" + id + ")";
        List<String> missing = missingFields(writer);
        if (!missing.isEmpty()) {
            return WriterVersion.unreadable(
                    name
                            + " lacks "
                            + (missing.size() == 1 ? "field " : "fields ")
                            + String.join(", ", missing)
                            + (missing.size() == 1 ? ", which has" : ", which have")
                            + " no default");
        }
        Counter eventsDecoded =
                eventsDecodedByVersion.computeIfAbsent(
                        version,
                        label ->
                                streamMetrics
                                        .addGroup(SCHEMA_VERSION_GROUP, label)
                                        .counter(EVENTS_DECODED));
        return new WriterVersion(
                name, new GenericDatumReader<>(writer, eventSchema), eventsDecoded, null);
    }

    /**
     * The declared fields without default that a writer's record schema lacks, quoted: schema
     * resolution cannot fill them in. Found once per schema, for a clear dead-letter detail (Avro
     * would throw "missing required field" for each record).
     */
    private List<String> missingFields(Schema writer) {
        List<String> missing = new ArrayList<>();
        if (writer.getType() != Schema.Type.RECORD) {
            return missing; // schema resolution says what is wrong with it
        }
        for (Schema.Field field : eventSchema.getFields()) {
            if (!field.hasDefaultValue() && writer.getField(field.name()) == null) {
                missing.add("'" + field.name() + "'");
            }
        }
        return missing;
    }

    /**
     * How the records of one writer schema id are read: by {@code reader}, or not at all.
     *
     * @param name the schema, for people: its version under the stream's artifact and its id
     * @param reader projects a record of the writer schema onto the stream's event schema
     * @param unreadable why no record of the schema can be read (the other components are then
     *     null), or null
     */
    private record WriterVersion(
            String name,
            GenericDatumReader<GenericRecord> reader,
            Counter eventsDecoded,
            String unreadable) {

        static WriterVersion unreadable(String why) {
            return new WriterVersion(null, null, null, why);
        }
    }

    private DeadLetter deadLetter(
            ConsumerRecord<byte[], byte[]> record, UndecodableEventException cause) {
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
                    cause.getMessage(),
                    undecodableRecords.getCount());
        }
        LOG.debug(
                "Undecodable record at {}-{}@{}",
                record.topic(),
                record.partition(),
                record.offset(),
                cause);
        return DeadLetter.of(streamName, cause.getMessage(), record);
    }

    @Override
    public TypeInformation<TopicRecord> getProducedType() {
        return TypeInformation.of(TopicRecord.class);
    }
}
