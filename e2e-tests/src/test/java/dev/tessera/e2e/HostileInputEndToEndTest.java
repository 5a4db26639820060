package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.RawHttp;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway and the reader of a running pipeline under more than 10,000 generated hostile
 * requests ({@link HostileRequests}): none is answered 5xx, every refusal is problem+json with its
 * status, nothing of a refused request reaches Kafka (the event topics grow by exactly what was
 * answered 202), and both services are still ready. Then one producer's clock ten years ahead,
 * through the gateway and straight to the topic: it stops nothing.
 */
class HostileInputEndToEndTest {

    static final int REQUESTS = 10_500;
    static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1, as producers and models mostly speak: over one HTTP/2 connection, a request the
    // server ends the connection for (too large headers) would take its neighbours with it.
    static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
    static final FeatureSpec SPEC = SpecParser.parse(ExamplePipeline.ROOT.resolve("features.yaml"));

    @RegisterExtension static final ExamplePipeline pipeline = new ExamplePipeline();

    @Test
    void noHostileRequestCausesA5xxOrProducesARecordOrStopsAService() throws Exception {
        long seed = new Random().nextLong();
        System.out.println("HostileInputEndToEndTest: seed " + seed);
        List<HostileRequests.Request> requests =
                new HostileRequests(new Random(seed), pipeline.jwt()).generate(REQUESTS);
        Map<String, Long> offsetsBefore = eventTopicEndOffsets();
        AtomicLong accepted = new AtomicLong();
        Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());

        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (HostileRequests.Request request : requests) {
                sent.add(
                        senders.submit(
                                () -> check(request, send(request), accepted, statuses, problems)));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } finally {
            senders.shutdownNow();
        }
        for (RawHttp.Answer answer : overLimitBodies()) {
            statuses.merge(answer.status(), 1, Integer::sum);
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        }

        System.out.println("HostileInputEndToEndTest: statuses " + statuses);
        assertThat(problems).as("answers that break the rules").isEmpty();
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum())
                .isGreaterThanOrEqualTo(10_000);
        assertThat(statuses.keySet()).contains(202, 400, 401, 403, 404, 405, 413, 414, 415);
        // Nothing of a refused request was produced: the topics grew by what was answered 202.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(sum(eventTopicEndOffsets()) - sum(offsetsBefore))
                                        .isEqualTo(accepted.get()));
        assertReady("ingest-gateway");
        assertReady("feature-reader");
    }

    /**
     * An event ten years ahead: the gateway refuses it; written straight to the topic with the
     * serde, the job sends it to the late topic. Events after it count as before: the reader serves
     * their window.
     */
    @Test
    void aClockTenYearsAheadStopsNothing() throws Exception {
        String user = "clock-" + UUID.randomUUID();
        long tenYears = Duration.ofDays(3650).toMillis();
        long now = System.currentTimeMillis();
        long window = (now / 300_000 - 3) * 300_000;

        assertThat(
                        pipeline.client()
                                .post(
                                        "transactions",
                                        PipelineClient.transaction(user, now + tenYears, 1.0))
                                .statusCode())
                .isEqualTo(400);
        produceStraightToTheTopic(user, now + tenYears);
        assertThat(
                        pipeline.client()
                                .post(
                                        "transactions",
                                        PipelineClient.transaction(user, window + 1_000, 2.0)
                                                + PipelineClient.transaction(
                                                        user, window + 2_000, 3.0))
                                .statusCode())
                .isEqualTo(202);
        // Closes the window (and is not in it).
        assertThat(
                        pipeline.client()
                                .post("transactions", PipelineClient.transaction(user, now, 4.0))
                                .statusCode())
                .isEqualTo(202);

        pipeline.client().awaitWindow(user, 2, 5.0);
        assertThat(futureEventsInTheLateTopic(user)).isEqualTo(1);
    }

    private static HttpResponse<String> send(HostileRequests.Request request) {
        String base =
                request.service() == HostileRequests.Service.GATEWAY
                        ? pipeline.gatewayUrl()
                        : pipeline.readerUrl();
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(base + request.target()))
                        .timeout(Duration.ofSeconds(30))
                        .method(
                                request.method(),
                                request.body() == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(
                                                request.body(), StandardCharsets.UTF_8));
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        if (request.authorization() != null) {
            builder.header("Authorization", request.authorization());
        }
        if (request.extraHeader() != null) {
            builder.header(request.extraHeader(), request.extraValue());
        }
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + request.describe(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void check(
            HostileRequests.Request request,
            HttpResponse<String> response,
            AtomicLong accepted,
            Map<Integer, Integer> statuses,
            List<String> problems) {
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        String what = status + " to " + request.describe() + ": " + abbreviate(response.body());
        if (status >= 500) {
            problems.add(what);
            return;
        }
        if (status == 202) {
            accepted.addAndGet(body(response).path("accepted").asLong());
            return;
        }
        if (status < 400) {
            return;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")
                || body(response).path("status").asInt() != status) {
            problems.add("not problem+json: " + what);
        }
    }

    /**
     * Bodies over the gateway's limit, announced by Content-Length: refused before they are read.
     */
    private static List<RawHttp.Answer> overLimitBodies() {
        int port = URI.create(pipeline.gatewayUrl()).getPort();
        List<RawHttp.Answer> answers = new ArrayList<>();
        for (int length : List.of(5_242_881, 64_000_000, Integer.MAX_VALUE)) {
            answers.add(
                    RawHttp.exchange(
                            port,
                            "POST /v1/events/transactions HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Authorization: Bearer "
                                    + pipeline.producerToken()
                                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                                    + length
                                    + "\r\nConnection: close\r\n\r\n[{\"user_id\": \"u1\""));
        }
        return answers;
    }

    private static JsonNode body(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static void assertReady(String module) throws Exception {
        HttpResponse<String> ready =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                pipeline.managementUrl(module) + "/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(module + " ready: " + ready.body()).isEqualTo(200);
    }

    private static Map<String, Long> eventTopicEndOffsets() throws Exception {
        Map<String, Long> offsets = new TreeMap<>();
        TopicOffsets.endOffsets(
                        pipeline.endpoints().bootstrapServers(),
                        SPEC.streams().stream().map(Stream::topic).toList())
                .forEach((partition, offset) -> offsets.put(partition.toString(), offset));
        return offsets;
    }

    private static long sum(Map<String, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void produceStraightToTheTopic(String user, long time) throws Exception {
        Stream transactions = SPEC.stream("transactions").orElseThrow();
        GenericRecord event = new GenericData.Record(AvroSchemas.eventSchema(transactions));
        event.put("event_id", "clock-" + UUID.randomUUID());
        event.put("user_id", user);
        event.put("amount", 100.0);
        event.put("merchant", "m");
        event.put("ts", time);
        Map<String, Object> config = new HashMap<>();
        config.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.endpoints().bootstrapServers());
        config.put(SerdeConfig.REGISTRY_URL, pipeline.endpoints().registryUrl());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
        try (AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(config, false);
            try (KafkaProducer<String, GenericRecord> producer =
                    new KafkaProducer<>(config, new StringSerializer(), serializer)) {
                producer.send(new ProducerRecord<>(transactions.topic(), user, event)).get();
            }
        }
    }

    /** The late events of {@code user} with cause future, once at least one is there. */
    private static long futureEventsInTheLateTopic(String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.endpoints().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "late-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long found = 0;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(SPEC.stream("transactions").orElseThrow().lateTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found == 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(300))) {
                    JsonNode late = JSON.readTree(record.value());
                    if (user.equals(record.key()) && "future".equals(late.path("cause").asText())) {
                        found++;
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return found;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
