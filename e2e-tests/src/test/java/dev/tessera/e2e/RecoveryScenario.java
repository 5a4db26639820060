package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.FlinkCluster;
import dev.tessera.dev.FlinkSavepoints;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.dev.LocalPipeline.FlinkDeployment;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A crash-recovery run of the whole pipeline: events with disorder (and repeated event ids) are
 * POSTed to the gateway at a steady pace while, at random moments, the Flink job loses its process
 * and is started again from its latest checkpoint, the job is stopped with a savepoint and started
 * from it at another parallelism, and the feature writer is killed amid its batches and started
 * again; at the end, what Redis holds must equal what the reference computes from the same events,
 * and under exactly-once the feature topic read with read_committed must hold no update twice.
 *
 * <p>Where the job runs decides what a kill is. On a MiniCluster its JVM is killed with SIGKILL and
 * started again with {@code --resume-latest}. On a session cluster a TaskManager is killed with
 * SIGKILL while the job runs in its slots, and a new one is started: Flink restarts the job from
 * its latest checkpoint by itself.
 *
 * <p>Every event is at most 3 s behind the newest one before it (the spec allows 5 s), so none is
 * late whatever the watermarks of a restarted job: the outcome does not depend on timing, and the
 * reference's single-source time model applies.
 *
 * @param events how many events to POST (plus a few repeats and the merchants' versions)
 * @param kills how many times the job loses its process (MiniCluster) or a TaskManager (cluster)
 * @param writerKills how many times to kill the feature writer (amid its batches) and restart it
 * @param rescales the parallelisms the job is rescaled to, in order, each through a savepoint
 * @param producing how long the POSTs are spread over; the kills and rescales fall inside it
 * @param delivery the job's {@code --delivery}
 * @param stateBackend the job's {@code --state-backend}
 * @param flink where the job runs
 * @param parallelism the job's parallelism at the start
 */
record RecoveryScenario(
        int events,
        int kills,
        int writerKills,
        List<Integer> rescales,
        Duration producing,
        String delivery,
        String stateBackend,
        FlinkDeployment flink,
        int parallelism) {

    static final Path SPEC = resource("/recovery-features.yaml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int USERS = 50;
    private static final int MERCHANTS = 20;

    /** Merchants with versions of their category; the others' transactions get the default. */
    private static final int VERSIONED_MERCHANTS = MERCHANTS * 3 / 4;

    /** The job's consumer group (its default {@code --group-id}). */
    private static final String JOB_GROUP_ID = "tessera-feature-job";

    private static final int BATCH = 1_000;

    /** The event times of a run span about this long, less than the spec's rolling hour. */
    private static final Duration EVENT_TIME_SPAN = Duration.ofMinutes(16);

    private static final int MAX_DISORDER_MILLIS = 3_000;

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final String CLOSER = "closer";
    private static final String WRITER = "feature-writer";

    /** The users of the transactions, without the {@link #closer}. */
    static final Predicate<String> TEST_ENTITIES = id -> !id.startsWith(CLOSER);

    private static final Pattern RESTORED = Pattern.compile("Restoring the job's state from (.*)");

    /** How long Redis may take to equal the reference once every event is posted. */
    static final Duration RESULT_TIMEOUT = Duration.ofMinutes(5);

    /** A run on a MiniCluster at parallelism 2, without rescaling. */
    RecoveryScenario(
            int events,
            int kills,
            int writerKills,
            Duration producing,
            String delivery,
            String stateBackend) {
        this(
                events,
                kills,
                writerKills,
                List.of(),
                producing,
                delivery,
                stateBackend,
                FlinkDeployment.MINI_CLUSTER,
                2);
    }

    RecoveryScenario {
        rescales = List.copyOf(rescales);
    }

    /**
     * What a run did, for the test's report.
     *
     * @param restoredFrom the checkpoint or savepoint of each restart, kills and rescales in order
     */
    record Outcome(long seed, List<String> restoredFrom, int featureUpdates, Duration took) {}

    Outcome run(Path dataDir) throws Exception {
        long started = System.nanoTime();
        long seed = new Random().nextLong();
        System.out.printf("%s: seed %d%n", this, seed);
        Random random = new Random(seed);
        FeatureSpec spec = SpecParser.parse(SPEC);
        List<Event> arrivals = events(random, events);
        List<String> jobArgs =
                new ArrayList<>(
                        List.of(
                                "--parallelism",
                                Integer.toString(parallelism),
                                "--checkpoint-interval",
                                "1s",
                                "--delivery",
                                delivery,
                                "--state-backend",
                                stateBackend));

        try (LocalPipeline pipeline =
                LocalPipeline.start(
                        PipelineEndToEndTest.ROOT,
                        SPEC,
                        dataDir,
                        LocalPipeline.Ports.free(),
                        flink,
                        jobArgs)) {
            log(started, "pipeline up, the job on " + flink + " at parallelism " + parallelism);
            if (flink == FlinkDeployment.SESSION_CLUSTER) {
                // The job's main() configures its checkpoints and state, also submitted to a
                // session cluster.
                JsonNode config =
                        ClusterJob.checkpointConfig(
                                pipeline.flinkCluster(),
                                ClusterJob.running(pipeline.flinkCluster()));
                assertThat(config.get("state_backend").asText())
                        .isEqualTo(
                                stateBackend.equals("rocksdb")
                                        ? "EmbeddedRocksDBStateBackend"
                                        : "HashMapStateBackend");
                assertThat(config.get("interval").asLong()).isEqualTo(1_000);
            }
            int warmUp = postWarmUp(pipeline, arrivals);
            long producingStart = System.nanoTime();
            CompletableFuture<Void> posting =
                    CompletableFuture.runAsync(
                            () ->
                                    post(
                                            pipeline,
                                            arrivals.subList(warmUp, arrivals.size()),
                                            producing));
            long jobStartedAt = System.currentTimeMillis();
            List<String> restoredFrom = new ArrayList<>();
            for (Disruption disruption : disruptions(random)) {
                sleepUntil(producingStart + disruption.at());
                if (disruption.writer()) {
                    log(started, "kill -9 the writer");
                    pipeline.service(WRITER).kill9();
                    pipeline.restartService(WRITER);
                    log(started, "the writer runs again");
                    continue;
                }
                // A restarted job must have checkpointed too, so the next restore is of its state.
                awaitCheckpointAfter(pipeline.checkpointDir(), jobStartedAt);
                if (disruption.rescaleTo().isPresent()) {
                    int to = disruption.rescaleTo().getAsInt();
                    String savepoint =
                            FlinkSavepoints.stopWithSavepoint(
                                    pipeline.flinkUrl(), pipeline.savepointDir());
                    log(started, "stopped with savepoint " + savepoint);
                    jobArgs.addAll(List.of("--parallelism", Integer.toString(to)));
                    List<String> fromSavepoint = new ArrayList<>(jobArgs);
                    fromSavepoint.addAll(List.of("--savepoint", savepoint));
                    pipeline.restartJob(fromSavepoint);
                    if (flink == FlinkDeployment.SESSION_CLUSTER) {
                        String jobId = ClusterJob.running(pipeline.flinkCluster());
                        assertThat(ClusterJob.parallelism(pipeline.flinkCluster(), jobId))
                                .isEqualTo(to);
                        restoredFrom.add(ClusterJob.restoredFrom(pipeline.flinkCluster(), jobId));
                    }
                    log(started, "the job runs again at parallelism " + to);
                } else {
                    sleep(random.nextInt(2_000) * 1_000_000L);
                    restoredFrom.addAll(killTheJob(pipeline, started, jobArgs));
                }
                jobStartedAt = System.currentTimeMillis();
            }
            posting.get();
            log(started, "all events posted");
            if (flink == FlinkDeployment.MINI_CLUSTER) {
                restoredFrom = restoredFrom(pipeline.job().log());
            }
            assertThat(restoredFrom)
                    .as("every restart resumed from a newer checkpoint or savepoint")
                    .hasSize(kills + rescales.size())
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
            assertThat(differences)
                    .as(() -> "Redis against the reference; the job: " + jobState(pipeline))
                    .isEmpty();
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
     * The state of the newest job on a session cluster and its last failure, for failure messages.
     */
    private String jobState(LocalPipeline pipeline) {
        if (flink != FlinkDeployment.SESSION_CLUSTER) {
            return "see its log";
        }
        FlinkCluster cluster = pipeline.flinkCluster();
        JsonNode last = null;
        for (JsonNode job : cluster.get("/jobs/overview").get("jobs")) {
            if (last == null || job.get("start-time").asLong() > last.get("start-time").asLong()) {
                last = job;
            }
        }
        if (last == null) {
            return "none submitted";
        }
        return last.get("state").asText()
                + ", last failure "
                + cluster.get("/jobs/" + last.get("jid").asText() + "/exceptions")
                        .at("/root-exception")
                        .asText("none");
    }

    /**
     * The job loses a process: on a MiniCluster its JVM, started again from the newest checkpoint
     * (the job's log tells which, read at the end); on a session cluster a TaskManager running its
     * tasks, replaced by a new one, and Flink restarts the job from its newest checkpoint by
     * itself.
     *
     * @return the checkpoint the cluster restored, or nothing on a MiniCluster
     */
    private List<String> killTheJob(LocalPipeline pipeline, long started, List<String> jobArgs) {
        if (flink == FlinkDeployment.MINI_CLUSTER) {
            log(started, "kill -9 the job");
            pipeline.job().kill9();
            List<String> resume = new ArrayList<>(jobArgs);
            resume.add("--resume-latest");
            pipeline.restartJob(resume);
            log(started, "the job runs again");
            return List.of();
        }
        FlinkCluster cluster = pipeline.flinkCluster();
        String jobId = ClusterJob.running(cluster);
        long restoredBefore = ClusterJob.restoredCheckpointId(cluster, jobId);
        FlinkCluster.TaskManager lost = ClusterJob.runningTasks(cluster).get(0);
        log(started, "kill -9 " + lost.id());
        cluster.kill9(lost);
        FlinkCluster.TaskManager replacement = cluster.startTaskManager();
        log(started, replacement.id() + " started");
        String checkpoint = ClusterJob.awaitRestoredAfter(cluster, jobId, restoredBefore);
        assertThat(checkpoint)
                .as("the job restarted from a checkpoint")
                .contains(pipeline.checkpointDir().toString() + "/", "/chk-");
        log(started, "the job runs again, restored from " + checkpoint);
        return List.of(checkpoint);
    }

    /**
     * Events in arrival order: a warm-up of one transaction of every user and one version of every
     * merchant's category, all at one instant (see {@link #postWarmUp}); then transactions whose
     * times advance steadily over {@link #EVENT_TIME_SPAN}, each up to 3 s behind its position,
     * with a version of a merchant every so often. Users are skewed (a few busy, many rare, so
     * sessions close); one transaction in 50 repeats an earlier one, as a retrying producer would.
     *
     * <p>Three merchants in four get versions, each valid from its time on, so what the as-of join
     * gives a merchant's transactions changes within a run (the others' get the join's default).
     * Versions come, merchant after merchant, often enough that no partition of their topic goes
     * idle while events are POSTed.
     */
    static List<Event> events(Random random, int events) {
        long minute = Duration.ofMinutes(1).toMillis();
        // Recent enough for the feature topic's 7-day retention, closed long ago.
        long base = (System.currentTimeMillis() / minute - 120) * minute;
        double step = (double) EVENT_TIME_SPAN.toMillis() / events;
        int versionEvery = Math.max(100, events / 200);
        List<Event> arrivals = new ArrayList<>(events + events / 40);
        for (int user = 0; user < USERS; user++) {
            arrivals.add(transaction(random, "w-" + user, "user-" + user, base));
        }
        for (int merchant = 0; merchant < VERSIONED_MERCHANTS; merchant++) {
            arrivals.add(merchantVersion(random, merchant, base));
        }
        List<Event> transactions = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            long clock = base + (long) (i * step);
            if (i > 10 && random.nextInt(50) == 0) {
                arrivals.add(transactions.get(transactions.size() - 1 - random.nextInt(10)));
            }
            if (i > 0 && i % versionEvery == 0) {
                arrivals.add(
                        merchantVersion(
                                random,
                                i / versionEvery % VERSIONED_MERCHANTS,
                                clock - random.nextInt(MAX_DISORDER_MILLIS)));
            }
            String user = "user-" + (int) (USERS * Math.pow(random.nextDouble(), 3));
            Event transaction =
                    transaction(
                            random, "e-" + i, user, clock - random.nextInt(MAX_DISORDER_MILLIS));
            arrivals.add(transaction);
            transactions.add(transaction);
        }
        return arrivals;
    }

    private static Event transaction(Random random, String id, String user, long time) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event_id", id);
        fields.put("user_id", user);
        fields.put("amount", (1 + random.nextInt(400)) / 4.0); // exact in binary
        fields.put("merchant", "m-" + random.nextInt(MERCHANTS));
        fields.put("ts", time);
        return new Event("transactions", user, time, fields);
    }

    /** A version of a merchant's category. */
    private static Event merchantVersion(Random random, int merchant, long time) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("merchant", "m-" + merchant);
        fields.put("category", "c-" + random.nextInt(4));
        fields.put("ts", time);
        return new Event("merchants", "m-" + merchant, time, fields);
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

    /**
     * A kill -9 of the job or of the writer, or a rescale of the job, {@code at} nanoseconds after
     * the POSTs start.
     */
    private record Disruption(long at, boolean writer, OptionalInt rescaleTo) {}

    /**
     * The kills and rescales, at random moments inside the first 85% of the POSTs, in order; the
     * rescales to their parallelisms in the order given.
     */
    private List<Disruption> disruptions(Random random) {
        long window = producing.toNanos();
        List<Long> rescaleMoments = new ArrayList<>();
        List<Disruption> moments = new ArrayList<>();
        for (int i = 0; i < kills + writerKills + rescales.size(); i++) {
            long at = (long) (window * (0.1 + 0.75 * random.nextDouble()));
            if (i < kills + writerKills) {
                moments.add(new Disruption(at, i >= kills, OptionalInt.empty()));
            } else {
                rescaleMoments.add(at);
            }
        }
        rescaleMoments.sort(Comparator.naturalOrder());
        for (int i = 0; i < rescales.size(); i++) {
            moments.add(
                    new Disruption(rescaleMoments.get(i), false, OptionalInt.of(rescales.get(i))));
        }
        moments.sort(Comparator.comparingLong(Disruption::at));
        return moments;
    }

    /**
     * POSTs the warm-up, the leading events of {@link #events} that share one instant, and returns
     * how many they are once the job has read them all: its consumer group committed their offsets,
     * on every partition of the spec's topics, at a checkpoint. The events that follow must be
     * POSTed at once (within the streams' 10 s {@code idleness}).
     *
     * <p>The job's sources have been idle until then (no events for their {@code idleness}). When
     * an idle partition resumes, Flink leaves it out of the watermark until it catches up with the
     * others; events read meanwhile on a faster one move the watermark on, and the lagging
     * partition's events fall behind it, late for the as-of join (which, unlike the windows, takes
     * no lateness). Events of one instant on every partition, read in whatever order, resume every
     * partition at the same watermark; the events after them stay within the out_of_orderness.
     */
    static int postWarmUp(LocalPipeline pipeline, List<Event> arrivals) throws Exception {
        int warmUp = 0;
        while (arrivals.get(warmUp).eventTime() == arrivals.get(0).eventTime()) {
            warmUp++;
        }
        post(pipeline, arrivals.subList(0, warmUp), Duration.ZERO);
        String bootstrapServers = pipeline.endpoints().bootstrapServers();
        Map<TopicPartition, Long> ends =
                TopicOffsets.endOffsets(
                        bootstrapServers,
                        SpecParser.parse(SPEC).streams().stream().map(Stream::topic).toList());
        assertThat(ends).as("the warm-up reaches every partition").doesNotContainValue(0L);
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(JOB_GROUP_ID)
                                .partitionsToOffsetAndMetadata()
                                .get();
                if (ends.keySet().stream()
                        .allMatch(
                                p ->
                                        committed.get(p) != null
                                                && committed.get(p).offset() >= ends.get(p))) {
                    return warmUp;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the job did not read the warm-up: " + committed);
                }
                sleep(100_000_000L);
            }
        }
    }

    /**
     * POSTs the events in batches, spread evenly over {@code producing}; each run of events of one
     * stream in a batch is one POST, so every stream gets its events in arrival order.
     */
    static void post(LocalPipeline pipeline, List<Event> arrivals, Duration producing) {
        int batches = (arrivals.size() + BATCH - 1) / BATCH;
        long pause = producing.toNanos() / Math.max(1, batches);
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            List<Event> batch =
                    arrivals.subList(b * BATCH, Math.min(arrivals.size(), (b + 1) * BATCH));
            int runStart = 0;
            for (int i = 1; i <= batch.size(); i++) {
                if (i == batch.size()
                        || !batch.get(i).stream().equals(batch.get(runStart).stream())) {
                    postRun(pipeline, batch.subList(runStart, i));
                    runStart = i;
                }
            }
            sleepUntil(start + (b + 1) * pause);
        }
    }

    private static void postRun(LocalPipeline pipeline, List<Event> run) {
        StringBuilder ndjson = new StringBuilder();
        for (Event event : run) {
            ndjson.append(json(event.fields())).append('\n');
        }
        HttpResponse<String> response =
                new PipelineClient(pipeline).post(run.get(0).stream(), ndjson.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
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
                } catch (UncheckedIOException e) {
                    // Flink deleted a superseded checkpoint amid the walk: look again.
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
