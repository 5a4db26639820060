package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.reference.Event;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.util.MiniClusterWithClientResource;

/**
 * Runs the job on a MiniCluster on finite lists of events, one source per stream, with {@link
 * TestEvents#deterministic()} settings, and collects what its sinks received. Events and results
 * pass through this JVM's static maps, keyed by run, as the MiniCluster runs in it.
 */
final class CollectedRun {

    /** What the job's sinks received. */
    record Outputs(List<FeatureUpdate> updates, List<LateEvent> late) {}

    private static final Map<String, List<StreamEvent>> EVENTS = new ConcurrentHashMap<>();
    private static final Map<String, Queue<Object>> RESULTS = new ConcurrentHashMap<>();

    private final int parallelism;
    private MiniClusterWithClientResource cluster;

    CollectedRun(int parallelism) {
        this.parallelism = parallelism;
    }

    void start() throws Exception {
        cluster =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(parallelism)
                                .build());
        cluster.before();
    }

    void stop() {
        cluster.after();
    }

    /** Runs the job until its sources are exhausted: {@code eventsByStream} in list order. */
    Outputs run(FeatureSpec spec, Map<String, List<StreamEvent>> eventsByStream) throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, DataGeneratorSource<StreamEvent>> sources = sources(id, eventsByStream);
        RESULTS.put(id + "/updates", new ConcurrentLinkedQueue<>());
        RESULTS.put(id + "/late", new ConcurrentLinkedQueue<>());
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(parallelism);
            new FeatureJob(
                            spec,
                            sources,
                            new QueueSink<FeatureUpdate>(id + "/updates"),
                            new QueueSink<LateEvent>(id + "/late"),
                            new DiscardingSink<>(),
                            TestEvents.deterministic())
                    .execute(env);
            List<FeatureUpdate> updates = new ArrayList<>();
            RESULTS.get(id + "/updates").forEach(update -> updates.add((FeatureUpdate) update));
            List<LateEvent> late = new ArrayList<>();
            RESULTS.get(id + "/late").forEach(event -> late.add((LateEvent) event));
            return new Outputs(updates, late);
        } finally {
            forget(id, eventsByStream);
            RESULTS.remove(id + "/updates");
            RESULTS.remove(id + "/late");
        }
    }

    /**
     * The reference's events as the job's, by stream, in list order; every stream named has a list.
     */
    static Map<String, List<StreamEvent>> byStream(List<Event> events, List<String> streams) {
        Map<String, List<StreamEvent>> byStream = new LinkedHashMap<>();
        streams.forEach(stream -> byStream.put(stream, new ArrayList<>()));
        events.forEach(
                event ->
                        byStream.get(event.stream())
                                .add(
                                        new StreamEvent(
                                                event.entityId(),
                                                event.eventTime(),
                                                event.fields())));
        return byStream;
    }

    /**
     * A finite source per stream of its events in list order, for a run of the MiniCluster in this
     * JVM; {@link #forget} frees them.
     */
    static Map<String, DataGeneratorSource<StreamEvent>> sources(
            String id, Map<String, List<StreamEvent>> eventsByStream) {
        Map<String, DataGeneratorSource<StreamEvent>> sources = new LinkedHashMap<>();
        eventsByStream.forEach(
                (stream, events) -> {
                    String key = id + "/" + stream;
                    EVENTS.put(key, List.copyOf(events));
                    sources.put(
                            stream,
                            new DataGeneratorSource<>(
                                    index -> EVENTS.get(key).get(Math.toIntExact(index)),
                                    events.size(),
                                    TypeInformation.of(StreamEvent.class)));
                });
        return sources;
    }

    /** Frees the events of {@link #sources}. */
    static void forget(String id, Map<String, List<StreamEvent>> eventsByStream) {
        eventsByStream.keySet().forEach(stream -> EVENTS.remove(id + "/" + stream));
    }

    /** Adds every element to a queue of {@link #RESULTS}, in the same JVM. */
    private record QueueSink<T>(String queue) implements Sink<T>, Serializable {

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Queue<Object> results = RESULTS.get(queue);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {
                    results.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
