package dev.tessera.bench;

import dev.tessera.dev.LocalInfra;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A training set as {@code ./tessera training-set} builds one: 1,000,000 spine rows x 10 features
 * of the example spec over 10,000,000 transactions (20,000 users, 10 days of event time), beside
 * the consume-and-decode loop over the same events. Wall time, peak memory (the command's JVM) and
 * rows per second.
 */
final class TrainingBench {

    static final String SECTION = "training";
    static final int USERS = 20_000;
    static final Duration EVENT_TIME_SPAN = Duration.ofDays(10);
    static final List<String> FEATURES =
            List.of(
                    "txn_count_5m",
                    "txn_amount_sum_5m",
                    "txn_amount_max_5m",
                    "first_merchant_5m",
                    "txn_amount_avg_1h_10m",
                    "txn_amount_sum_1h",
                    "amount_p95_1h",
                    "txn_amount_min_1h",
                    "large_txn_count_1h",
                    "time_since_last_txn_s");

    private static final Pattern SUMMARY =
            Pattern.compile(
                    "training set: (\\d+) rows .* in ([0-9.]+) s \\(peak memory (\\d+) MiB\\)");

    private final BenchContext context;
    private final LocalInfra infra;
    private final FeatureSpec spec;
    private final Stream stream;
    private final int events;
    private final int rows;

    TrainingBench(BenchContext context, LocalInfra infra) {
        this.context = context;
        this.infra = infra;
        this.spec = SpecParser.parse(context.root().resolve("features.yaml"));
        this.stream = spec.stream("transactions").orElseThrow();
        this.events = context.count(10_000_000, 20_000);
        this.rows = context.count(1_000_000, 2_000);
    }

    List<Figure> run() throws Exception {
        infra.kafka().createTopic(stream.topic(), 2, Map.of("retention.ms", "-1"));
        EventLog log =
                new EventLog(
                        infra.kafka().bootstrapServers(), infra.registry().url(), stream.topic());
        long end = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        long start = end - EVENT_TIME_SPAN.toMillis();
        Schema schema = AvroSchemas.eventSchema(stream);
        Random random = new Random(42);
        log.produce(
                events,
                i -> {
                    GenericRecord event = new GenericData.Record(schema);
                    event.put("user_id", "user-" + random.nextInt(USERS));
                    event.put("amount", random.nextInt(20_000) / 100.0);
                    event.put("merchant", "m" + random.nextInt(50));
                    // In time order with up to 3 s of disorder, within the stream's 5 s bound.
                    event.put(
                            "ts",
                            start
                                    + EVENT_TIME_SPAN.toMillis() * i / events
                                    - random.nextInt(3_000));
                    return event;
                },
                "user_id");
        Path spine = Files.createTempDirectory("tessera-training-bench").resolve("spine.csv");
        try (BufferedWriter out = Files.newBufferedWriter(spine)) {
            out.write("user_id,ts,label\n");
            for (int i = 0; i < rows; i++) {
                long at = start + (long) (random.nextDouble() * EVENT_TIME_SPAN.toMillis());
                out.write("user-" + random.nextInt(USERS) + "," + at + "," + (i % 2) + "\n");
            }
        }
        JobBench.Rate decode = log.consumeAndDecode(events);
        List<String> command = new ArrayList<>();
        command.addAll(
                List.of(
                        context.root().resolve("tessera").toString(),
                        "training-set",
                        "--spine",
                        spine.toString(),
                        "--features",
                        String.join(",", FEATURES),
                        "--out",
                        spine.resolveSibling("training.parquet").toString(),
                        "--spec",
                        context.root().resolve("features.yaml").toString(),
                        "--bootstrap-servers",
                        infra.kafka().bootstrapServers(),
                        "--registry-url",
                        infra.registry().url()));
        long t0 = System.nanoTime();
        String output = Processes.run(command, Duration.ofMinutes(40).toSeconds());
        double wall = (System.nanoTime() - t0) / 1e9;
        Matcher summary = SUMMARY.matcher(output);
        if (!summary.find()) {
            throw new IllegalStateException("no summary in the command's output:\n" + output);
        }
        long written = Long.parseLong(summary.group(1));
        long peak = Long.parseLong(summary.group(3));
        deleteQuietly(spine);
        String shape =
                written
                        + " spine rows x "
                        + FEATURES.size()
                        + " features over "
                        + events
                        + " events";
        return List.of(
                Figure.info(SECTION, "training set of " + shape + ", wall time", wall, "s"),
                Figure.info(SECTION, "training set, peak memory of the command's JVM", peak, "MiB"),
                Figure.info(
                        SECTION, "training set, spine rows per second", written / wall, "rows/s"),
                Figure.compared(
                        SECTION,
                        "training set, events replayed per second (wall clock, whole command)",
                        events / wall,
                        "events/s",
                        decode.perSecond(),
                        "consume-and-decode loop over the same events, wall clock"));
    }

    private static void deleteQuietly(Path spine) throws IOException {
        Files.deleteIfExists(spine.resolveSibling("training.parquet"));
        Files.deleteIfExists(spine);
        Files.deleteIfExists(spine.getParent());
    }
}
