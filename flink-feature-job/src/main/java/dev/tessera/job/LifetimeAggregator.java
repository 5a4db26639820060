package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.Window;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A feature group's {@code lifetime} features, keyed by entity id: one partial of every event of
 * the key, in value state, and a new value per event ({@code event_time} the newest event time,
 * {@code version} the number of events). The aggregations are order-insensitive, so there is no
 * lateness. The state expires when the key had no event for the group's ttl (processing time), as
 * its Redis key does, so inactive entities cost nothing.
 */
final class LifetimeAggregator extends KeyedProcessFunction<String, StreamEvent, FeatureUpdate> {

    private static final long serialVersionUID = 1L;

    private final String entity;
    private final String group;
    private final Duration ttl;
    private final FeatureSet features;

    private transient ValueState<Partial> state;

    private LifetimeAggregator(String entity, String group, Duration ttl, FeatureSet features) {
        this.entity = entity;
        this.group = group;
        this.ttl = ttl;
        this.features = features;
    }

    static LifetimeAggregator of(FeatureGroup group) {
        return new LifetimeAggregator(
                group.entity().name(),
                group.name(),
                group.ttl(),
                FeatureSet.windowed(group, new Window.Lifetime()));
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Partial> descriptor =
                new ValueStateDescriptor<>("lifetime", new PartialSerializer(features));
        descriptor.enableTimeToLive(StateExpiry.afterWrite(ttl));
        state = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(StreamEvent event, Context ctx, Collector<FeatureUpdate> out)
            throws Exception {
        Partial partial = state.value();
        if (partial == null) {
            partial = features.newPartial();
        }
        features.add(partial, event);
        state.update(partial);
        out.collect(
                FeatureUpdate.values(
                        entity,
                        ctx.getCurrentKey(),
                        group,
                        partial.newestEventTime,
                        partial.events,
                        features.values(partial)));
    }
}
