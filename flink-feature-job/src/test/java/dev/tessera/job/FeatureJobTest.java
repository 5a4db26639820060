package dev.tessera.job;

import static dev.tessera.job.TestEvents.FIVE_MINUTES;
import static dev.tessera.job.TestEvents.SPEC;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.transaction;
import static dev.tessera.job.TestEvents.transactionsUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole job on a MiniCluster (parallelism 2) with finite sources and a collecting sink. */
class FeatureJobTest {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @RegisterExtension final SharedObjectsExtension sharedObjects = SharedObjectsExtension.create();

    @Test
    void computesTheExampleSpecsFeaturesPerUserAndWindow() throws Exception {
        // In event-time order but for one event 3 s behind the newest, within the 5 s bound:
        // it still counts in its window, which the newest event's watermark has not closed.
        List<StreamEvent> transactions =
                List.of(
                        transaction("alice", at(0, 10), 10.0),
                        transaction("bob", at(0, 20), 1.5),
                        transaction("alice", at(1, 0), 2.25),
                        transaction("carol", at(4, 59), 100.0),
                        transaction("alice", at(5, 1), 7.0),
                        transaction("alice", at(4, 58), 0.75),
                        transaction("bob", at(6, 0), 3.0),
                        transaction("bob", at(9, 59).plusMillis(999), 1.0),
                        transaction("carol", at(10, 0), 5.0));

        List<FeatureUpdate> updates = run(SPEC, Map.of("transactions", transactions));

        long end1 = T0 + FIVE_MINUTES;
        long end2 = T0 + 2 * FIVE_MINUTES;
        long end3 = T0 + 3 * FIVE_MINUTES;
        assertThat(updates)
                .containsExactlyInAnyOrder(
                        transactionsUpdate("alice", end1, 3, 13.0),
                        transactionsUpdate("bob", end1, 1, 1.5),
                        transactionsUpdate("carol", end1, 1, 100.0),
                        transactionsUpdate("alice", end2, 1, 7.0),
                        transactionsUpdate("bob", end2, 2, 4.0),
                        transactionsUpdate("carol", end3, 1, 5.0));
    }

    @Test
    void computesEveryGroupAndWindowOfASpecIntoTheOneSink() throws Exception {
        FeatureSpec spec =
                SpecParser.parse(
                        "two-streams.yaml",
                        """
                        entities:
                          user: {key: user_id}
                          merchant: {key: merchant_id}
                        streams:
                          transactions:
                            entity: user
                            fields: {user_id: string, amount: double, ts: timestamp}
                          sales:
                            entity: merchant
                            fields: {merchant_id: string, ts: timestamp}
                        feature_groups:
                          user_spend:
                            entity: user
                            stream: transactions
                            ttl: 1d
                            features:
                              spend_1m: {aggregation: sum, field: amount, window: tumbling(1m)}
                              count_1h: {aggregation: count, window: tumbling(1h)}
                          merchant_sales:
                            entity: merchant
                            stream: sales
                            ttl: 1d
                            features:
                              sales_1m: {aggregation: count, window: tumbling(1m)}
                        """);
        long hour = Duration.ofHours(1).toMillis();
        long t = T0 - T0 % hour;
        List<StreamEvent> transactions =
                List.of(
                        new StreamEvent("u1", t, Map.of("amount", 2.0)),
                        new StreamEvent("u1", t + 30_000, Map.of("amount", 3.0)),
                        new StreamEvent("u1", t + 90_000, Map.of("amount", 4.0)));
        List<StreamEvent> sales =
                List.of(
                        new StreamEvent("m1", t + 1_000, Map.of()),
                        new StreamEvent("m1", t + 2_000, Map.of()));

        List<FeatureUpdate> updates =
                run(spec, Map.of("transactions", transactions, "sales", sales));

        assertThat(updates)
                .containsExactlyInAnyOrder(
                        new FeatureUpdate(
                                "user", "u1", "user_spend", t + 60_000, Map.of("spend_1m", 5.0)),
                        new FeatureUpdate(
                                "user", "u1", "user_spend", t + 120_000, Map.of("spend_1m", 4.0)),
                        new FeatureUpdate(
                                "user", "u1", "user_spend", t + hour, Map.of("count_1h", 3L)),
                        new FeatureUpdate(
                                "merchant",
                                "m1",
                                "merchant_sales",
                                t + 60_000,
                                Map.of("sales_1m", 2L)));
    }

    /** Runs the job over finite sources, whose final watermark closes every window. */
    private List<FeatureUpdate> run(FeatureSpec spec, Map<String, List<StreamEvent>> eventsByStream)
            throws Exception {
        Map<String, Source<StreamEvent, ?, ?>> sources = new java.util.HashMap<>();
        eventsByStream.forEach((stream, events) -> sources.put(stream, finiteSource(events)));
        SharedReference<ConcurrentLinkedQueue<FeatureUpdate>> results =
                sharedObjects.add(new ConcurrentLinkedQueue<>());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);

        new FeatureJob(spec, sources, new CollectingSink<>(results)).execute(env);

        return List.copyOf(results.get());
    }

    /**
     * The events in order, split into one contiguous run per source subtask, each emitted in order.
     */
    private Source<StreamEvent, ?, ?> finiteSource(List<StreamEvent> events) {
        SharedReference<List<StreamEvent>> shared = sharedObjects.add(List.copyOf(events));
        return new DataGeneratorSource<>(
                index -> shared.get().get(Math.toIntExact(index)),
                events.size(),
                TypeInformation.of(StreamEvent.class));
    }
}
