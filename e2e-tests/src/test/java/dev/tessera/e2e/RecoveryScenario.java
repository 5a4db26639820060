package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A crash-recovery run of the whole pipeline: events with disorder (and repeated event ids) are
 * POSTed to the gateway at a steady pace while the Flink job's process is killed with SIGKILL at
 * random moments and started again from its latest checkpoint, and the feature writer is killed
 * amid its batches and started again; at the end, what Redis holds must equal what the reference
 * computes from the same events, and under exactly-once the feature topic read with read_committed
 * must hold no update twice.
 *
 * <p>Every event is at most 3 s behind the newest one before it (the spec allows 5 s), so none is
 * late whatever the watermarks of a restarted job: the outcome does not depend on timing, and the
 * reference's single-source time model applies.
 *
 * @param events how many events to POST (plus a few repeats)
 * @param kills how many times to kill the job
 * @param writerKills how many times to kill the feature writer (amid its batches) and restart it
 * @param producing how long the POSTs are spread over; the kills fall inside it
 * @param delivery the job's {@code --delivery}
 * @param stateBackend the job's {@code --state-backend}
 */
record RecoveryScenario(
        int events,
        int kills,
        int writerKills,
        Duration producing,
        String delivery,
        String stateBackend) {

    static final Path SPEC = resource("/recovery-features.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int USERS = 50;
    private static final int BATCH = 1_000;

    /** The event times of a run span about this long, less than the spec's rolling hour. */
    private static final Duration EVENT_TIME_SPAN = Duration.ofMinutes(16);

    private static final int MAX_DISORDER_MILLIS = 3_000;

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final String CLOSER = "closer";
    private static final String WRITER = "feature-writer";

    /** The users of the events, without the {@link #closer}. */
    static final Predicate<String> TEST_ENTITIES = id -> !id.startsWith(CLOSER);

    private static final Pattern RESTORED = Pattern.compile("Restoring the job's state from (.*)");

    /** How long Redis may take to equal the reference once every event is posted. */
    static final Duration RESULT_TIMEOUT = Duration.ofMinutes(5);

    /** What a run did, for the test's report. */
    record Outcome(long seed, List<String> restoredFrom, int featureUpdates, Duration took) {}

    Outcome run(Path dataDir) throws Exception {
        long started = System.nanoTime();
        long seed = new Random().nextLong();
        System.out.printf("%s: seed %d%n", this, seed);
        Random random = new Random(seed);
        FeatureSpec spec = SpecParser.parse(SPEC);
        List<Event> arrivals = events(random, events);
        List<String> jobArgs =
                List.of(
                        "--parallelism",
                        "2",
                        "--checkpoint-interval",
                        "1s",
                        "--delivery",
                        delivery,
                        "--state-backend",
                        stateBackend);
        List<String> resume = new ArrayList<>(jobArgs);
        resume.add("--resume-latest");

        try (LocalPipeline pipeline =
                LocalPipeline.start(
                        PipelineEndToEndTest.ROOT,
                        SPEC,
                        dataDir,
                        LocalPipeline.Ports.free(),
                        jobArgs)) {
            log(started, "pipeline up");
            long producingStart = System.nanoTime();
            CompletableFuture<Void> posting =
                    CompletableFuture.runAsync(() -> post(pipeline, arrivals, producing));
            long jobStartedAt = System.currentTimeMillis();
            for (Kill kill : kills(random)) {
                sleepUntil(producingStart + kill.at());
                if (kill.writer()) {
                    log(started, "kill -9 the writer");
                    pipeline.service(WRITER).kill9();
                    pipeline.restartService(WRITER);
                    log(started, "the writer runs again");
                    continue;
                }
                // A restarted job must have checkpointed too, so the next restore is of its state.
                awaitCheckpointAfter(pipeline.checkpointDir(), jobStartedAt);
                sleep(random.nextInt(2_000) * 1_000_000L);
                log(started, "kill -9 the job");
                pipeline.job().kill9();
                pipeline.restartJob(resume);
                jobStartedAt = System.currentTimeMillis();
                log(started, "the job runs again");
            }
            posting.get();
            log(started, "all events posted");
            List<String> restoredFrom = restoredFrom(pipeline.job().log());
            assertThat(restoredFrom)
                    .as("every restart resumed from a newer checkpoint (job log)")
                    .hasSize(kills)
                    .doesNotHaveDuplicates();

            Event closer = closer(arrivals);
            post(pipeline, List.of(closer), Duration.ZERO);
            List<Event> all = new ArrayList<>(arrivals);
            all.add(closer);
            RedisSnapshot expected =
                    RedisSnapshot.of(new Reference(spec).run(all).store(spec), TEST_ENTITIES);
            assertThat(expected.values()).isNotEmpty();
            assertThat(expected.tiles()).isNotEmpty();
            // A million events may need longer to flow through after the last kill.
            Duration timeout = RESULT_TIMEOUT.plusSeconds(events / 2_000);
            List<String> differences = awaitStore(pipeline, spec, expected, key -> true, timeout);
            assertThat(differences).as("Redis against the reference").isEmpty();
            log(started, "Redis equals the reference");

            List<FeatureUpdate> updates =
                    featureUpdates(pipeline, spec.featureTopic(), "read_committed");
            if (delivery.equals("exactly-once")) {
                assertThat(duplicates(updates))
                        .as("feature updates committed twice (of %d)", updates.size())
                        .isEmpty();
            }
            return new Outcome(
                    seed,
                    restoredFrom,
                    updates.size(),
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * Events in arrival order: times advance steadily over {@link #EVENT_TIME_SPAN}, each up to 3 s
     * behind its position; users are skewed (a few busy, many rare, so sessions close); one event
     * in 50 repeats an earlier one, as a retrying producer would.
     */
    static List<Event> events(Random random, int events) {
        long minute = Duration.ofMinutes(1).toMillis();
        // Recent enough for the feature topic's 7-day retention, closed long ago.
        long base = (System.currentTimeMillis() / minute - 120) * minute;
        double step = (double) EVENT_TIME_SPAN.toMillis() / events;
        List<Event> arrivals = new ArrayList<>(events + events / 40);
        for (int i = 0; i < events; i++) {
            if (i > 10 && random.nextInt(50) == 0) {
                arrivals.add(arrivals.get(arrivals.size() - 1 - random.nextInt(10)));
            }
            String user = "user-" + (int) (USERS * Math.pow(random.nextDouble(), 3));
            long time = base + (long) (i * step) - random.nextInt(MAX_DISORDER_MILLIS);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("event_id", "e-" + i);
            fields.put("user_id", user);
            fields.put("amount", (1 + random.nextInt(400)) / 4.0); // exact in binary
            fields.put("merchant", "m-" + random.nextInt(20));
            fields.put("ts", time);
            arrivals.add(new Event("transactions", user, time, fields));
        }
        return arrivals;
    }

    /**
     * An event stamped now, over an hour and a half after the others (they end {@link #events}' two
     * hours back, and the spec's windows are an hour at most): its watermark closes every window of
     * the test users. Not later: the gateway refuses events ahead of its clock.
     */
    static Event closer(List<Event> arrivals) {
        long time = System.currentTimeMillis();
        if (time < arrivals.stream().mapToLong(Event::eventTime).max().orElseThrow() + HOUR) {
            throw new IllegalArgumentException("the closer must come an hour after the events");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event_id", CLOSER);
        fields.put("user_id", CLOSER);
        fields.put("amount", 1.0);
        fields.put("merchant", "m-0");
        fields.put("ts", time);
        return new Event("transactions", CLOSER, time, fields);
    }

    /** A kill -9 of the job or of the writer, {@code at} nanoseconds after the POSTs start. */
    private record Kill(long at, boolean writer) {}

    /** The kills, at random moments inside the first 85% of the POSTs, in order. */
    private List<Kill> kills(Random random) {
        long window = producing.toNanos();
        List<Kill> moments = new ArrayList<>();
        for (int i = 0; i < kills + writerKills; i++) {
            moments.add(new Kill((long) (window * (0.1 + 0.75 * random.nextDouble())), i >= kills));
        }
        moments.sort(Comparator.comparingLong(Kill::at));
        return moments;
    }

    /** POSTs the events in batches, spread evenly over {@code producing}. */
    static void post(LocalPipeline pipeline, List<Event> arrivals, Duration producing) {
        int batches = (arrivals.size() + BATCH - 1) / BATCH;
        long pause = producing.toNanos() / Math.max(1, batches);
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            StringBuilder ndjson = new StringBuilder();
            for (Event event :
                    arrivals.subList(b * BATCH, Math.min(arrivals.size(), (b + 1) * BATCH))) {
                ndjson.append(json(event.fields())).append('\n');
            }
            HttpResponse<String> response =
                    new PipelineClient(pipeline).post("transactions", ndjson.toString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            sleepUntil(start + (b + 1) * pause);
        }
    }

    /**
     * Polls Redis until its values and tiles whose keys pass {@code keys} equal {@code expected},
     * or {@code timeout}; returns the last differences.
     */
    static List<String> awaitStore(
            LocalPipeline pipeline,
            FeatureSpec spec,
            RedisSnapshot expected,
            Predicate<String> keys,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> differences;
        do {
            RedisSnapshot actual =
                    RedisSnapshot.read(
                                    "localhost",
                                    pipeline.infra().redis().port(),
                                    spec,
                                    TEST_ENTITIES)
                            .only(keys);
            differences = differences(expected, actual);
            if (differences.isEmpty()) {
                return differences;
            }
            sleep(Duration.ofSeconds(2).toNanos());
        } while (System.nanoTime() < deadline);
        return differences;
    }

    /** Up to 20 keys whose value or tile differs, with both sides, and how many differ. */
    static List<String> differences(RedisSnapshot expected, RedisSnapshot actual) {
        List<String> differences = new ArrayList<>();
        int[] count = {0};
        compare(expected.values(), actual.values(), differences, count);
        compare(expected.tiles(), actual.tiles(), differences, count);
        if (count[0] > differences.size()) {
            differences.add("... " + count[0] + " differences in all");
        }
        return differences;
    }

    private static <V> void compare(
            Map<String, V> expected, Map<String, V> actual, List<String> out, int[] count) {
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            V want = expected.get(key);
            V got = actual.get(key);
            if (want == null ? got != null : !want.equals(got)) {
                if (count[0]++ < 20) {
                    out.add(key + ": reference " + want + ", Redis " + got);
                }
            }
        }
    }

    /** Every record of the feature topic, read to its end with the given isolation level. */
    private static List<FeatureUpdate> featureUpdates(
            LocalPipeline pipeline, String topic, String isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, pipeline.endpoints().registryUrl());
        config.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.endpoints().bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config, false);
        List<FeatureUpdate> updates = new ArrayList<>();
        try (KafkaConsumer<String, GenericRecord> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed, the end offsets are the last stable ones.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, GenericRecord> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    updates.add(AvroSchemas.fromAvro(record.value()));
                }
            }
        }
        return updates;
    }

    /**
     * Updates that occur more than once: the same window (or tile) of the same entity, group and
     * features, at the same version.
     */
    static List<String> duplicates(List<FeatureUpdate> updates) {
        Set<String> seen = new HashSet<>();
        List<String> repeated = new ArrayList<>();
        for (FeatureUpdate update : updates) {
            String window =
                    update.tile() != null
                            ? "tile " + update.tile().start()
                            : "window ending "
                                    + update.eventTime()
                                    + " of "
                                    + new TreeSet<>(update.values().keySet());
            String key =
                    update.entityId()
                            + " "
                            + update.group()
                            + " "
                            + window
                            + " version "
                            + update.version();
            if (!seen.add(key) && repeated.size() < 20) {
                repeated.add(key);
            }
        }
        return repeated;
    }

    /** Waits until a checkpoint's metadata newer than {@code millis} is written. */
    static void awaitCheckpointAfter(Path checkpointDir, long millis) throws IOException {
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(checkpointDir)) {
                try (var files = Files.walk(checkpointDir, 3)) {
                    if (files.anyMatch(
                            file ->
                                    file.getFileName().toString().equals("_metadata")
                                            && modified(file) > millis)) {
                        return;
                    }
                }
            }
            sleep(200_000_000L);
        }
        throw new IllegalStateException("no checkpoint in " + checkpointDir);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0; // being replaced
        }
    }

    static void log(long started, String what) {
        System.out.printf("%6.1f s  %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    private static List<String> restoredFrom(Path jobLog) throws IOException {
        List<String> paths = new ArrayList<>();
        for (String line : Files.readAllLines(jobLog)) {
            Matcher m = RESTORED.matcher(line);
            if (m.find()) {
                paths.add(m.group(1));
            }
        }
        return paths;
    }

    private static String json(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            sleep(wait);
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(RecoveryScenario.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
