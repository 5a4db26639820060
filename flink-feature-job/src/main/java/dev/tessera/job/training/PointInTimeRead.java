package dev.tessera.job.training;

import dev.tessera.job.Pending;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.serve.PointInTimeStore;
import dev.tessera.spec.serve.Visibility;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The as-of join of a training set, keyed by entity id: feature updates (first input) are written
 * to the entity id's {@link PointInTimeStore} at the moment a reader would first have seen them
 * ({@link Visibility}), and each spine row (second input) is answered by a read at its time. Both
 * wait in state for an event-time timer at that moment: once the watermark of both inputs passes
 * it, every update visible by then has arrived, since an update always arrives before the watermark
 * passes the moment it becomes visible. At equal moments updates go first, as a read at {@code T}
 * sees what was written at {@code T}.
 */
final class PointInTimeRead
        extends KeyedCoProcessFunction<String, FeatureUpdate, SpineRow, TrainingRow> {

    // The spec's model is not serializable: the operator ships its text and parses it once open.
    private final String specName;
    private final String specYaml;
    private final List<String> featureNames;

    private transient FeatureSpec spec;
    private transient List<Feature> features;
    private transient Map<String, FeatureGroup> groups;

    private transient ValueState<PointInTimeStore> store;
    private transient MapState<Long, List<FeatureUpdate>> updates;
    private transient MapState<Long, List<SpineRow>> rows;

    /**
     * @param specName the spec's file name, for messages
     * @param specYaml the spec's text
     * @param featureNames the features to read, of one entity
     */
    PointInTimeRead(String specName, String specYaml, List<String> featureNames) {
        this.specName = specName;
        this.specYaml = specYaml;
        this.featureNames = List.copyOf(featureNames);
    }

    @Override
    public void open(OpenContext openContext) {
        spec = SpecParser.parse(specName, specYaml);
        features = featureNames.stream().map(name -> spec.feature(name).orElseThrow()).toList();
        groups = new HashMap<>();
        features.forEach(f -> groups.put(f.group(), spec.group(f.group()).orElseThrow()));
        store =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "store", TypeInformation.of(PointInTimeStore.class)));
        updates =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "updates",
                                        Types.LONG,
                                        Types.LIST(TypeInformation.of(FeatureUpdate.class))));
        rows =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "rows",
                                        Types.LONG,
                                        Types.LIST(TypeInformation.of(SpineRow.class))));
    }

    @Override
    public void processElement1(FeatureUpdate update, Context ctx, Collector<TrainingRow> out)
            throws Exception {
        if (groups.containsKey(update.group())) {
            Pending.hold(updates, Visibility.visibleFrom(spec, update), update, ctx.timerService());
        }
    }

    @Override
    public void processElement2(SpineRow row, Context ctx, Collector<TrainingRow> out)
            throws Exception {
        Pending.hold(rows, row.time(), row, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingRow> out)
            throws Exception {
        PointInTimeStore current = store.value();
        if (current == null) {
            current = new PointInTimeStore();
        }
        for (FeatureUpdate update : Pending.release(updates, timestamp)) {
            current.apply(update, groups.get(update.group()), timestamp);
        }
        for (SpineRow row : Pending.release(rows, timestamp)) {
            out.collect(new TrainingRow(row.row(), current.read(features, groups, timestamp)));
        }
        store.update(current);
    }
}
