package dev.tessera.dev;

import dev.tessera.spec.deadletter.DeadLetterHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the records of a dead-letter topic back to the topic each came from ({@code
 * tessera.dlq.topic}), key, value, timestamp and headers as they were, less the {@code
 * tessera.dlq.*} headers. Reads as consumer group {@code tessera-dlq-replay}, committing only what
 * the source topic acknowledged, so a second run goes on where the first stopped; it stops once it
 * has caught up with the end of the dead-letter topic.
 */
public final class DeadLetterReplay {

    static final String GROUP = "tessera-dlq-replay";
    private static final Duration POLL = Duration.ofSeconds(2);

    private DeadLetterReplay() {}

    /**
     * Replays {@code deadLetterTopic}; {@code client} holds any further Kafka client settings
     * (security.protocol, sasl.*, ssl.*).
     *
     * @return how many records were sent back
     */
    public static int replay(
            String bootstrapServers, String deadLetterTopic, Map<String, Object> client) {
        Map<String, Object> consumerConfig = new HashMap<>(client);
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Object> producerConfig = new HashMap<>(client);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        int replayed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                consumerConfig,
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                producerConfig,
                                new ByteArraySerializer(),
                                new ByteArraySerializer())) {
            consumer.subscribe(List.of(deadLetterTopic));
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty() && caughtUp(consumer)) {
                    return replayed;
                }
                List<Future<?>> sent = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    sent.add(producer.send(original(record)));
                }
                for (Future<?> ack : sent) {
                    ack.get();
                }
                consumer.commitSync();
                replayed += sent.size();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted replaying " + deadLetterTopic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "a record of " + deadLetterTopic + " could not be sent back", e.getCause());
        }
    }

    /** The record as it was read from its source topic. */
    static ProducerRecord<byte[], byte[]> original(ConsumerRecord<byte[], byte[]> deadLetter) {
        Header source = deadLetter.headers().lastHeader(DeadLetterHeaders.TOPIC);
        if (source == null) {
            throw new IllegalStateException(
                    "record "
                            + deadLetter.offset()
                            + " of "
                            + deadLetter.topic()
                            + " has no "
                            + DeadLetterHeaders.TOPIC
                            + " header: not a dead letter");
        }
        Headers headers = new RecordHeaders();
        for (Header header : deadLetter.headers()) {
            if (!header.key().startsWith("tessera.dlq.")) {
                headers.add(header);
            }
        }
        return new ProducerRecord<>(
                new String(source.value(), StandardCharsets.UTF_8),
                null,
                deadLetter.timestamp(),
                deadLetter.key(),
                deadLetter.value(),
                headers);
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer) {
        var assignment = consumer.assignment();
        if (assignment.isEmpty()) {
            return false;
        }
        var ends = consumer.endOffsets(assignment);
        return assignment.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
    }

    /**
     * {@code --bootstrap-servers HOST:PORT --topic DLQ_TOPIC [--kafka-properties FILE]}: the file
     * holds client settings such as credentials, so they never show on a command line.
     */
    public static void main(String[] args) {
        String bootstrap = null;
        String topic = null;
        Map<String, Object> client = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap-servers" -> bootstrap = Arguments.requireValue(args, ++i);
                case "--topic" -> topic = Arguments.requireValue(args, ++i);
                case "--kafka-properties" ->
                        load(Path.of(Arguments.requireValue(args, ++i)))
                                .forEach((k, v) -> client.put(k.toString(), v));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (bootstrap == null || topic == null) {
            throw new IllegalArgumentException(
                    "usage: --bootstrap-servers HOST:PORT --topic DLQ_TOPIC [--kafka-properties"
                            + " FILE]");
        }
        System.out.println("replayed " + replay(bootstrap, topic, client) + " records of " + topic);
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return properties;
    }
}
