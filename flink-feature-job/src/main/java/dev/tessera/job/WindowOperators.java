package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * The operator of each kind of window, created in one place ({@link #create}): a new kind of window
 * is one more branch there, and one more id in {@link OperatorIds}.
 */
final class WindowOperators {

    /**
     * An operator's feature updates and the events it found too late, if it can find any (lifetime
     * and since operators take every event).
     */
    record Outputs(DataStream<FeatureUpdate> updates, Optional<DataStream<LateEvent>> late) {}

    private final Map<String, DataStream<StreamEvent>> eventsByStream;
    private final Duration tileEmitInterval;
    private final boolean eventTimeOrder;

    /**
     * @param eventsByStream the events of each declared stream, by name: {@code since} windows read
     *     their reset stream from it
     * @param tileEmitInterval see {@link FeatureJob.Settings#tileEmitInterval()}
     * @param eventTimeOrder see {@link FeatureJob.Settings#eventTimeOrder()}
     */
    WindowOperators(
            Map<String, DataStream<StreamEvent>> eventsByStream,
            Duration tileEmitInterval,
            boolean eventTimeOrder) {
        this.eventsByStream = eventsByStream;
        this.tileEmitInterval = tileEmitInterval;
        this.eventTimeOrder = eventTimeOrder;
    }

    /**
     * The windows of a group with an operator each, in order: the distinct windows of its windowed
     * features, then one of its rolling windows, as the group's tiles serve all of them.
     */
    static Set<Window> windowsOf(FeatureGroup group) {
        Set<Window> windows = new LinkedHashSet<>();
        for (Feature feature : group.windowedFeatures()) {
            windows.add(feature.window());
        }
        group.rollingFeatures().stream()
                .findFirst()
                .ifPresent(feature -> windows.add(feature.window()));
        return windows;
    }

    /** Adds the operator of {@code group}'s features over {@code window} to {@code events}. */
    Outputs create(KeyedStream<StreamEvent, String> events, FeatureGroup group, Window window) {
        // Java 17: no pattern matching in switch yet.
        if (window instanceof Window.Tumbling tumbling) {
            return withLateEvents(
                    process(
                            events,
                            OperatorIds.window(group, window),
                            TumblingWindowAggregator.of(group, tumbling)));
        }
        if (window instanceof Window.Sliding sliding) {
            return withLateEvents(
                    process(
                            events,
                            OperatorIds.window(group, window),
                            SlidingWindowAggregator.of(group, sliding)));
        }
        if (window instanceof Window.Session session) {
            return SessionWindowAggregation.build(events, group, session);
        }
        if (window instanceof Window.Rolling) {
            return withLateEvents(
                    process(
                            events,
                            OperatorIds.tiles(group),
                            RollingTileAggregator.of(group, tileEmitInterval)));
        }
        if (window instanceof Window.Lifetime) {
            return new Outputs(
                    process(events, OperatorIds.lifetime(group), LifetimeAggregator.of(group)),
                    Optional.empty());
        }
        if (window instanceof Window.Since since) {
            String id = OperatorIds.since(group, since);
            return new Outputs(
                    events.connect(byEntity(eventsByStream.get(since.reset().name())))
                            .process(
                                    SinceAggregator.of(group, since, eventTimeOrder),
                                    TypeInformation.of(FeatureUpdate.class))
                            .uid(id)
                            .name(id),
                    Optional.empty());
        }
        throw new IllegalArgumentException("no operator for window " + window);
    }

    static KeyedStream<StreamEvent, String> byEntity(DataStream<StreamEvent> events) {
        return events.keyBy(StreamEvent::entityId, Types.STRING);
    }

    /** An operator sending its late events to {@link LateEvents#OUTPUT}. */
    private static Outputs withLateEvents(SingleOutputStreamOperator<FeatureUpdate> operator) {
        return new Outputs(operator, Optional.of(operator.getSideOutput(LateEvents.OUTPUT)));
    }

    private static SingleOutputStreamOperator<FeatureUpdate> process(
            KeyedStream<StreamEvent, String> events,
            String id,
            KeyedProcessFunction<String, StreamEvent, FeatureUpdate> function) {
        return events.process(function, TypeInformation.of(FeatureUpdate.class)).uid(id).name(id);
    }
}
