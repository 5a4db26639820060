package dev.tessera.spec.reference;

import dev.tessera.spec.agg.Accumulator;
import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Join;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import dev.tessera.spec.serve.PointInTimeStore;
import dev.tessera.spec.serve.Served;
import dev.tessera.spec.serve.Visibility;
import dev.tessera.spec.store.TileMerger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the pipeline computes, by the definitions and nothing else: a slow, plain implementation of
 * every window kind, lateness rule and aggregation of {@code features.yaml} (aggregations are
 * feature-spec's own accumulators, as everywhere). Tests run the same events through the Flink job
 * and compare.
 *
 * <p>Time model: each stream is read in arrival order by one source that emits a watermark after
 * every event, {@code W = newest event time - out_of_orderness - 1}; an event is judged against the
 * watermark before it. Windows (tumbling, sliding, session) close when {@code W >= end - 1}; an
 * event for a closed window within {@code allowed_lateness} corrects it (a new update, one version
 * more), later ones are dropped as late. A tile of rolling features takes events until {@code W >=
 * start + retention - 1} (retention: the group's largest rolling window plus one tile). At the end
 * of input the watermark jumps to the end of time and every window closes.
 *
 * <p>Joins (see {@link Join}) take the events of both streams that are ahead of their own stream's
 * watermark and emit each match; the features of a join's output take every joined event (the job
 * emits them as the watermark passes them, so no window closes without them). Lifetime features
 * emit a value per event; {@code since} features one per event of either stream.
 */
public final class Reference {

    /**
     * The updates the pipeline would emit, in order, the events it would drop as late, and the
     * events each group's tiles took.
     */
    public record Result(
            List<FeatureUpdate> updates,
            List<LateEvent> late,
            Map<String, List<Event>> tiledEventsByGroup) {

        /** The store after all updates. */
        public StoreModel store(FeatureSpec spec) {
            StoreModel store = new StoreModel(spec);
            updates.forEach(store::apply);
            return store;
        }

        /**
         * A rolling feature's value as of {@code asOf} computed from the events themselves, without
         * tiles: the events whose tile a read at {@code asOf} covers (see {@link TileMerger}).
         */
        public Object rollingValue(
                FeatureSpec spec, String entityId, String featureName, long asOf) {
            Feature feature = spec.feature(featureName).orElseThrow();
            Duration tile = spec.group(feature.group()).orElseThrow().tile();
            Accumulator accumulator = feature.aggregation().newAccumulator();
            for (Event event : tiledEventsByGroup.getOrDefault(feature.group(), List.of())) {
                long tileStart = TileMerger.tileOf(event.eventTime(), tile);
                if (event.entityId().equals(entityId)
                        && TileMerger.covers(feature, tile, tileStart, asOf)
                        && feature.where().test(event.fields())) {
                    Object value =
                            feature.field() == null ? null : event.fields().get(feature.field());
                    accumulator.add(value, event.eventTime());
                }
            }
            return accumulator.result();
        }
    }

    private final FeatureSpec spec;

    public Reference(FeatureSpec spec) {
        this.spec = spec;
    }

    /**
     * What a read would have served at any moment had every event arrived at its event time: the
     * "as of" of training sets (README, "Training data"). The events run through every feature in
     * event-time order, and each update is written at the moment a reader would first see it
     * ({@link Visibility}), by the writer's rules ({@link PointInTimeStore}).
     */
    public AsOf asOf(List<Event> events) {
        List<Event> inTimeOrder = new ArrayList<>(events);
        inTimeOrder.sort(Comparator.comparingLong(Event::eventTime));
        List<FeatureUpdate> updates = new ArrayList<>(run(inTimeOrder).updates());
        // Stable: updates visible at the same moment keep the order they were emitted in.
        updates.sort(Comparator.comparingLong(update -> Visibility.visibleFrom(spec, update)));
        return new AsOf(updates);
    }

    /** The updates of an ideal run, in the order a reader would have seen them. */
    public final class AsOf {

        private final List<FeatureUpdate> updates;

        private AsOf(List<FeatureUpdate> updates) {
            this.updates = updates;
        }

        /** What a read of {@code features} of {@code entityId} at {@code at} serves, in order. */
        public List<Served> read(String entityId, List<String> features, long at) {
            Set<String> groups = new HashSet<>();
            features.forEach(name -> groups.add(spec.feature(name).orElseThrow().group()));
            PointInTimeStore store = new PointInTimeStore();
            for (FeatureUpdate update : updates) {
                long visible = Visibility.visibleFrom(spec, update);
                if (visible > at) {
                    break;
                }
                if (update.entityId().equals(entityId) && groups.contains(update.group())) {
                    store.apply(update, spec.group(update.group()).orElseThrow(), visible);
                }
            }
            List<Served> served = new ArrayList<>(features.size());
            for (String name : features) {
                Feature feature = spec.feature(name).orElseThrow();
                served.add(store.read(feature, spec.group(feature.group()).orElseThrow(), at));
            }
            return served;
        }
    }

    /** Runs events, in arrival order (any mix of streams), through every feature of the spec. */
    public Result run(List<Event> arrivals) {
        List<FeatureUpdate> updates = new ArrayList<>();
        List<LateEvent> late = new ArrayList<>();
        Map<String, List<Event>> tiled = new HashMap<>();
        for (Stream stream : spec.streams()) {
            List<Operator> operators = operators(stream, updates, late, tiled);
            long watermark = Long.MIN_VALUE;
            for (Arrival arrival : arrivals(stream, arrivals)) {
                for (Operator operator : operators) {
                    operator.process(arrival.event(), arrival.watermark());
                }
                if (arrival.watermarkAfter() > watermark) {
                    watermark = arrival.watermarkAfter();
                    for (Operator operator : operators) {
                        operator.advance(watermark);
                    }
                }
            }
            operators.forEach(operator -> operator.advance(Long.MAX_VALUE));
        }
        for (Join join : spec.joins()) {
            // A join emits an event once the watermark has passed it (by the upper bound): no
            // window of the output stream closes before all of its events are in, so the model
            // takes them all and closes every window at the end.
            List<Operator> operators = operators(join.output(), updates, late, tiled);
            for (Event joined : join(join, arrivals)) {
                operators.forEach(operator -> operator.process(joined, Long.MIN_VALUE));
            }
            operators.forEach(operator -> operator.advance(Long.MAX_VALUE));
        }
        for (FeatureGroup group : spec.groups()) {
            for (Window window : windowsOf(group)) {
                if (window instanceof Window.Since since) {
                    runSince(group, since, arrivals, updates);
                }
            }
        }
        return new Result(updates, late, tiled);
    }

    /**
     * An event of a stream as its source reads it: the watermark before it (what it is judged
     * against) and after it.
     */
    private record Arrival(Event event, long watermark, long watermarkAfter) {}

    /** A declared stream's events in arrival order, without repeats, with their watermarks. */
    private static List<Arrival> arrivals(Stream stream, List<Event> arrivals) {
        List<Arrival> ofStream = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        Set<List<Object>> seenIds = new HashSet<>();
        for (Event event : arrivals) {
            if (!event.stream().equals(stream.name()) || isDuplicate(stream, event, seenIds)) {
                continue;
            }
            newest = Math.max(newest, event.eventTime());
            long next = Math.max(watermark, newest - stream.outOfOrderness().toMillis() - 1);
            ofStream.add(new Arrival(event, watermark, next));
            watermark = next;
        }
        return ofStream;
    }

    /**
     * The events a join emits. Events at or behind their own stream's watermark are dropped, but
     * for an as-of join's versions (the job judges them against the join's watermark, the lesser of
     * both streams': the same as long as events stay within their stream's out_of_orderness).
     */
    private static List<Event> join(Join join, List<Event> arrivals) {
        List<Event> left = onTime(join.left(), arrivals);
        // A late version still applies to the events emitted after it arrived (all of them, in
        // a model where each event is emitted as its watermark passes it and nothing is late).
        List<Event> right =
                join instanceof Join.AsOf
                        ? arrivals(join.right(), arrivals).stream().map(Arrival::event).toList()
                        : onTime(join.right(), arrivals);
        List<Event> joined = new ArrayList<>();
        for (Event l : left) {
            List<Object> key = key(join, l);
            Event match = null;
            for (Event r : right) {
                if (key.equals(key(join, r)) && matches(join, l, r, match)) {
                    match = r;
                }
            }
            Map<String, Object> fields = new LinkedHashMap<>(l.fields());
            if (join instanceof Join.Interval interval) {
                if (match == null) {
                    continue;
                }
                enrich(join, match.fields(), fields);
                fields.put(interval.gapField(), (l.eventTime() - match.eventTime()) / 1000.0);
            } else {
                Join.AsOf asOf = (Join.AsOf) join;
                enrich(join, match == null ? asOf.defaults() : match.fields(), fields);
            }
            joined.add(new Event(join.name(), l.entityId(), l.eventTime(), fields));
        }
        return joined;
    }

    /** Whether {@code r} is a better match of {@code l} than {@code best} (null: none yet). */
    private static boolean matches(Join join, Event l, Event r, Event best) {
        if (join instanceof Join.Interval interval) {
            long gap = r.eventTime() - l.eventTime();
            if (gap < interval.lower().toMillis() || gap > interval.upper().toMillis()) {
                return false;
            }
            if (best == null) {
                return true;
            }
            long distance = Math.abs(gap);
            long bestDistance = Math.abs(best.eventTime() - l.eventTime());
            // The nearest; of two as near the later; of two at one time the first to arrive.
            return distance < bestDistance
                    || (distance == bestDistance && r.eventTime() > best.eventTime());
        }
        // As of: the newest version valid at the left event's time; of two versions valid from
        // one time, the last to arrive.
        return r.eventTime() <= l.eventTime()
                && (best == null || r.eventTime() >= best.eventTime());
    }

    /** Adds the right stream's fields (of a matched event, or defaults) under the join's alias. */
    private static void enrich(Join join, Map<String, Object> right, Map<String, Object> fields) {
        Stream stream = join.right();
        for (Field field : stream.fields()) {
            String name = field.name();
            boolean carried =
                    !join.on().contains(name)
                            && (join instanceof Join.Interval || !name.equals(stream.timeField()));
            if (carried && right.get(name) != null) {
                fields.put(join.rightField(name), right.get(name));
            }
        }
    }

    private static List<Object> key(Join join, Event event) {
        return join.on().stream().map(event.fields()::get).toList();
    }

    private static List<Event> onTime(Stream stream, List<Event> arrivals) {
        return arrivals(stream, arrivals).stream()
                .filter(arrival -> arrival.event().eventTime() > arrival.watermark())
                .map(Arrival::event)
                .toList();
    }

    /**
     * A group's features of a {@code since} window, per entity id: the events of the group's stream
     * newer than the newest event of the reset stream. Every event of either stream emits the
     * value, as of the newest time and with a version counting both streams' events.
     */
    private void runSince(
            FeatureGroup group,
            Window.Since since,
            List<Event> arrivals,
            List<FeatureUpdate> updates) {
        List<Feature> features =
                group.windowedFeatures().stream().filter(f -> f.window().equals(since)).toList();
        List<Event> main = arrivals(group.stream(), arrivals).stream().map(Arrival::event).toList();
        List<Event> resets =
                arrivals(since.reset(), arrivals).stream().map(Arrival::event).toList();
        Map<String, List<Event>> seenById = new HashMap<>();
        int m = 0;
        int r = 0;
        for (Event event : arrivals) {
            boolean isMain = m < main.size() && main.get(m) == event;
            boolean isReset = r < resets.size() && resets.get(r) == event;
            if (!isMain && !isReset) {
                continue;
            }
            m += isMain ? 1 : 0;
            r += isReset ? 1 : 0;
            List<Event> seen = seenById.computeIfAbsent(event.entityId(), id -> new ArrayList<>());
            seen.add(event);
            long resetAt =
                    seen.stream()
                            .filter(e -> e.stream().equals(since.reset().name()))
                            .mapToLong(Event::eventTime)
                            .max()
                            .orElse(Long.MIN_VALUE);
            Partial partial = new Partial(features);
            seen.stream()
                    .filter(e -> e.stream().equals(group.stream().name()))
                    .filter(e -> e.eventTime() > resetAt)
                    .forEach(partial::add);
            long newest = seen.stream().mapToLong(Event::eventTime).max().orElseThrow();
            updates.add(
                    FeatureUpdate.values(
                            group.entity().name(),
                            event.entityId(),
                            group.name(),
                            newest,
                            seen.size(),
                            partial.results()));
        }
    }

    /**
     * Whether an event repeats the dedupe id of an earlier one of its entity (ids are remembered
     * for the whole run: tests stay within the stream's dedupe window). A duplicate's time never
     * moves the watermark: the first copy had the same.
     */
    private static boolean isDuplicate(Stream stream, Event event, Set<List<Object>> seenIds) {
        if (stream.dedupe() == null) {
            return false;
        }
        Object id = event.fields().get(stream.dedupe().field());
        return id != null && !seenIds.add(List.of(event.entityId(), id));
    }

    /** The distinct windows of a group's non-rolling features, in order. */
    private static Set<Window> windowsOf(FeatureGroup group) {
        Set<Window> windows = new LinkedHashSet<>();
        group.windowedFeatures().forEach(feature -> windows.add(feature.window()));
        return windows;
    }

    private List<Operator> operators(
            Stream stream,
            List<FeatureUpdate> updates,
            List<LateEvent> late,
            Map<String, List<Event>> tiled) {
        List<Operator> operators = new ArrayList<>();
        for (FeatureGroup group : spec.groupsOf(stream)) {
            Map<Window, List<Feature>> byWindow = new LinkedHashMap<>();
            for (Feature feature : group.windowedFeatures()) {
                byWindow.computeIfAbsent(feature.window(), w -> new ArrayList<>()).add(feature);
            }
            long lateness = stream.allowedLateness().toMillis();
            byWindow.forEach(
                    (window, features) -> {
                        if (window instanceof Window.Session session) {
                            operators.add(
                                    new Sessions(
                                            group, session, features, lateness, updates, late));
                        } else if (window instanceof Window.Lifetime) {
                            operators.add(new Lifetime(group, features, updates));
                        } else if (!(window instanceof Window.Since)) { // see runSince
                            operators.add(
                                    new FixedWindows(
                                            group, window, features, lateness, updates, late));
                        }
                    });
            if (!group.rollingFeatures().isEmpty()) {
                operators.add(
                        new Tiles(
                                group,
                                updates,
                                late,
                                tiled.computeIfAbsent(group.name(), g -> new ArrayList<>())));
            }
        }
        return operators;
    }

    /** Accumulators of some features over some events, and how many events (the version). */
    private static final class Partial {
        final List<Feature> features;
        final List<Accumulator> accumulators = new ArrayList<>();
        long events;
        long newestEventTime = Long.MIN_VALUE;

        Partial(List<Feature> features) {
            this.features = features;
            features.forEach(f -> accumulators.add(f.aggregation().newAccumulator()));
        }

        void add(Event event) {
            events++;
            newestEventTime = Math.max(newestEventTime, event.eventTime());
            for (int i = 0; i < features.size(); i++) {
                Feature feature = features.get(i);
                if (feature.where().test(event.fields())) {
                    Object value =
                            feature.field() == null ? null : event.fields().get(feature.field());
                    accumulators.get(i).add(value, event.eventTime());
                }
            }
        }

        void merge(Partial other) {
            events += other.events;
            newestEventTime = Math.max(newestEventTime, other.newestEventTime);
            for (int i = 0; i < accumulators.size(); i++) {
                accumulators.get(i).merge(other.accumulators.get(i));
            }
        }

        /** The update of a closed window ending at {@code end}. */
        FeatureUpdate update(FeatureGroup group, String entityId, long end) {
            return FeatureUpdate.values(
                    group.entity().name(), entityId, group.name(), end, events, results());
        }

        Map<String, Object> results() {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < features.size(); i++) {
                values.put(features.get(i).name(), accumulators.get(i).result());
            }
            return values;
        }
    }

    private interface Operator {
        void process(Event event, long watermark);

        void advance(long watermark);
    }

    /** Tumbling and sliding windows: fixed, epoch-aligned ends every {@code slide}. */
    private static final class FixedWindows implements Operator {
        final FeatureGroup group;
        final List<Feature> features;
        final long size;
        final long slide;
        final long lateness;
        final List<FeatureUpdate> updates;
        final List<LateEvent> late;

        /** Per entity id, window end to its partial; fired ones are marked. */
        final Map<String, TreeMap<Long, Partial>> open = new HashMap<>();

        final Map<String, Set<Long>> fired = new HashMap<>();

        FixedWindows(
                FeatureGroup group,
                Window window,
                List<Feature> features,
                long lateness,
                List<FeatureUpdate> updates,
                List<LateEvent> late) {
            this.group = group;
            this.features = features;
            this.size = window.size().toMillis();
            this.slide =
                    window instanceof Window.Sliding sliding ? sliding.slide().toMillis() : size;
            this.lateness = lateness;
            this.updates = updates;
            this.late = late;
        }

        @Override
        public void process(Event event, long watermark) {
            long t = event.eventTime();
            long firstEnd = Math.floorDiv(t, slide) * slide + slide;
            boolean counted = false;
            for (long end = firstEnd; end <= t + size; end += slide) {
                if (end - 1 + lateness <= watermark) {
                    continue; // this window is gone
                }
                counted = true;
                Partial partial =
                        open.computeIfAbsent(event.entityId(), id -> new TreeMap<>())
                                .computeIfAbsent(end, e -> new Partial(features));
                partial.add(event);
                if (end - 1 <= watermark) {
                    emit(event.entityId(), end, partial); // a correction of a closed window
                    fired.computeIfAbsent(event.entityId(), id -> new HashSet<>()).add(end);
                }
            }
            if (!counted) {
                late.add(
                        new LateEvent(event, group.name(), "every window of the event has closed"));
            }
        }

        @Override
        public void advance(long watermark) {
            open.forEach(
                    (id, windows) -> {
                        Set<Long> done = fired.computeIfAbsent(id, k -> new HashSet<>());
                        for (Iterator<Map.Entry<Long, Partial>> it = windows.entrySet().iterator();
                                it.hasNext(); ) {
                            Map.Entry<Long, Partial> window = it.next();
                            long end = window.getKey();
                            if (end - 1 <= watermark && done.add(end)) {
                                emit(id, end, window.getValue());
                            }
                            if (end - 1 + lateness <= watermark) {
                                it.remove();
                                done.remove(end);
                            }
                        }
                    });
        }

        private void emit(String id, long end, Partial partial) {
            updates.add(partial.update(group, id, end));
        }
    }

    /** Session windows, merged as events arrive, as Flink's merging window operator does. */
    private static final class Sessions implements Operator {
        record Session(long start, long end, Partial partial) {}

        final FeatureGroup group;
        final List<Feature> features;
        final long gap;
        final long lateness;
        final List<FeatureUpdate> updates;
        final List<LateEvent> late;
        final Map<String, List<Session>> sessions = new HashMap<>();
        final Map<String, Set<Long>> firedEnds = new HashMap<>();

        Sessions(
                FeatureGroup group,
                Window.Session window,
                List<Feature> features,
                long lateness,
                List<FeatureUpdate> updates,
                List<LateEvent> late) {
            this.group = group;
            this.features = features;
            this.gap = window.gap().toMillis();
            this.lateness = lateness;
            this.updates = updates;
            this.late = late;
        }

        @Override
        public void process(Event event, long watermark) {
            long start = event.eventTime();
            long end = start + gap;
            List<Session> ofEntity =
                    sessions.computeIfAbsent(event.entityId(), id -> new ArrayList<>());
            Partial partial = new Partial(features);
            partial.add(event);
            List<Session> merged = new ArrayList<>();
            for (Session session : ofEntity) {
                if (session.start() <= end && session.end() >= start) {
                    merged.add(session);
                }
            }
            if (merged.isEmpty() && end - 1 + lateness <= watermark) {
                late.add(new LateEvent(event, group.name(), "its session has closed"));
                return;
            }
            for (Session session : merged) {
                ofEntity.remove(session);
                start = Math.min(start, session.start());
                end = Math.max(end, session.end());
                partial.merge(session.partial());
            }
            ofEntity.add(new Session(start, end, partial));
            if (end - 1 <= watermark) {
                emit(event.entityId(), end, partial); // fires again for a late event
                firedEnds.computeIfAbsent(event.entityId(), id -> new HashSet<>()).add(end);
            }
        }

        @Override
        public void advance(long watermark) {
            sessions.forEach(
                    (id, ofEntity) -> {
                        Set<Long> fired = firedEnds.computeIfAbsent(id, k -> new HashSet<>());
                        for (Iterator<Session> it = ofEntity.iterator(); it.hasNext(); ) {
                            Session session = it.next();
                            if (session.end() - 1 <= watermark && fired.add(session.end())) {
                                emit(id, session.end(), session.partial());
                            }
                            if (session.end() - 1 + lateness <= watermark) {
                                it.remove();
                                fired.remove(session.end());
                            }
                        }
                    });
        }

        private void emit(String id, long end, Partial partial) {
            updates.add(partial.update(group, id, end));
        }
    }

    /** A group's lifetime features: every event of an entity id, a new value per event. */
    private static final class Lifetime implements Operator {
        final FeatureGroup group;
        final List<Feature> features;
        final List<FeatureUpdate> updates;
        final Map<String, Partial> byId = new HashMap<>();

        Lifetime(FeatureGroup group, List<Feature> features, List<FeatureUpdate> updates) {
            this.group = group;
            this.features = features;
            this.updates = updates;
        }

        @Override
        public void process(Event event, long watermark) {
            Partial partial = byId.computeIfAbsent(event.entityId(), id -> new Partial(features));
            partial.add(event);
            updates.add(partial.update(group, event.entityId(), partial.newestEventTime));
        }

        @Override
        public void advance(long watermark) {}
    }

    /** Tiles of a group's rolling features. */
    private static final class Tiles implements Operator {
        final FeatureGroup group;
        final List<Feature> features;
        final long tile;
        final long retention;
        final List<FeatureUpdate> updates;
        final List<LateEvent> late;
        final List<Event> taken;
        final Map<String, TreeMap<Long, Partial>> tiles = new HashMap<>();

        Tiles(
                FeatureGroup group,
                List<FeatureUpdate> updates,
                List<LateEvent> late,
                List<Event> taken) {
            this.group = group;
            this.features = group.rollingFeatures();
            this.tile = group.tile().toMillis();
            this.retention = group.tileRetention().toMillis();
            this.updates = updates;
            this.late = late;
            this.taken = taken;
        }

        @Override
        public void process(Event event, long watermark) {
            long start = TileMerger.tileOf(event.eventTime(), group.tile());
            if (start + retention - 1 <= watermark) {
                late.add(
                        new LateEvent(
                                event, group.name(), "older than the largest rolling window"));
                return;
            }
            taken.add(event);
            Partial partial =
                    tiles.computeIfAbsent(event.entityId(), id -> new TreeMap<>())
                            .computeIfAbsent(start, s -> new Partial(features));
            partial.add(event);
            Map<String, byte[]> partials = new LinkedHashMap<>();
            for (int i = 0; i < features.size(); i++) {
                partials.put(features.get(i).name(), partial.accumulators.get(i).encode());
            }
            updates.add(
                    FeatureUpdate.tile(
                            group.entity().name(),
                            event.entityId(),
                            group.name(),
                            partial.newestEventTime,
                            partial.events,
                            new FeatureUpdate.Tile(start, partials)));
        }

        @Override
        public void advance(long watermark) {
            tiles.values()
                    .forEach(
                            ofEntity ->
                                    ofEntity.keySet()
                                            .removeIf(start -> start + retention - 1 <= watermark));
        }
    }
}
