package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.FlinkCluster;
import dev.tessera.dev.FreePorts;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.spec.serve.FeatureStatus;
import dev.tessera.spec.serve.Served;
import dev.tessera.spec.store.FeatureValueCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tessera training-set} as a user runs it, on events POSTed to the gateway of a running
 * pipeline: two hours of event time of every example stream, out of order within the streams'
 * bounds. The training set of every feature of the user entity, for random rows of four users (and
 * rows before their first event and days after their last), equals what the reference's {@code
 * asOf} says a read would have served; built twice, and once on a session cluster, it is the same
 * bytes.
 */
class TrainingSetEndToEndTest {

    @RegisterExtension static final ExamplePipeline pipeline = new ExamplePipeline();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FeatureSpec SPEC =
            SpecParser.parse(ExamplePipeline.ROOT.resolve("features.yaml"));

    @TempDir Path dir;

    @Test
    void trainingSetsAreWhatAReadWouldHaveServedAndAreReproducible() throws Exception {
        long end = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        long start = end - Duration.ofHours(2).toMillis();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> users = List.of("u0-" + run, "u1-" + run, "u2-" + run, "u3-" + run);
        List<Event> events = events(new Random(7), run, users, start, end);
        post(events);

        Path spine = dir.resolve("spine.csv");
        List<String[]> rows = spine(new Random(11), users, start, end);
        StringBuilder csv = new StringBuilder("user_id,ts,label\n");
        rows.forEach(row -> csv.append(String.join(",", row)).append('\n'));
        Files.writeString(spine, csv);
        List<String> features =
                SPEC.featuresOf(SPEC.entity("user").orElseThrow()).stream()
                        .map(Feature::name)
                        .toList();

        Path first = dir.resolve("first.parquet");
        Path second = dir.resolve("second.parquet");
        trainingSet(spine, features, first);
        trainingSet(spine, features, second);

        assertThat(Files.mismatch(first, second)).as("the same bytes twice").isEqualTo(-1);
        // The same replay on a session cluster, from the job's jar: the same bytes again.
        Path onCluster = dir.resolve("on-cluster.parquet");
        try (FlinkCluster cluster =
                FlinkCluster.start(dir.resolve("flink"), FreePorts.pick(), FreePorts.pick(), 1)) {
            trainingSet(spine, features, onCluster, "--flink-cluster", cluster.restUrl());
        }
        assertThat(Files.mismatch(first, onCluster))
                .as("the same bytes on a cluster")
                .isEqualTo(-1);
        Reference.AsOf expected = new Reference(SPEC).asOf(events);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = db.createStatement();
                ResultSet result =
                        sql.executeQuery("SELECT * FROM read_parquet('" + first + "')")) {
            int index = 0;
            while (result.next()) {
                String[] row = rows.get(index++);
                assertThat(result.getString("user_id")).isEqualTo(row[0]);
                assertThat(result.getString("label")).isEqualTo(row[2]);
                List<Served> served =
                        expected.read(row[0], features, Instant.parse(row[1]).toEpochMilli());
                long at = Instant.parse(row[1]).toEpochMilli();
                for (int f = 0; f < features.size(); f++) {
                    String name = features.get(f);
                    Feature feature = SPEC.feature(name).orElseThrow();
                    if (at - end > SPEC.group(feature.group()).orElseThrow().ttl().toMillis()) {
                        // Past its group's ttl since the last event: expired, as online.
                        assertThat(served.get(f).status())
                                .as(name)
                                .isEqualTo(FeatureStatus.MISSING);
                    }
                    assertThat(result.getString(name + "_status"))
                            .as("%s of row %d (%s at %s)", name, index, row[0], row[1])
                            .isEqualTo(served.get(f).status().name());
                    assertThat(result.getObject(name))
                            .as("%s of row %d (%s at %s)", name, index, row[0], row[1])
                            .isEqualTo(column(SPEC.feature(name).orElseThrow(), served.get(f)));
                }
            }
            assertThat(index).isEqualTo(rows.size());
        }
    }

    /** A served value as its training set column holds it. */
    private static Object column(Feature feature, Served served) {
        if (served.value() == null) {
            return null;
        }
        return switch (feature.valueType()) {
            case LONG -> ((Number) served.value()).longValue();
            case DOUBLE -> ((Number) served.value()).doubleValue();
            case LIST, MAP -> FeatureValueCodec.encode(served.value());
            default -> served.value();
        };
    }

    private void trainingSet(Path spine, List<String> features, Path out, String... more)
            throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ExamplePipeline.ROOT.resolve("tessera").toString(),
                                "training-set",
                                "--spine",
                                spine.toString(),
                                "--features",
                                String.join(",", features),
                                "--out",
                                out.toString(),
                                "--spec",
                                ExamplePipeline.ROOT.resolve("features.yaml").toString(),
                                "--bootstrap-servers",
                                pipeline.endpoints().bootstrapServers(),
                                "--registry-url",
                                pipeline.endpoints().registryUrl()));
        command.addAll(List.of(more));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(out.getFileName() + ".log").toFile())
                        .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as(Files.readString(dir.resolve(out.getFileName() + ".log")))
                .isZero();
    }

    /**
     * Events every 3 s of event time, each up to 4 s earlier than its turn (the streams allow 5 s):
     * transactions, clicks and purchases of the users, versions of five products.
     */
    private static List<Event> events(
            Random random, String run, List<String> users, long start, long end) {
        List<Event> events = new ArrayList<>();
        List<String> products = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            products.add("p" + p + "-" + run);
        }
        int n = 0;
        for (long turn = start; turn < end; turn += 3_000) {
            long ts = turn - random.nextInt(4_000);
            String user = users.get(random.nextInt(users.size()));
            String product = products.get(random.nextInt(products.size()));
            Map<String, Object> fields = new LinkedHashMap<>();
            String stream;
            int dice = random.nextInt(10);
            if (dice < 5) {
                stream = "transactions";
                fields.put("event_id", "t" + n++ + "-" + run);
                fields.put("user_id", user);
                fields.put("amount", random.nextInt(20_000) / 100.0);
                fields.put("merchant", "m" + random.nextInt(3));
            } else if (dice < 8) {
                stream = "clicks";
                fields.put("user_id", user);
                fields.put("product_id", product);
            } else if (dice < 9) {
                stream = "purchases";
                fields.put("event_id", "p" + n++ + "-" + run);
                fields.put("user_id", user);
                fields.put("product_id", product);
                fields.put("amount", random.nextInt(10_000) / 100.0);
            } else {
                stream = "products";
                fields.put("product_id", product);
                fields.put("category", "c" + random.nextInt(3));
                fields.put("price", random.nextInt(5_000) / 100.0);
            }
            fields.put("ts", ts);
            String entityId = stream.equals("products") ? product : user;
            events.add(new Event(stream, entityId, ts, Map.copyOf(fields)));
        }
        return events;
    }

    /**
     * 20 rows a user at random moments from 10 minutes before the first event to 10 after the last,
     * and one 3 days after it, past every group's ttl.
     */
    private static List<String[]> spine(Random random, List<String> users, long start, long end) {
        List<String[]> rows = new ArrayList<>();
        int label = 0;
        for (String user : users) {
            for (int i = 0; i < 20; i++) {
                long at =
                        start - 600_000 + (long) (random.nextDouble() * (end - start + 1_200_000));
                rows.add(row(user, at, label++));
            }
            rows.add(row(user, end + Duration.ofDays(3).toMillis(), label++));
        }
        return rows;
    }

    private static String[] row(String user, long at, int label) {
        return new String[] {user, Instant.ofEpochMilli(at).toString(), Integer.toString(label)};
    }

    /** POSTs each stream's events in order, in NDJSON requests of 500. */
    private static void post(List<Event> events) throws IOException {
        Map<String, List<Event>> byStream = new HashMap<>();
        events.forEach(e -> byStream.computeIfAbsent(e.stream(), s -> new ArrayList<>()).add(e));
        PipelineClient client = pipeline.client();
        for (Map.Entry<String, List<Event>> stream : byStream.entrySet()) {
            List<Event> all = stream.getValue();
            for (int from = 0; from < all.size(); from += 500) {
                StringBuilder ndjson = new StringBuilder();
                for (Event event : all.subList(from, Math.min(all.size(), from + 500))) {
                    ndjson.append(JSON.writeValueAsString(event.fields())).append('\n');
                }
                assertThat(client.post(stream.getKey(), ndjson.toString()).statusCode())
                        .isEqualTo(202);
            }
        }
    }
}
