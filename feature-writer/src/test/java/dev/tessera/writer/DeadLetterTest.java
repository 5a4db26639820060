package dev.tessera.writer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.tessera.dev.TesseraTestResources;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.deadletter.DeadLetterHeaders;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.store.RedisLayout;
import dev.tessera.store.RedisStore;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Updates the writer can never apply go, as they were read, to the dead-letter topic, and the
 * updates around them are written.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class DeadLetterTest {

    static final String GROUP = "user_transactions_5m";
    static final String TOPIC = FeatureSpec.DEFAULT_FEATURE_TOPIC;
    static final String DLQ = DeadLetterHeaders.topicOf(TOPIC);

    @Inject RedisDataSource redis;
    @Inject RedisStore client;
    @Inject FeatureSpec spec;

    @TestHTTPResource(value = "/metrics", management = true)
    String metrics;

    @Test
    void anUndecodableRecordAndAWrongTypeUpdateAreDeadLetteredAndTheOthersWritten() {
        String before = unique();
        String wrongType = unique();
        String after = unique();
        // A Redis string where the layout keeps a hash: the write script gets WRONGTYPE.
        redis.value(String.class).set(key(wrongType), "not a hash");

        byte[] garbageKey = unique().getBytes(StandardCharsets.UTF_8);
        byte[] garbage = {0x7f, 1, 2, 3};
        byte[] wrongTypeValue = serialize(update(wrongType, 2L));
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(record(before, serialize(update(before, 1L))));
            ProducerRecord<byte[], byte[]> undecodable =
                    new ProducerRecord<>(TOPIC, garbageKey, garbage);
            undecodable.headers().add("origin", "test".getBytes(StandardCharsets.UTF_8));
            producer.send(undecodable);
            producer.send(record(wrongType, wrongTypeValue));
            producer.send(record(after, serialize(update(after, 3L))));
            producer.flush();
        }

        Map<String, ConsumerRecord<byte[], byte[]>> dead =
                awaitDeadLetters(
                        List.of(new String(garbageKey, StandardCharsets.UTF_8), wrongType));

        ConsumerRecord<byte[], byte[]> first =
                dead.get(new String(garbageKey, StandardCharsets.UTF_8));
        assertThat(first.value()).isEqualTo(garbage);
        assertThat(header(first, "origin")).isEqualTo("test");
        assertThat(header(first, DeadLetterHeaders.REASON)).isEqualTo("undecodable");
        assertThat(header(first, DeadLetterHeaders.TOPIC)).isEqualTo(TOPIC);
        assertThat(header(first, DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(Long.parseLong(header(first, DeadLetterHeaders.OFFSET))).isNotNegative();

        ConsumerRecord<byte[], byte[]> second = dead.get(wrongType);
        assertThat(second.value()).isEqualTo(wrongTypeValue);
        assertThat(header(second, DeadLetterHeaders.REASON)).isEqualTo("wrong-type");
        assertThat(header(second, DeadLetterHeaders.DETAIL)).contains("WRONGTYPE");
        assertThat(Long.parseLong(header(second, DeadLetterHeaders.OFFSET)))
                .isEqualTo(Long.parseLong(header(first, DeadLetterHeaders.OFFSET)) + 1);

        assertThat(StoredFeatures.read(client, spec, before, GROUP).value("txn_count_5m"))
                .isEqualTo(1L);
        assertThat(StoredFeatures.read(client, spec, after, GROUP).value("txn_count_5m"))
                .isEqualTo(3L);
        assertThat(redis.value(String.class).get(key(wrongType))).isEqualTo("not a hash");
        given().get(metrics)
                .then()
                .body(containsString("tessera_writer_dead_letters_total{reason=\"undecodable\"}"))
                .body(containsString("tessera_writer_dead_letters_total{reason=\"wrong-type\"}"));
    }

    /** The dead letters with the given keys, read from the start of the dead-letter topic. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(List<String> keys) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TesseraTestResources.kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dlq-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest");
        Map<String, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(DLQ));
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                for (ConsumerRecord<byte[], byte[]> r :
                                        consumer.poll(Duration.ofMillis(200))) {
                                    String key = new String(r.key(), StandardCharsets.UTF_8);
                                    if (keys.contains(key)) {
                                        found.put(key, r);
                                    }
                                }
                                return found.keySet().containsAll(keys);
                            });
        }
        return found;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static FeatureUpdate update(String user, long count) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("txn_count_5m", count);
        values.put("txn_amount_sum_5m", count * 10.0);
        return FeatureUpdate.values("user", user, GROUP, 1_000, count, values);
    }

    private static byte[] serialize(FeatureUpdate update) {
        try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(
                    Map.of(
                            "apicurio.registry.url",
                            TesseraTestResources.registry().url(),
                            "apicurio.registry.auto-register",
                            "true"),
                    false);
            return serializer.serialize(TOPIC, AvroSchemas.toAvro(update));
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String user, byte[] value) {
        return new ProducerRecord<>(TOPIC, user.getBytes(StandardCharsets.UTF_8), value);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TesseraTestResources.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String key(String user) {
        return RedisLayout.key("user", user, GROUP);
    }

    private static String unique() {
        return "user-" + UUID.randomUUID();
    }
}
