package dev.tessera.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.job.training.SpineRow;
import dev.tessera.job.training.TrainingRow;
import dev.tessera.job.training.TrainingSetJob;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.reference.Event;
import dev.tessera.spec.reference.Reference;
import dev.tessera.spec.serve.FeatureStatus;
import dev.tessera.spec.serve.Served;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * A training set is what the reference's {@code asOf} says a read would have served: the job's
 * graph replayed over the join property test's random interleavings (disorder within bounds, two
 * joins, tumbling, rolling, lifetime and since features), read as of spine rows every 0.7 s from
 * before the first event to well after the last, at parallelism 2 (one source subtask per stream).
 */
class TrainingSetJobPropertiesTest {

    private static final FeatureSpec SPEC =
            SpecParser.parse("joins.yaml", FeatureJobJoinPropertiesTest.SPEC);
    private static final List<String> USER_FEATURES =
            SPEC.featuresOf(SPEC.entity("user").orElseThrow()).stream().map(Feature::name).toList();
    private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    private static final CollectedRun RUN = new CollectedRun(2);

    @BeforeContainer
    static void startCluster() throws Exception {
        RUN.start();
    }

    @AfterContainer
    static void stopCluster() {
        RUN.stop();
    }

    @Example
    void aRowBeforeAnyEventOfItsIdIsMissing() throws Exception {
        List<Event> events =
                List.of(
                        event("views", "a", 1_000, Map.of("user_id", "a", "item_id", "x")),
                        event("buys", "a", 2_000, Map.of("user_id", "a", "item_id", "x")),
                        event("items", "x", 0, Map.of("item_id", "x", "kind", "k1")));
        List<SpineRow> spine =
                List.of(
                        new SpineRow(0, "a", T0 + 500),
                        new SpineRow(1, "b", T0 + 60_000),
                        new SpineRow(2, "a", T0 + 60_000));
        Map<Long, List<Served>> rows = trainingSet(events, spine);

        assertThat(rows.get(0L)).allMatch(served -> served.equals(Served.MISSING));
        assertThat(rows.get(1L)).allMatch(served -> served.equals(Served.MISSING));
        assertThat(rows.get(2L)).anyMatch(served -> served.status() == FeatureStatus.PRESENT);
        theTrainingSetIsTheReferenceAsOf(events, rows, spine);
    }

    @Property(tries = 25)
    void trainingSetsAreTheReferenceAsOf(@ForAll("arrivals") List<Event> arrivals)
            throws Exception {
        List<SpineRow> spine = spine(arrivals);
        theTrainingSetIsTheReferenceAsOf(arrivals, trainingSet(arrivals, spine), spine);
    }

    @Provide
    Arbitrary<List<Event>> arrivals() {
        return new FeatureJobJoinPropertiesTest().arrivals();
    }

    private static void theTrainingSetIsTheReferenceAsOf(
            List<Event> arrivals, Map<Long, List<Served>> rows, List<SpineRow> spine) {
        Reference.AsOf expected = new Reference(SPEC).asOf(arrivals);
        assertThat(rows).hasSize(spine.size());
        for (SpineRow row : spine) {
            assertThat(rows.get(row.row()))
                    .as("row %s: %s at T0%+d ms", row.row(), row.entityId(), row.time() - T0)
                    .isEqualTo(expected.read(row.entityId(), USER_FEATURES, row.time()));
        }
    }

    /** Both users every 0.7 s from before the first event to 15 s after the last one. */
    private static List<SpineRow> spine(List<Event> events) {
        long last = events.stream().mapToLong(Event::eventTime).max().orElseThrow();
        List<SpineRow> spine = new ArrayList<>();
        for (long time = T0 - 1_400; time <= last + 15_000; time += 700) {
            for (String user : List.of("a", "b")) {
                spine.add(new SpineRow(spine.size(), user, time));
            }
        }
        return spine;
    }

    private static Map<Long, List<Served>> trainingSet(List<Event> arrivals, List<SpineRow> spine)
            throws Exception {
        Map<String, List<StreamEvent>> byStream =
                CollectedRun.byStream(arrivals, List.of("views", "buys", "items"));
        String id = UUID.randomUUID().toString();
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            TrainingSetJob job =
                    new TrainingSetJob(
                            SPEC,
                            "joins.yaml",
                            FeatureJobJoinPropertiesTest.SPEC,
                            USER_FEATURES.stream()
                                    .map(name -> SPEC.feature(name).orElseThrow())
                                    .toList(),
                            CollectedRun.sources(id, byStream),
                            spine);
            Map<Long, List<Served>> rows = new HashMap<>();
            try (CloseableIterator<TrainingRow> collected =
                    // One source subtask per stream, as a Kafka partition is read by one: versions
                    // of equal time then keep their order, as the reference takes them.
                    job.build(env, TrainingSetJob.replaySettings().withSourceParallelism(1))
                            .executeAndCollect(TrainingSetJob.JOB_NAME)) {
                collected.forEachRemaining(row -> rows.put(row.row(), row.features()));
            }
            return rows;
        } finally {
            CollectedRun.forget(id, byStream);
        }
    }

    private static Event event(
            String stream, String entityId, long offset, Map<String, Object> fields) {
        Map<String, Object> all = new HashMap<>(fields);
        all.put("ts", T0 + offset);
        if (stream.equals("buys")) {
            all.put("amount", 2.0);
        }
        if (stream.equals("items")) {
            all.put("price", 1.0);
        }
        return new Event(stream, entityId, T0 + offset, Map.copyOf(all));
    }
}
