package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.ChildProcess;
import dev.tessera.dev.FreePorts;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.avro.FeatureLogEntry;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.serve.Visibility;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logged serving compared with training sets, as a user would: a reader logging every read ({@code
 * tessera.reader.feature-log.rate=1}) is asked for every feature of random users while events of
 * every example stream arrive stamped with the time they are sent (up to 2 s out of order); then
 * {@code ./tessera consistency} compares each logged read with the training set of its (id, time).
 * Every difference has a stated cause (lag, out of order, ahead, correction), and reads taken once
 * the pipeline has caught up all match.
 */
class ConsistencyEndToEndTest {

    @RegisterExtension static final ExamplePipeline pipeline = new ExamplePipeline();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final FeatureSpec SPEC =
            SpecParser.parse(ExamplePipeline.ROOT.resolve("features.yaml"));

    @TempDir Path dir;

    private ChildProcess loggingReader;

    @AfterEach
    void stopReader() {
        if (loggingReader != null) {
            loggingReader.close();
        }
    }

    @Test
    void everyDifferenceBetweenServedAndTrainingValuesHasACause() throws Exception {
        int port = FreePorts.pick();
        Map<String, String> config = new LinkedHashMap<>(pipeline.endpoints().redisConfig());
        config.putAll(pipeline.jwt().serviceConfig());
        config.put("kafka.bootstrap.servers", pipeline.endpoints().bootstrapServers());
        config.put("apicurio.registry.url", pipeline.endpoints().registryUrl());
        config.put("tessera.reader.feature-log.rate", "1");
        loggingReader =
                LocalPipeline.startService(
                        ExamplePipeline.ROOT,
                        "feature-reader",
                        port,
                        FreePorts.pick(),
                        ExamplePipeline.ROOT.resolve("features.yaml").toAbsolutePath(),
                        config,
                        Map.of(),
                        dir.resolve("logging-reader.log"));
        String reader = "http://localhost:" + port;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 4; u++) {
            users.add("u" + u + "-" + run);
        }
        List<String> products = List.of("p0-" + run, "p1-" + run, "p2-" + run);
        Random random = new Random(3);
        PipelineClient client = pipeline.client();
        int reads = 0;
        long until = System.currentTimeMillis() + Duration.ofSeconds(30).toMillis();
        int n = 0;
        while (System.currentTimeMillis() < until) {
            long now = System.currentTimeMillis();
            String user = users.get(random.nextInt(users.size()));
            String product = products.get(random.nextInt(products.size()));
            long ts = now - random.nextInt(2_000);
            client.post("transactions", PipelineClient.transaction(user, ts, random.nextInt(100)));
            client.post(
                    "clicks",
                    JSON.writeValueAsString(
                                    Map.of("user_id", user, "product_id", product, "ts", ts))
                            + "\n");
            if (n % 5 == 0) {
                client.post(
                        "products",
                        JSON.writeValueAsString(
                                        Map.of(
                                                "product_id",
                                                product,
                                                "category",
                                                "c" + random.nextInt(3),
                                                "price",
                                                random.nextInt(50),
                                                "ts",
                                                ts))
                                + "\n");
                client.post(
                        "purchases",
                        JSON.writeValueAsString(
                                        Map.of(
                                                "event_id",
                                                "e" + n + "-" + run,
                                                "user_id",
                                                user,
                                                "product_id",
                                                product,
                                                "amount",
                                                random.nextInt(100),
                                                "ts",
                                                ts))
                                + "\n");
            }
            n++;
            read(reader, users.get(random.nextInt(users.size())));
            reads++;
            Thread.sleep(100);
        }
        // Once the pipeline has caught up, every read matches its training row.
        Thread.sleep(8_000);
        long caughtUp = System.currentTimeMillis();
        for (String user : users) {
            read(reader, user);
        }
        int total = reads + users.size();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                TopicOffsets.records(
                                                pipeline.endpoints().bootstrapServers(),
                                                List.of(FeatureLogEntry.DEFAULT_TOPIC))
                                        >= total);

        Path report = dir.resolve("consistency.json");
        Path gauges = dir.resolve("consistency.prom");
        Path differences = dir.resolve("differences.ndjson");
        Path log = dir.resolve("consistency.log");
        Process process =
                new ProcessBuilder(
                                ExamplePipeline.ROOT.resolve("tessera").toString(),
                                "consistency",
                                "--spec",
                                ExamplePipeline.ROOT.resolve("features.yaml").toString(),
                                "--bootstrap-servers",
                                pipeline.endpoints().bootstrapServers(),
                                "--registry-url",
                                pipeline.endpoints().registryUrl(),
                                "--out",
                                report.toString(),
                                "--prometheus",
                                gauges.toString(),
                                "--differences",
                                differences.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        System.out.print(output); // the report's table, in the test's output

        JsonNode json = JSON.readTree(report.toFile());
        assertThat(json.get("entries").asLong()).as(output).isEqualTo(total);
        assertThat(json.get("unexplained").asLong()).as(output).isZero();
        List<String> features =
                SPEC.featuresOf(SPEC.entity("user").orElseThrow()).stream()
                        .map(Feature::name)
                        .toList();
        for (String feature : features) {
            JsonNode counts = json.at("/features/" + feature);
            assertThat(counts.get("rows").asLong()).as(feature).isEqualTo(total);
        }
        for (String line : Files.readAllLines(differences)) {
            JsonNode difference = JSON.readTree(line);
            Feature feature = SPEC.feature(difference.get("feature").asText()).orElseThrow();
            // A join's output and closed windows wait for the watermark, which only newer events
            // move: with traffic stopped, those stay behind (lag) however long one waits.
            boolean waitsForWatermark =
                    SPEC.join(SPEC.group(feature.group()).orElseThrow().stream().name()).isPresent()
                            || Visibility.closesWindows(feature);
            if (!waitsForWatermark) {
                assertThat(difference.get("request_time").asLong())
                        .as("a read after the pipeline caught up differs: %s", line)
                        .isLessThan(caughtUp);
            }
        }
        assertThat(Files.readString(gauges))
                .contains("tessera_consistency_mismatch_rate{feature=\"txn_amount_sum_1h\"}");
    }

    private void read(String reader, String user) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(reader + "/v1/features/user/" + user))
                                .header("Authorization", "Bearer " + pipeline.readerToken())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
