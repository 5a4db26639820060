package dev.tessera.job.training;

import dev.tessera.job.DeadLetter;
import dev.tessera.job.FeatureJob;
import dev.tessera.job.LateEvent;
import dev.tessera.job.TopicRecord;
import dev.tessera.job.Watermarks;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The job of a training set: the feature job's own graph ({@link FeatureJob}, from the same spec)
 * replayed over kept events, its updates read as of each spine row's time:
 *
 * <pre>{@code
 * sources, joins, windows, tiles ...  FeatureJob#updates: the production operators, with
 *   (events in event-time order per       a watermark after every event, a tile update per
 *    entity id, EventTimeOrder)           event (no coalescing) and order-STREAM before groups
 *             | feature updates
 *             v  keyBy entity id
 * +---------------------------------+      +---------------------------------+
 * | point-in-time-read              |<-----| spine  the rows, in time order, |
 * |  PointInTimeRead: updates at    |      |  keyBy entity id                |
 * |  the moment a reader sees them, |      +---------------------------------+
 * |  rows answered by a read then   |
 * +---------------------------------+
 *             | TrainingRow per spine row
 *             v
 *        the caller (collected)
 * }</pre>
 *
 * <p>Late and undecodable events are left out, as the production job leaves them out of features
 * (their topics already hold them).
 */
public final class TrainingSetJob {

    public static final String JOB_NAME = "tessera-training-set";
    static final String SPINE_ID = "spine";
    static final String READ_ID = "point-in-time-read";

    private final FeatureSpec spec;
    private final String specName;
    private final String specYaml;
    private final List<Feature> features;
    private final Map<String, ? extends Source<? extends TopicRecord, ?, ?>> sourcesByStream;
    private final List<SpineRow> spine;

    /**
     * @param spec the parsed {@code specYaml}
     * @param specName the spec's file name, for messages
     * @param features the features of the training set, of one entity
     * @param sourcesByStream bounded sources of the kept events, as {@link FeatureJob} takes them
     *     for the {@link #jobSpec}
     * @param spine the spine's rows
     */
    public TrainingSetJob(
            FeatureSpec spec,
            String specName,
            String specYaml,
            List<Feature> features,
            Map<String, ? extends Source<? extends TopicRecord, ?, ?>> sourcesByStream,
            List<SpineRow> spine) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a training set needs at least one feature");
        }
        this.spec = spec;
        this.specName = specName;
        this.specYaml = specYaml;
        this.features = List.copyOf(features);
        this.sourcesByStream = sourcesByStream;
        this.spine = List.copyOf(spine);
    }

    /**
     * The spec the replay runs: only the groups of {@code features}, as no other group's updates
     * are read (each group's operators are its own). Its input streams are those the sources must
     * cover.
     */
    public static FeatureSpec jobSpec(FeatureSpec spec, List<Feature> features) {
        return spec.withGroups(features.stream().map(Feature::group).toList());
    }

    /** The settings of a replay: deterministic watermarks, every event in order, every tile. */
    public static FeatureJob.Settings replaySettings() {
        return FeatureJob.Settings.defaults()
                .withWatermarks(Watermarks::perEvent)
                .withTileEmitInterval(Duration.ZERO)
                .withEventTimeOrder(true);
    }

    /** Adds the job's operators to {@code env}; returns a row per spine row, in no order. */
    public DataStream<TrainingRow> build(StreamExecutionEnvironment env) {
        return build(env, replaySettings());
    }

    /**
     * As {@link #build(StreamExecutionEnvironment)}, with settings derived from {@link
     * #replaySettings}.
     */
    public DataStream<TrainingRow> build(
            StreamExecutionEnvironment env, FeatureJob.Settings settings) {
        FeatureJob job =
                new FeatureJob(
                        jobSpec(spec, features),
                        sourcesByStream,
                        new DiscardingSink<FeatureUpdate>(),
                        new DiscardingSink<LateEvent>(),
                        new DiscardingSink<DeadLetter>(),
                        settings);
        DataStream<FeatureUpdate> updates = job.updates(env);
        DataStream<SpineRow> rows =
                env.fromData(spine, TypeInformation.of(SpineRow.class))
                        .uid(SPINE_ID)
                        .name(SPINE_ID)
                        .setParallelism(1)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<SpineRow>forMonotonousTimestamps()
                                        .withTimestampAssigner((row, previous) -> row.time()))
                        .uid(SPINE_ID + "-time")
                        .name(SPINE_ID + "-time")
                        .setParallelism(1);
        return updates.keyBy(FeatureUpdate::entityId, Types.STRING)
                .connect(rows.keyBy(SpineRow::entityId, Types.STRING))
                .process(
                        new PointInTimeRead(
                                specName, specYaml, features.stream().map(Feature::name).toList()),
                        TypeInformation.of(TrainingRow.class))
                .uid(READ_ID)
                .name(READ_ID);
    }
}
