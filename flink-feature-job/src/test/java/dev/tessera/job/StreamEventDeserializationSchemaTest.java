package dev.tessera.job;

import static dev.tessera.job.TestEvents.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.dev.DevRegistry;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.Stream;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding with the real Apicurio deserializer against the dev registry. */
class StreamEventDeserializationSchemaTest {

    private static final String TOPIC = "transactions";
    private static final Stream TRANSACTIONS = SPEC.stream("transactions").orElseThrow();

    @TempDir Path registryData;

    private DevRegistry registry;
    private AvroKafkaSerializer<GenericRecord> serializer;
    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private final List<TopicRecord> decoded = new ArrayList<>();
    private StreamEventDeserializationSchema schema;

    @BeforeEach
    void start() {
        registry = DevRegistry.start(0, registryData);
        serializer = Registries.serializer(registry.url());
        schema =
                new StreamEventDeserializationSchema(
                        TRANSACTIONS, KafkaConnectors.serdeConfig(registry.url()));
        schema.open(initializationContext(metrics));
    }

    @AfterEach
    void stop() {
        serializer.close();
        registry.close();
    }

    @Test
    void decodesAnEventWrittenWithTheStreamsSchema() throws Exception {
        GenericRecord event = new GenericData.Record(AvroSchemas.eventSchema(TRANSACTIONS));
        event.put("user_id", new Utf8("alice"));
        event.put("amount", 12.5);
        event.put("merchant", "m-1");
        event.put("ts", 1_767_607_200_000L);

        deserialize(serializer.serialize(TOPIC, new RecordHeaders(), event));

        assertThat(decoded)
                .containsExactly(
                        new StreamEvent(
                                "alice",
                                1_767_607_200_000L,
                                Map.of(
                                        "user_id",
                                        "alice",
                                        "amount",
                                        12.5,
                                        "merchant",
                                        "m-1",
                                        "ts",
                                        1_767_607_200_000L)));
        assertThat(undecodableRecords()).isZero();
        // The registry client runs on the JDK HTTP client: no Vert.x event loop to outlive the job.
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("vert.x-"));
    }

    @Test
    void decodesAnEventOfAnotherSchemaVersionByFieldName() throws Exception {
        // An older producer: no merchant, amount as a float, fields in another order.
        Schema older =
                SchemaBuilder.record("Transactions")
                        .namespace(AvroSchemas.EVENT_NAMESPACE)
                        .fields()
                        .requiredLong("ts")
                        .requiredFloat("amount")
                        .requiredString("user_id")
                        .endRecord();
        GenericRecord event = new GenericData.Record(older);
        event.put("ts", 5L);
        event.put("amount", 1.5f);
        event.put("user_id", "bob");

        deserialize(serializer.serialize("older-transactions", new RecordHeaders(), event));

        assertThat(decoded)
                .containsExactly(
                        new StreamEvent(
                                "bob", 5L, Map.of("user_id", "bob", "amount", 1.5, "ts", 5L)));
    }

    @Test
    void turnsRecordsItCannotDecodeIntoDeadLettersBytesUntouched() throws Exception {
        Schema withoutUser =
                SchemaBuilder.record("Transactions")
                        .namespace(AvroSchemas.EVENT_NAMESPACE)
                        .fields()
                        .requiredLong("ts")
                        .endRecord();
        GenericRecord noEntityKey = new GenericData.Record(withoutUser);
        noEntityKey.put("ts", 5L);

        byte[] unknownSchemaId = serializer.serialize(TOPIC, new RecordHeaders(), transaction());
        unknownSchemaId[1] = 0x7f; // the 4-byte id after the magic byte

        byte[] notAvro = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] keyless =
                serializer.serialize("keyless-transactions", new RecordHeaders(), noEntityKey);
        deserialize(notAvro);
        deserialize(null);
        deserialize(unknownSchemaId);
        deserialize(keyless);

        assertThat(decoded)
                .allSatisfy(record -> assertThat(record).isInstanceOf(DeadLetter.class))
                .extracting(record -> ((DeadLetter) record).value())
                .containsExactly(notAvro, null, unknownSchemaId, keyless);
        assertThat(decoded)
                .extracting(record -> (DeadLetter) record)
                .allSatisfy(
                        letter -> {
                            assertThat(letter.stream()).isEqualTo("transactions");
                            assertThat(letter.topic()).isEqualTo(TOPIC);
                            assertThat(letter.detail()).isNotBlank();
                        });
        assertThat(undecodableRecords()).isEqualTo(4);
    }

    @Test
    void failsRatherThanSkipARecordWhileTheRegistryIsUnreachable() {
        byte[] value = serializer.serialize(TOPIC, new RecordHeaders(), transaction());
        registry.close();

        assertThatThrownBy(() -> deserialize(value))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("schema registry unavailable");
        assertThat(undecodableRecords()).isZero();
    }

    private static GenericRecord transaction() {
        GenericRecord event = new GenericData.Record(AvroSchemas.eventSchema(TRANSACTIONS));
        event.put("user_id", "carol");
        event.put("amount", 1.0);
        event.put("merchant", "m-2");
        event.put("ts", 7L);
        return event;
    }

    private void deserialize(byte[] value) throws Exception {
        schema.deserialize(
                new ConsumerRecord<>(TOPIC, 0, 0L, null, value),
                new Collector<>() {
                    @Override
                    public void collect(TopicRecord record) {
                        decoded.add(record);
                    }

                    @Override
                    public void close() {}
                });
    }

    private long undecodableRecords() {
        Counter counter =
                (Counter) metrics.get(StreamEventDeserializationSchema.UNDECODABLE_RECORDS);
        return counter.getCount();
    }

    private static DeserializationSchema.InitializationContext initializationContext(
            MetricGroup metricGroup) {
        return new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metricGroup;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(
                        StreamEventDeserializationSchemaTest.class.getClassLoader());
            }
        };
    }
}
