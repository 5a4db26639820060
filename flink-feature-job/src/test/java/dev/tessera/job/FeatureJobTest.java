package dev.tessera.job;

import static dev.tessera.job.TestEvents.MINUTE;
import static dev.tessera.job.TestEvents.T0;
import static dev.tessera.job.TestEvents.at;
import static dev.tessera.job.TestEvents.sliding;
import static dev.tessera.job.TestEvents.spec;
import static dev.tessera.job.TestEvents.transaction;
import static dev.tessera.job.TestEvents.tumbling;
import static dev.tessera.job.TestEvents.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a MiniCluster (parallelism 2) with finite sources and collecting sinks: one
 * source subtask per stream emitting a watermark after every event, so the outcome does not depend
 * on timing.
 */
class FeatureJobTest {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @RegisterExtension final SharedObjectsExtension sharedObjects = SharedObjectsExtension.create();

    /** What one run emitted. */
    record Output(List<FeatureUpdate> updates, List<LateEvent> late) {

        List<FeatureUpdate> ofGroup(String group) {
            return updates.stream().filter(update -> update.group().equals(group)).toList();
        }
    }

    /**
     * Every window kind with a 5 s bound and 1 min of allowed lateness. Arrival order and the
     * watermark after each event (newest - 5 s - 1 ms):
     *
     * <pre>
     * e1 alice 0:10  10.0 m1   W 0:04.999
     * e2 bob   0:20 200.0 m2   W 0:14.999
     * e3 alice 4:00 150.0 m3   W 3:54.999
     * e4 alice 16:00  1.0 m4   W 15:54.999: closes everything before, gone up to 14:54.999
     * e5 alice 4:30   2.0 m5   late for tumbling (gone at 5:59.999), session, tile (9:59.999);
     *                          corrects sliding window 15m (gone at 15:59.999)
     * e6 bob   15:58  3.0 m6
     * </pre>
     */
    @Test
    void computesEveryWindowKindWithLatenessAndSendsLateEventsToTheLateSink() throws Exception {
        FeatureSpec spec = spec(Duration.ofMinutes(1));
        StreamEvent e5 = transaction("alice", at(4, 30), 2.0, "m5");
        List<StreamEvent> transactions =
                List.of(
                        transaction("alice", at(0, 10), 10.0, "m1"),
                        transaction("bob", at(0, 20), 200.0, "m2"),
                        transaction("alice", at(4, 0), 150.0, "m3"),
                        transaction("alice", at(16, 0), 1.0, "m4"),
                        e5,
                        transaction("bob", at(15, 58), 3.0, "m6"));

        Output output = run(spec, Map.of("transactions", transactions));

        long m5 = 5 * MINUTE;
        assertThat(output.ofGroup("tumbling"))
                .containsExactlyInAnyOrder(
                        tumbling("alice", T0 + m5, 2, 2, 160.0, 1),
                        tumbling("alice", T0 + 4 * m5, 1, 1, 1.0, 0),
                        tumbling("bob", T0 + m5, 1, 1, 200.0, 1),
                        tumbling("bob", T0 + 4 * m5, 1, 1, 3.0, 0));
        assertThat(output.ofGroup("sliding"))
                .containsExactlyInAnyOrder(
                        sliding("alice", T0 + m5, 2, 160.0),
                        sliding("alice", T0 + 2 * m5, 2, 160.0),
                        sliding("alice", T0 + 3 * m5, 2, 160.0),
                        sliding("alice", T0 + 3 * m5, 3, 162.0), // corrected by e5
                        sliding("alice", T0 + 4 * m5, 1, 1.0),
                        sliding("alice", T0 + 5 * m5, 1, 1.0),
                        sliding("alice", T0 + 6 * m5, 1, 1.0),
                        sliding("bob", T0 + m5, 1, 200.0),
                        sliding("bob", T0 + 2 * m5, 1, 200.0),
                        sliding("bob", T0 + 3 * m5, 1, 200.0),
                        sliding("bob", T0 + 4 * m5, 1, 3.0),
                        sliding("bob", T0 + 5 * m5, 1, 3.0),
                        sliding("bob", T0 + 6 * m5, 1, 3.0));
        assertThat(output.ofGroup("sessions"))
                .containsExactlyInAnyOrder(
                        session("alice", at(14, 0), 2, "m1"), // e1 + e3: [0:10, 14:00)
                        session("alice", at(26, 0), 1, "m4"),
                        session("bob", at(10, 20), 1, "m2"),
                        session("bob", at(25, 58), 1, "m6"));
        assertThat(Tiles.of(spec.group("rolling").orElseThrow(), output.ofGroup("rolling")))
                .containsExactlyInAnyOrder(
                        tile("alice", 0, at(0, 10), 1, 10.0, 0),
                        tile("bob", 0, at(0, 20), 1, 200.0, 1),
                        tile("alice", 4 * MINUTE, at(4, 0), 1, 150.0, 1),
                        tile("alice", 16 * MINUTE, at(16, 0), 1, 1.0, 0),
                        tile("bob", 15 * MINUTE, at(15, 58), 1, 3.0, 0));
        assertThat(output.late())
                .allSatisfy(late -> assertThat(late.event()).isEqualTo(e5))
                .allSatisfy(late -> assertThat(late.stream()).isEqualTo("transactions"))
                .extracting(LateEvent::group)
                .containsExactlyInAnyOrder("tumbling", "sessions", "rolling");
    }

    /**
     * A producer's clock ten years ahead: its event goes to the late sink as a future event and
     * moves no event time on, so the events after it count as before.
     */
    @Test
    void anEventStampedBeyondMaxFutureGoesToTheLateSinkAndStopsNothing() throws Exception {
        FeatureSpec spec = spec(Duration.ZERO);
        long tenYearsAhead = System.currentTimeMillis() + Duration.ofDays(3650).toMillis();
        StreamEvent future =
                new StreamEvent(
                        "erin", tenYearsAhead, Map.of("user_id", "erin", "ts", tenYearsAhead));
        List<StreamEvent> transactions =
                List.of(
                        transaction("alice", at(0, 10), 10.0, "m1"),
                        future,
                        transaction("alice", at(4, 0), 150.0, "m3"));

        Output output = run(spec, Map.of("transactions", transactions));

        assertThat(output.ofGroup("tumbling"))
                .containsExactly(tumbling("alice", T0 + 5 * MINUTE, 2, 2, 160.0, 1));
        assertThat(output.updates()).noneMatch(update -> update.entityId().equals("erin"));
        assertThat(output.late())
                .singleElement()
                .satisfies(
                        late -> {
                            assertThat(late.event()).isEqualTo(future);
                            assertThat(late.cause()).isEqualTo(LateEvent.Cause.FUTURE);
                            assertThat(late.group()).isNull();
                            assertThat(late.reason()).contains("more than max_future 1m");
                        });
    }

    @Test
    void computesEveryGroupOfEveryStreamIntoTheOneSink() throws Exception {
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

        Output output = run(spec, Map.of("transactions", transactions, "sales", sales));

        assertThat(output.updates())
                .containsExactlyInAnyOrder(
                        FeatureUpdate.values(
                                "user", "u1", "user_spend", t + 60_000, 2, values("spend_1m", 5.0)),
                        FeatureUpdate.values(
                                "user",
                                "u1",
                                "user_spend",
                                t + 120_000,
                                1,
                                values("spend_1m", 4.0)),
                        FeatureUpdate.values(
                                "user", "u1", "user_spend", t + hour, 3, values("count_1h", 3L)),
                        FeatureUpdate.values(
                                "merchant",
                                "m1",
                                "merchant_sales",
                                t + 60_000,
                                2,
                                values("sales_1m", 2L)));
        assertThat(output.late()).isEmpty();
    }

    /**
     * Runs the job over finite sources, one subtask each, with a watermark after every event and a
     * tile update per event; the final watermark closes every window.
     */
    Output run(FeatureSpec spec, Map<String, List<StreamEvent>> eventsByStream) throws Exception {
        Map<String, Source<StreamEvent, ?, ?>> sources = new HashMap<>();
        eventsByStream.forEach((stream, events) -> sources.put(stream, finiteSource(events)));
        SharedReference<ConcurrentLinkedQueue<FeatureUpdate>> updates =
                sharedObjects.add(new ConcurrentLinkedQueue<>());
        SharedReference<ConcurrentLinkedQueue<LateEvent>> late =
                sharedObjects.add(new ConcurrentLinkedQueue<>());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);

        new FeatureJob(
                        spec,
                        sources,
                        new CollectingSink<>(updates),
                        new CollectingSink<>(late),
                        new DiscardingSink<>(),
                        TestEvents.deterministic())
                .execute(env);

        return new Output(List.copyOf(updates.get()), List.copyOf(late.get()));
    }

    /** The events, emitted in order by one source subtask. */
    private Source<StreamEvent, ?, ?> finiteSource(List<StreamEvent> events) {
        SharedReference<List<StreamEvent>> shared = sharedObjects.add(List.copyOf(events));
        return new DataGeneratorSource<>(
                index -> shared.get().get(Math.toIntExact(index)),
                events.size(),
                TypeInformation.of(StreamEvent.class));
    }

    private static FeatureUpdate session(
            String user, Duration end, long count, String firstMerchant) {
        return FeatureUpdate.values(
                "user",
                user,
                "sessions",
                T0 + end.toMillis(),
                count,
                values("session_count", count, "session_first_merchant", firstMerchant));
    }

    private static Tiles.View tile(
            String user, long start, Duration newest, long version, double sum, long large) {
        return new Tiles.View(
                user,
                "rolling",
                T0 + start,
                T0 + newest.toMillis(),
                version,
                values("large_3m_rolling", large, "sum_5m_rolling", sum));
    }
}
