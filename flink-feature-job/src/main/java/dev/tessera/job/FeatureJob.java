package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import dev.tessera.spec.parse.SpecParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The Flink job computing every feature of {@code features.yaml}: its graph is derived from the
 * spec, nothing in it is specific to one feature. For the example spec it is:
 *
 * <pre>{@code
 * +---------------------------+  keyBy    +-----------------------------------------+
 * | source-transactions       |  entity   | window-user_transactions_5m-tumbling-5m |
 * | KafkaSource, Avro ->      |---id----->| TumblingWindowAggregator: txn_count_5m, |---+
 * | StreamEvent; watermarks   |           | txn_amount_sum_5m per user_id, 5 min    |   |
 * | from the stream's spec    |           +-----------------------------------------+   |
 * +---------------------------+                  |                                      |
 *                                                | late events (side output)            |
 *                                                v                                      |
 *                              +-----------------------------------------+              |
 *                              | late-user_transactions_5m-tumbling-5m   |              |
 *                              | discarded, counted in lateEvents        |              |
 *                              +-----------------------------------------+              |
 *                                                                                       |
 * source-STREAM --keyBy--> window-GROUP-WINDOW (one per feature group and window) ------+
 *                                  |                                                    |
 *                                  +--> late-GROUP-WINDOW                         union |
 *                                                                                       v
 *                                                       +---------------------------------+
 *                                                       | sink-feature-updates            |
 *                                                       | KafkaSink to the feature topic, |
 *                                                       | Avro FeatureUpdate, key = id    |
 *                                                       +---------------------------------+
 * }</pre>
 *
 * Sources and sink are given to the constructor, so tests run the same graph on finite sources and
 * collecting sinks; {@link #main} wires Kafka (see {@link KafkaConnectors}). Operator uids come
 * from {@link OperatorIds}.
 */
public final class FeatureJob {

    public static final String JOB_NAME = "tessera-feature-job";

    private final FeatureSpec spec;
    private final Map<String, Source<StreamEvent, ?, ?>> sourcesByStream;
    private final Sink<FeatureUpdate> sink;

    /**
     * @param sourcesByStream a source for each stream that feeds a feature group (see {@link
     *     #inputStreams}), by stream name
     * @param sink receives the feature updates of all groups
     */
    public FeatureJob(
            FeatureSpec spec,
            Map<String, ? extends Source<StreamEvent, ?, ?>> sourcesByStream,
            Sink<FeatureUpdate> sink) {
        Set<String> needed = new TreeSet<>();
        inputStreams(spec).forEach(stream -> needed.add(stream.name()));
        if (needed.isEmpty()) {
            throw new IllegalArgumentException("the spec declares no feature groups");
        }
        if (!needed.equals(new TreeSet<>(sourcesByStream.keySet()))) {
            throw new IllegalArgumentException(
                    "the job needs a source for exactly the streams "
                            + needed
                            + ", got sources for "
                            + new TreeSet<>(sourcesByStream.keySet()));
        }
        this.spec = spec;
        this.sourcesByStream = Map.copyOf(sourcesByStream);
        this.sink = sink;
    }

    /** The streams some feature group reads, in the order the groups are declared. */
    public static List<Stream> inputStreams(FeatureSpec spec) {
        Set<Stream> streams = new LinkedHashSet<>();
        spec.groups().forEach(group -> streams.add(group.stream()));
        return List.copyOf(streams);
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        List<DataStream<FeatureUpdate>> updates = new ArrayList<>();
        for (Stream stream : inputStreams(spec)) {
            KeyedStream<StreamEvent, String> eventsByEntity =
                    events(env, stream).keyBy(StreamEvent::entityId, Types.STRING);
            for (FeatureGroup group : spec.groupsOf(stream)) {
                for (Window window : windowsOf(group)) {
                    updates.add(aggregate(eventsByEntity, group, window));
                }
            }
        }
        DataStream<FeatureUpdate> allUpdates = updates.get(0);
        for (DataStream<FeatureUpdate> more : updates.subList(1, updates.size())) {
            allUpdates = allUpdates.union(more);
        }
        allUpdates.sinkTo(sink).uid(OperatorIds.SINK).name(OperatorIds.SINK);
    }

    /** Builds the job into {@code env} and runs it until it ends (finite sources) or fails. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(JOB_NAME);
    }

    private DataStream<StreamEvent> events(StreamExecutionEnvironment env, Stream stream) {
        String id = OperatorIds.source(stream);
        return env.fromSource(
                        sourcesByStream.get(stream.name()),
                        watermarks(stream),
                        id,
                        TypeInformation.of(StreamEvent.class))
                .uid(id);
    }

    private static WatermarkStrategy<StreamEvent> watermarks(Stream stream) {
        return WatermarkStrategy.<StreamEvent>forBoundedOutOfOrderness(stream.outOfOrderness())
                .withTimestampAssigner((event, previousTimestamp) -> event.eventTime())
                .withIdleness(stream.idleness());
    }

    /** The distinct windows of a group's features, in declaration order. */
    private static Set<Window> windowsOf(FeatureGroup group) {
        Set<Window> windows = new LinkedHashSet<>();
        for (Feature feature : group.features()) {
            windows.add(feature.window());
        }
        return windows;
    }

    private static DataStream<FeatureUpdate> aggregate(
            KeyedStream<StreamEvent, String> eventsByEntity, FeatureGroup group, Window window) {
        if (!(window instanceof Window.Tumbling tumbling)) {
            throw new IllegalArgumentException("unsupported window " + window);
        }
        String id = OperatorIds.window(group, window);
        SingleOutputStreamOperator<FeatureUpdate> updates =
                eventsByEntity
                        .process(
                                TumblingWindowAggregator.of(group, tumbling),
                                TypeInformation.of(FeatureUpdate.class))
                        .uid(id)
                        .name(id);
        // Discarded for now, but as its own named operator: its input rate is the late-event rate.
        String lateId = OperatorIds.lateEvents(group, window);
        updates.getSideOutput(TumblingWindowAggregator.LATE_EVENTS)
                .sinkTo(new DiscardingSink<>())
                .uid(lateId)
                .name(lateId);
        return updates;
    }

    /** Runs the job on Kafka; see {@link JobOptions} for the arguments. */
    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(JobOptions.USAGE);
            System.exit(2);
            return;
        }
        FeatureSpec spec = SpecParser.parse(options.spec());
        StreamExecutionEnvironment env = environment(options);
        new FeatureJob(spec, options.kafka().sources(spec), options.kafka().sink(spec))
                .execute(env);
    }

    private static StreamExecutionEnvironment environment(JobOptions options) {
        StreamExecutionEnvironment env;
        if (options.local()) {
            Configuration conf = new Configuration();
            conf.set(RestOptions.PORT, options.webUiPort());
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment();
        }
        options.parallelism().ifPresent(env::setParallelism);
        // The Kafka sink flushes (at-least-once) or commits (exactly-once) on checkpoints, and
        // source offsets are committed on them.
        env.enableCheckpointing(options.checkpointInterval().toMillis());
        return env;
    }
}
