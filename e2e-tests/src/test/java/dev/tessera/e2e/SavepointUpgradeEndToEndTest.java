package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.dev.FlinkSavepoints;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Window;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.spec.reference.StoreModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade through a savepoint: the job runs the recovery spec, is stopped with a savepoint
 * (Flink's REST API, as {@code ./run.sh --stop-with-savepoint}), and a job whose spec adds a
 * feature to an existing window and a new feature group starts from it. The events go on where they
 * left off, so windows, sessions and tiles span the upgrade: every old feature ends up exactly as
 * the reference computes it over all events, and the new features, which start empty at the
 * savepoint, equal the reference for every window that began after the savepoint's events.
 *
 * <p>With the default hashmap state, which is read back with the savepoint's serializers: window
 * partials restored with the old features take the new ones by name when first used ({@code
 * FeatureSet.conform}). (RocksDB state is read with the upgraded job's serializers, which do the
 * same; {@code RecoveryLongTest} runs both backends.)
 */
class SavepointUpgradeEndToEndTest {

    private static final String NEW_FEATURE = "txn_amount_min_1m";
    private static final String NEW_GROUP = "user_tumbling_2m";
    private static final Set<String> NEW_FEATURES = Set.of(NEW_FEATURE, "txns_2m");

    @TempDir Path dataDir;

    @Test
    void theUpgradedJobContinuesTheOldFeaturesExactlyAndStartsTheNewOnes() throws Exception {
        long started = System.nanoTime();
        long seed = new Random().nextLong();
        System.out.println("SavepointUpgradeEndToEndTest: seed " + seed);
        Path upgradedSpec = upgradedSpec();
        FeatureSpec spec = SpecParser.parse(upgradedSpec);
        List<Event> events = RecoveryScenario.events(new Random(seed), 8_000);
        List<Event> before = events.subList(0, events.size() / 2);
        List<Event> after = events.subList(events.size() / 2, events.size());
        List<String> jobArgs = List.of("--parallelism", "2", "--checkpoint-interval", "1s");
        List<String> oldJob = new ArrayList<>(jobArgs);
        // The services run the upgraded spec from the start: its streams are the old ones.
        oldJob.addAll(List.of("--spec", RecoveryScenario.SPEC.toString()));

        try (LocalPipeline pipeline =
                LocalPipeline.start(
                        PipelineEndToEndTest.ROOT,
                        upgradedSpec,
                        dataDir,
                        LocalPipeline.Ports.free(),
                        oldJob)) {
            RecoveryScenario.log(started, "pipeline up, the job on the old spec");
            int warmUp = RecoveryScenario.postWarmUp(pipeline, before);
            RecoveryScenario.post(
                    pipeline, before.subList(warmUp, before.size()), Duration.ofSeconds(5));
            RecoveryScenario.awaitCheckpointAfter(
                    pipeline.checkpointDir(), System.currentTimeMillis());
            String savepoint =
                    FlinkSavepoints.stopWithSavepoint(pipeline.flinkUrl(), pipeline.savepointDir());
            RecoveryScenario.log(started, "stopped with savepoint " + savepoint);

            List<String> newJob = new ArrayList<>(jobArgs);
            newJob.addAll(List.of("--savepoint", savepoint));
            pipeline.restartJob(newJob);
            RecoveryScenario.log(started, "the job on the upgraded spec runs");
            Event closer = RecoveryScenario.closer(events);
            RecoveryScenario.post(pipeline, after, Duration.ofSeconds(5));
            RecoveryScenario.post(pipeline, List.of(closer), Duration.ZERO);

            List<Event> all = new ArrayList<>(events);
            all.add(closer);
            StoreModel reference = new Reference(spec).run(all).store(spec);
            long newestBefore = before.stream().mapToLong(Event::eventTime).max().orElseThrow();
            RedisSnapshot expected =
                    RedisSnapshot.of(reference, RecoveryScenario.TEST_ENTITIES)
                            .only(key -> comparable(spec, reference, key, newestBefore));
            assertThat(expected.values().keySet())
                    .as("windows of new features after the upgrade")
                    .anyMatch(key -> key.endsWith("|" + NEW_FEATURE))
                    .anyMatch(key -> key.contains("|" + NEW_GROUP + "|"));
            List<String> differences =
                    RecoveryScenario.awaitStore(
                            pipeline,
                            spec,
                            expected,
                            key -> comparable(spec, reference, key, newestBefore),
                            RecoveryScenario.RESULT_TIMEOUT);
            assertThat(differences).as("Redis against the reference").isEmpty();
            RecoveryScenario.log(started, "Redis equals the reference");
        }
    }

    /**
     * Whether a value or tile key ({@code entity|group|feature or tile start}) is compared: every
     * old feature and tile, and a new feature's value when its window began after the newest event
     * before the savepoint, so that all its events were read by the upgraded job.
     */
    private static boolean comparable(
            FeatureSpec spec, StoreModel reference, String key, long newestBefore) {
        String[] parts = key.split("\\|");
        if (!NEW_FEATURES.contains(parts[2])) {
            return true;
        }
        Feature feature = spec.feature(parts[2]).orElseThrow();
        StoreModel.Value value = reference.value(parts[0], feature.name());
        Window.Tumbling window = (Window.Tumbling) feature.window();
        return value != null && value.eventTime() - window.size().toMillis() > newestBefore;
    }

    /** The recovery spec plus a feature in an existing window and a new feature group. */
    private Path upgradedSpec() throws Exception {
        String spec = Files.readString(RecoveryScenario.SPEC);
        String newFeature =
                """
                      %s:
                        aggregation: min
                        field: amount
                        window: tumbling(1m)

                  user_sliding:
                """
                        .formatted(NEW_FEATURE);
        String newGroup =
                """

                  %s:
                    entity: user
                    stream: transactions
                    ttl: 1d
                    features:
                      txns_2m:
                        aggregation: count
                        window: tumbling(2m)
                """
                        .formatted(NEW_GROUP);
        String upgraded = spec.replace("\n  user_sliding:\n", "\n" + newFeature) + newGroup;
        assertThat(upgraded).contains(NEW_FEATURE);
        Path file = dataDir.resolve("upgraded-features.yaml");
        Files.writeString(file, upgraded);
        return file;
    }
}
