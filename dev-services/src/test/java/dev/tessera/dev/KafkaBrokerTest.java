package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    private static final String TOPIC = "events";

    @TempDir Path dir;

    @Test
    void keepsRecordsAcrossAStopAndACrash() throws Exception {
        try (KafkaBroker broker = new KafkaBroker(dir, 0)) {
            broker.start();
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            broker.createTopic(TOPIC, 2, Map.of("retention.ms", "-1"));
            produce(broker, "k1", "v1");
            assertThat(consumeAll(broker)).containsExactly("k1=v1");

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.start();
            assertThat(consumeAll(broker)).containsExactly("k1=v1");

            produce(broker, "k2", "v2");
            broker.kill9();
            broker.start();
            assertThat(consumeAll(broker)).containsExactlyInAnyOrder("k1=v1", "k2=v2");
        }
    }

    @Test
    void servesScramUsersOverTlsOnItsSaslSslListener() throws Exception {
        KafkaBroker.SaslSsl saslSsl =
                new KafkaBroker.SaslSsl(
                        0, TestCertificates.create(dir.resolve("tls")), Map.of("alice", "s3cret"));
        try (KafkaBroker broker = new KafkaBroker(dir.resolve("kafka"), 0, saslSsl)) {
            broker.start();
            Map<String, Object> alice = new HashMap<>(saslSsl.clientSettings("alice"));
            alice.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.saslSslBootstrapServers());
            try (Admin admin = Admin.create(alice)) {
                admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get();
                assertThat(admin.listTopics().names().get()).contains("secured");
            }

            Map<String, Object> intruder = new HashMap<>(alice);
            intruder.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required"
                            + " username=\"alice\" password=\"guess\";");
            intruder.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            intruder.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            try (Admin admin = Admin.create(intruder)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static void produce(KafkaBroker broker, String key, String value) throws Exception {
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, key, value)).get();
        }
    }

    /** Everything in the topic, read by a new consumer group from the beginning. */
    private static List<String> consumeAll(KafkaBroker broker) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest");
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // Poll until the assignment has been read to its end.
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.key() + "=" + record.value());
                }
                if (!consumer.assignment().isEmpty()
                        && consumer.assignment().stream()
                                .allMatch(
                                        tp ->
                                                consumer.position(tp)
                                                        >= consumer.endOffsets(List.of(tp))
                                                                .get(tp))) {
                    return seen;
                }
            }
        }
        throw new AssertionError("topic not read to its end in 30 s; got " + seen);
    }
}
