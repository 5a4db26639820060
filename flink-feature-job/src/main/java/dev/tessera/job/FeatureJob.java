package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink job computing every feature of {@code features.yaml}: its graph is derived from the
 * spec, nothing in it is specific to one feature. Per declared stream one source (deduplicated when
 * the stream declares a dedupe field); per join one two-input operator whose output is a stream
 * like any other; per stream groups read, keyed by entity id, one operator per feature group and
 * window (tumbling, sliding, session, lifetime, since) plus one per group with rolling features
 * (its tiles); all updates go to one sink, each stream's late events to one more and its
 * undecodable records to a third:
 *
 * <pre>{@code
 * +--------------------+
 * | source-STREAM      |  KafkaSource, Avro -> StreamEvent, or a DeadLetter if undecodable;
 * |                    |  watermark = newest event time - out_of_orderness - 1, of events at
 * |                    |  most max_future ahead of the clock
 * | route-STREAM       |  dead letters ----------------------------> dead-letters-STREAM
 * |                    |  events > max_future ahead: late, "future" -> late-STREAM (below)
 * | [dedupe-STREAM]    |  repeated event ids dropped (keyed, TTL)
 * +--------------------+
 *    |           |  keyBy join key (both inputs)
 *    |           v
 *    |   +-----------------------------------------------+
 *    |   | join-JOIN  IntervalJoin: left + nearest right  |  late inputs: side output
 *    |   |   within [lower, upper], at W >= left + upper |
 *    |   |   or AsOfJoin: left + the dimension version   |
 *    |   |   valid at its time, at W >= left             |
 *    |   +-----------------------------------------------+
 *    |           |  joined events: a stream groups read
 *    v           v
 *  keyBy entity id
 *    |     +-----------------------------------------------+
 *    +---->| window-GROUP-tumbling-5m / -sliding-1h-10m     |---+
 *    |     |   PaneWindowAggregator: panes, merged          |   |
 *    +---->| session-GROUP-30m (+ -late: to LateEvent)      |---+
 *    |     |   Flink EventTimeSessionWindows               |   |
 *    +---->| tiles-GROUP  RollingTileAggregator            |---+
 *    |     |   a partial per tile, read merged             |   |
 *    +---->| lifetime-GROUP  LifetimeAggregator            |---+
 *    |     |   every event of the key, value state + TTL   |   |
 *    +---->| since-GROUP-RESET  SinceAggregator            |---+
 *          |   connected with the RESET stream by entity  |   |
 *          +-----------------------------------------------+   |
 *               | late events (side outputs), per origin      | union
 *               v                                              v
 *   +----------------------------+     +---------------------------------+
 *   | late-STREAM                |     | sink-feature-updates            |
 *   | KafkaSink: JSON to the     |     | KafkaSink to the feature topic, |
 *   | stream's <topic>.late      |     | Avro FeatureUpdate, key = id    |
 *   +----------------------------+     +---------------------------------+
 *   +----------------------------+
 *   | dead-letters-STREAM        |
 *   | KafkaSink: the record as   |
 *   | read, to <topic>.dlq       |
 *   +----------------------------+
 * }</pre>
 *
 * <p>Lateness, the same in every windowed operator: {@code W} is the watermark when an event
 * arrives; a window ending at {@code E} fires at {@code W >= E - 1} and takes corrections
 * (re-emitted at once, one version more) until {@code W >= E - 1 + allowed_lateness}; an event too
 * late for every window (or, for tiles, older than the group's tile retention) goes to the stream's
 * late sink. Joins drop events at or behind their watermark (the lesser of both inputs'); a joined
 * stream's allowed lateness adds the join's upper bound, as its events are emitted that late.
 * Lifetime and since features take every event. See the operator classes for the details.
 *
 * <p>Sources and sinks are given to the constructor, so tests run the same graph on finite sources
 * and collecting sinks; {@link JobLauncher} wires Kafka (see {@link KafkaConnectors}) and sets up
 * the environment. The operator of each kind of window comes from {@link WindowOperators}, operator
 * uids from {@link OperatorIds}.
 */
public final class FeatureJob {

    public static final String JOB_NAME = "tessera-feature-job";

    /**
     * How the job is built, apart from its spec, sources and sinks.
     *
     * @param watermarks the watermark strategy of a stream's source
     * @param tileEmitInterval how long dirty tiles of rolling features may wait to be emitted,
     *     coalescing the updates of a busy key; 0 emits a tile update per event
     * @param sourceParallelism the parallelism of the sources, or empty for the environment's
     * @param eventTimeOrder whether the events of a stream reach its feature groups in event-time
     *     order per entity id, each once the watermark passes it ({@link EventTimeOrder}): a replay
     *     as if every event had arrived at its event time, for training sets
     */
    public record Settings(
            Function<Stream, WatermarkStrategy<StreamEvent>> watermarks,
            Duration tileEmitInterval,
            OptionalInt sourceParallelism,
            boolean eventTimeOrder) {

        public static final Duration DEFAULT_TILE_EMIT_INTERVAL = Duration.ofMillis(200);

        public Settings {
            Objects.requireNonNull(watermarks, "watermarks");
            if (tileEmitInterval.isNegative()) {
                throw new IllegalArgumentException("the tile emit interval must not be negative");
            }
        }

        /** Periodic watermarks with idleness ({@link Watermarks#periodic}), tiles every 200 ms. */
        public static Settings defaults() {
            return new Settings(
                    Watermarks::periodic, DEFAULT_TILE_EMIT_INTERVAL, OptionalInt.empty(), false);
        }

        public Settings withWatermarks(Function<Stream, WatermarkStrategy<StreamEvent>> value) {
            return new Settings(value, tileEmitInterval, sourceParallelism, eventTimeOrder);
        }

        public Settings withTileEmitInterval(Duration value) {
            return new Settings(watermarks, value, sourceParallelism, eventTimeOrder);
        }

        public Settings withSourceParallelism(int value) {
            return new Settings(
                    watermarks, tileEmitInterval, OptionalInt.of(value), eventTimeOrder);
        }

        public Settings withEventTimeOrder(boolean value) {
            return new Settings(watermarks, tileEmitInterval, sourceParallelism, value);
        }
    }

    private final FeatureSpec spec;
    private final Map<String, Source<? extends TopicRecord, ?, ?>> sourcesByStream;
    private final Sink<FeatureUpdate> sink;
    private final Sink<LateEvent> lateSink;
    private final Sink<DeadLetter> deadLetterSink;
    private final Settings settings;

    /** The job with {@link Settings#defaults()}. */
    public FeatureJob(
            FeatureSpec spec,
            Map<String, ? extends Source<? extends TopicRecord, ?, ?>> sourcesByStream,
            Sink<FeatureUpdate> sink,
            Sink<LateEvent> lateSink,
            Sink<DeadLetter> deadLetterSink) {
        this(spec, sourcesByStream, sink, lateSink, deadLetterSink, Settings.defaults());
    }

    /**
     * @param sourcesByStream a source for each stream that feeds a feature group (see {@link
     *     #inputStreams}), by stream name: its events, and dead letters for records it could not
     *     decode
     * @param sink receives the feature updates of all groups
     * @param lateSink receives the late and future events of all streams; the job adds it once per
     *     stream ({@link OperatorIds#lateEvents}), so it must not need a unique identity (such as a
     *     transactional id)
     * @param deadLetterSink receives the dead letters of all streams, added once per stream as the
     *     late sink is
     */
    public FeatureJob(
            FeatureSpec spec,
            Map<String, ? extends Source<? extends TopicRecord, ?, ?>> sourcesByStream,
            Sink<FeatureUpdate> sink,
            Sink<LateEvent> lateSink,
            Sink<DeadLetter> deadLetterSink,
            Settings settings) {
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
        this.sink = Objects.requireNonNull(sink, "sink");
        this.lateSink = Objects.requireNonNull(lateSink, "lateSink");
        this.deadLetterSink = Objects.requireNonNull(deadLetterSink, "deadLetterSink");
        this.settings = settings;
    }

    /**
     * The declared streams the job reads, in declaration order: those feature groups read, and
     * those the joins and {@code since} windows they read take.
     */
    public static List<Stream> inputStreams(FeatureSpec spec) {
        Set<String> needed = new HashSet<>();
        for (FeatureGroup group : spec.groups()) {
            Stream stream = group.stream();
            spec.join(stream.name())
                    .ifPresentOrElse(
                            join -> {
                                needed.add(join.left().name());
                                needed.add(join.right().name());
                            },
                            () -> needed.add(stream.name()));
            for (Feature feature : group.windowedFeatures()) {
                if (feature.window() instanceof Window.Since since) {
                    needed.add(since.reset().name());
                }
            }
        }
        return spec.streams().stream().filter(stream -> needed.contains(stream.name())).toList();
    }

    /** The streams feature groups read (declared or joined), in the order the groups are. */
    private static List<Stream> featureStreams(FeatureSpec spec) {
        Set<Stream> streams = new LinkedHashSet<>();
        spec.groups().forEach(group -> streams.add(group.stream()));
        return List.copyOf(streams);
    }

    /** Adds the job's operators to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        updates(env).sinkTo(sink).uid(OperatorIds.SINK).name(OperatorIds.SINK);
    }

    /**
     * Adds the job's operators but the sink of feature updates to {@code env}, and returns their
     * union: a training set reads them instead ({@code training.TrainingSetJob}).
     */
    public DataStream<FeatureUpdate> updates(StreamExecutionEnvironment env) {
        Map<String, DataStream<StreamEvent>> events = new HashMap<>();
        Map<String, List<DataStream<LateEvent>>> late = new LinkedHashMap<>();
        for (Stream stream : inputStreams(spec)) {
            SingleOutputStreamOperator<StreamEvent> routed = routed(env, stream);
            events.put(stream.name(), ordered(deduplicated(routed, stream), stream, Duration.ZERO));
            late.put(
                    stream.name(),
                    new ArrayList<>(List.of(routed.getSideOutput(LateEvents.OUTPUT))));
            String deadLettersId = OperatorIds.deadLetters(stream);
            routed.getSideOutput(EventRouter.DEAD_LETTERS)
                    .sinkTo(deadLetterSink)
                    .uid(deadLettersId)
                    .name(deadLettersId);
        }
        List<DataStream<FeatureUpdate>> updates = new ArrayList<>();
        WindowOperators windows =
                new WindowOperators(events, settings.tileEmitInterval(), settings.eventTimeOrder());
        for (Stream stream : featureStreams(spec)) {
            spec.join(stream.name())
                    .ifPresent(
                            join -> {
                                SingleOutputStreamOperator<StreamEvent> joined = join(join, events);
                                events.put(
                                        join.name(),
                                        ordered(joined, join.output(), emissionDelay(join)));
                                late.get(join.left().name())
                                        .add(joined.getSideOutput(LateEvents.OUTPUT));
                            });
            KeyedStream<StreamEvent, String> eventsByEntity =
                    WindowOperators.byEntity(events.get(stream.name()));
            List<DataStream<LateEvent>> lateOfStream = late.get(spec.origin(stream).name());
            for (FeatureGroup group : spec.groupsOf(stream)) {
                for (Window window : WindowOperators.windowsOf(group)) {
                    WindowOperators.Outputs outputs = windows.create(eventsByEntity, group, window);
                    updates.add(outputs.updates());
                    outputs.late().ifPresent(lateOfStream::add);
                }
            }
        }
        for (Stream stream : inputStreams(spec)) {
            String lateId = OperatorIds.lateEvents(stream);
            union(late.get(stream.name())).sinkTo(lateSink).uid(lateId).name(lateId);
        }
        return union(updates);
    }

    /**
     * The joined events of a join of two streams, both keyed by the join key; the late events of
     * both are its side output.
     */
    private static SingleOutputStreamOperator<StreamEvent> join(
            Join join, Map<String, DataStream<StreamEvent>> events) {
        JoinShape shape = JoinShape.of(join);
        JoinFunction function =
                join instanceof Join.Interval interval
                        ? new IntervalJoin(interval)
                        : new AsOfJoin((Join.AsOf) join);
        String id = OperatorIds.join(join);
        return events.get(join.left().name())
                .keyBy(shape::key, Types.STRING)
                .connect(events.get(join.right().name()).keyBy(shape::key, Types.STRING))
                .process(function, TypeInformation.of(StreamEvent.class))
                .uid(id)
                .name(id);
    }

    /** Builds the job into {@code env} and runs it until it ends (finite sources) or fails. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(JOB_NAME);
    }

    /**
     * The stream's events in event-time order per entity id, when the settings ask for it; {@code
     * delay}: how long after its time an event may still arrive.
     */
    private DataStream<StreamEvent> ordered(
            DataStream<StreamEvent> events, Stream stream, Duration delay) {
        return settings.eventTimeOrder() ? EventTimeOrder.apply(events, stream, delay) : events;
    }

    /** How long after its time a join emits an event: an interval join waits for its right side. */
    private static Duration emissionDelay(Join join) {
        return join instanceof Join.Interval interval
                        && interval.upper().compareTo(Duration.ZERO) > 0
                ? interval.upper()
                : Duration.ZERO;
    }

    /** The stream's events without repeats, when its spec declares how to recognize them. */
    private static DataStream<StreamEvent> deduplicated(
            DataStream<StreamEvent> events, Stream stream) {
        Stream.Dedupe dedupe = stream.dedupe();
        if (dedupe == null) {
            return events;
        }
        String id = OperatorIds.dedupe(stream);
        return events.keyBy(event -> Deduplicator.key(dedupe, event), Types.STRING)
                .process(new Deduplicator(dedupe.within()), TypeInformation.of(StreamEvent.class))
                .uid(id)
                .name(id);
    }

    /**
     * The stream's events, read by its source and routed: dead letters and events beyond {@code
     * max_future} to side outputs ({@link EventRouter}).
     */
    private SingleOutputStreamOperator<StreamEvent> routed(
            StreamExecutionEnvironment env, Stream stream) {
        String id = OperatorIds.source(stream);
        // A source of events alone (a test's) yields topic records too: the cast only widens.
        @SuppressWarnings("unchecked")
        Source<TopicRecord, ?, ?> records =
                (Source<TopicRecord, ?, ?>) sourcesByStream.get(stream.name());
        DataStreamSource<TopicRecord> source =
                env.fromSource(
                        records,
                        new FutureBoundedWatermarks(
                                settings.watermarks().apply(stream), stream.maxFuture()),
                        id,
                        TypeInformation.of(TopicRecord.class));
        settings.sourceParallelism().ifPresent(source::setParallelism);
        source.uid(id);
        String routeId = OperatorIds.route(stream);
        SingleOutputStreamOperator<StreamEvent> routed =
                source.process(new EventRouter(stream), TypeInformation.of(StreamEvent.class))
                        .uid(routeId)
                        .name(routeId);
        settings.sourceParallelism().ifPresent(routed::setParallelism);
        return routed;
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> all = streams.get(0);
        for (DataStream<T> more : streams.subList(1, streams.size())) {
            all = all.union(more);
        }
        return all;
    }
}
