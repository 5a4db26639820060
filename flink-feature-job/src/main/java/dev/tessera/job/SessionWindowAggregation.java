package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Session windows of one feature group and one gap, on Flink's own merging window operator: {@link
 * EventTimeSessionWindows} with the gap, the stream's allowed lateness and late data to a side
 * output, the group's accumulators folded by an {@link AggregateFunction} ({@link Fold}) and each
 * firing emitted by a {@link ProcessWindowFunction} ({@link Emit}) as a {@code values} update with
 * {@code event_time} = the session's end (its last event + gap) and {@code version} = its number of
 * events.
 *
 * <p>Flink's rules, which the reference implementation mirrors: each event opens the window {@code
 * [t, t + gap)}; windows that overlap or touch merge (so events exactly {@code gap} apart are one
 * session). A session fires when the watermark reaches {@code end - 1}; it is kept for the allowed
 * lateness {@code L} after that, and an event merging into it meanwhile fires it again at once (the
 * default {@link EventTimeTrigger}). An event whose own window, merged with the sessions it
 * touches, ends at or before {@code W - L + 1} is late: its session is gone. Every event extends
 * the session, whether or not a feature's {@code where} lets it through.
 */
final class SessionWindowAggregation {

    /** Flink's window operator side-outputs the late event itself. */
    private static final OutputTag<StreamEvent> LATE =
            new OutputTag<>("late-session-events", TypeInformation.of(StreamEvent.class));

    private SessionWindowAggregation() {}

    /** Adds the session operator of {@code group}'s features over {@code window}. */
    static WindowOperators.Outputs build(
            KeyedStream<StreamEvent, String> events, FeatureGroup group, Window.Session window) {
        FeatureSet features = FeatureSet.windowed(group, window);
        String id = OperatorIds.window(group, window);
        SingleOutputStreamOperator<FeatureUpdate> updates =
                events.window(EventTimeSessionWindows.withGap(window.gap()))
                        .allowedLateness(group.stream().allowedLateness())
                        .trigger(new CorrectionCountingTrigger())
                        .sideOutputLateData(LATE)
                        .aggregate(
                                new Fold(features),
                                new Emit(group.entity().name(), group.name(), features),
                                new SerializerTypeInfo<>(
                                        Partial.class, new PartialSerializer(features)),
                                new SerializerTypeInfo<>(
                                        Partial.class, new PartialSerializer(features)),
                                TypeInformation.of(FeatureUpdate.class))
                        .uid(id)
                        .name(id);
        String lateId = OperatorIds.sessionLateEvents(group, window);
        DataStream<LateEvent> late =
                updates.getSideOutput(LATE)
                        .process(
                                new ToLateEvent(
                                        group.stream().name(),
                                        group.name(),
                                        window.toString(),
                                        group.stream().allowedLateness().toMillis()),
                                TypeInformation.of(LateEvent.class))
                        .uid(lateId)
                        .name(lateId);
        return new WindowOperators.Outputs(updates, Optional.of(late));
    }

    /** Folds events into a session's {@link Partial}; merges the partials of merging sessions. */
    static final class Fold implements AggregateFunction<StreamEvent, Partial, Partial> {

        private static final long serialVersionUID = 1L;

        private final FeatureSet features;

        Fold(FeatureSet features) {
            this.features = features;
        }

        @Override
        public Partial createAccumulator() {
            return features.newPartial();
        }

        @Override
        public Partial add(StreamEvent event, Partial partial) {
            features.add(partial, event);
            return partial;
        }

        @Override
        public Partial getResult(Partial partial) {
            return partial;
        }

        @Override
        public Partial merge(Partial a, Partial b) {
            features.merge(a, b);
            return a;
        }
    }

    /** Emits a fired session as a {@code values} update as of the session's end. */
    static final class Emit
            extends ProcessWindowFunction<Partial, FeatureUpdate, String, TimeWindow> {

        private static final long serialVersionUID = 1L;

        private final String entity;
        private final String group;
        private final FeatureSet features;

        private transient FeatureValueMetrics valueMetrics;

        Emit(String entity, String group, FeatureSet features) {
            this.entity = entity;
            this.group = group;
            this.features = features;
        }

        @Override
        public void open(OpenContext openContext) {
            valueMetrics = new FeatureValueMetrics(getRuntimeContext().getMetricGroup(), features);
        }

        @Override
        public void process(
                String entityId,
                Context context,
                Iterable<Partial> partials,
                Collector<FeatureUpdate> out) {
            for (Partial partial : partials) {
                Map<String, Object> values = features.values(partial);
                valueMetrics.record(values);
                out.collect(
                        FeatureUpdate.values(
                                entity,
                                entityId,
                                group,
                                context.window().getEnd(),
                                partial.events,
                                values));
            }
        }
    }

    /**
     * Flink's {@link EventTimeTrigger}, counting in {@value LateEvents#CORRECTED_METRIC} the events
     * that make it fire on arrival: those that joined a session the watermark had already closed.
     */
    static final class CorrectionCountingTrigger extends Trigger<Object, TimeWindow> {

        private static final long serialVersionUID = 1L;

        private final EventTimeTrigger trigger = EventTimeTrigger.create();

        private transient Counter corrected;

        @Override
        public TriggerResult onElement(
                Object element, long timestamp, TimeWindow window, TriggerContext ctx)
                throws Exception {
            TriggerResult result = trigger.onElement(element, timestamp, window, ctx);
            if (result.isFire()) {
                if (corrected == null) {
                    corrected = ctx.getMetricGroup().counter(LateEvents.CORRECTED_METRIC);
                }
                corrected.inc();
            }
            return result;
        }

        @Override
        public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx)
                throws Exception {
            return trigger.onEventTime(time, window, ctx);
        }

        @Override
        public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx)
                throws Exception {
            return trigger.onProcessingTime(time, window, ctx);
        }

        @Override
        public boolean canMerge() {
            return trigger.canMerge();
        }

        @Override
        public void onMerge(TimeWindow window, OnMergeContext ctx) throws Exception {
            trigger.onMerge(window, ctx);
        }

        @Override
        public void clear(TimeWindow window, TriggerContext ctx) throws Exception {
            trigger.clear(window, ctx);
        }

        @Override
        public String toString() {
            return "CorrectionCounting" + trigger;
        }
    }

    /** Turns the events Flink's window operator found late into {@link LateEvent}s, counted. */
    static final class ToLateEvent extends ProcessFunction<StreamEvent, LateEvent> {

        private static final long serialVersionUID = 1L;

        private final String stream;
        private final String group;
        private final String window;
        private final long lateness;

        private transient Counter dropped;

        ToLateEvent(String stream, String group, String window, long lateness) {
            this.stream = stream;
            this.group = group;
            this.window = window;
            this.lateness = lateness;
        }

        @Override
        public void open(OpenContext openContext) {
            dropped = getRuntimeContext().getMetricGroup().counter(LateEvents.DROPPED_METRIC);
        }

        @Override
        public void processElement(StreamEvent event, Context ctx, Collector<LateEvent> out) {
            dropped.inc();
            out.collect(
                    new LateEvent(
                            stream,
                            group,
                            "the "
                                    + window
                                    + " session of feature group '"
                                    + group
                                    + "' the event belongs to closed: watermark is "
                                    + ctx.timerService().currentWatermark()
                                    + ", allowed lateness "
                                    + LateEvents.duration(lateness),
                            event));
        }
    }
}
