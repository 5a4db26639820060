package dev.tessera.writer.service;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Window;
import dev.tessera.writer.store.UnwritableUpdateException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer's metrics, tagged by feature group (a bounded set: the groups of {@code
 * features.yaml}). The consumer lag comes from the Kafka client's own metrics ({@code
 * kafka_consumer_fetch_manager_records_lag_max}).
 */
// At start-up, not on the first batch: the per-group gauges must exist before anything is written,
// or an alert on them sees no series at all.
@Startup
@ApplicationScoped
public class WriteMetrics {

    /** Freshness buckets: from sub-second (rolling tiles) to the hour (large windows, backlogs). */
    private static final Duration[] FRESHNESS_BUCKETS = {
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(5),
        Duration.ofMinutes(15),
        Duration.ofHours(1)
    };

    private static final Duration[] WRITE_LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5)
    };

    /** From the job's send to Redis: tens of milliseconds when healthy, seconds under a backlog. */
    private static final Duration[] DELIVERY_DELAY_BUCKETS = {
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30)
    };

    /** The meters of one feature group, registered at start-up rather than looked up per update. */
    private record GroupMeters(Counter written, Timer freshnessLag, AtomicLong newestEventTime) {}

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer writeLatency;
    private final Timer deliveryDelay;
    private final Map<String, GroupMeters> groups = new HashMap<>();

    public WriteMetrics(MeterRegistry registry, FeatureSpec spec) {
        this.registry = registry;
        // At start-up, so that the first dead letter shows in increase() and alerts.
        for (String reason : UnwritableUpdateException.REASONS) {
            deadLetters(reason);
        }
        for (FeatureGroup group : spec.groups()) {
            // With the newest event time written, what the freshness alert compares: a group is
            // stale when nothing newer than twice its update interval was written.
            Gauge.builder(
                            "tessera.writer.group.update.interval",
                            () -> updateInterval(group).toMillis() / 1000.0)
                    .description(
                            "How often the group's values change in event time (features.yaml)")
                    .tag("group", group.name())
                    .baseUnit("seconds")
                    .register(registry);
            AtomicLong newest = new AtomicLong();
            Gauge.builder("tessera.writer.newest.event.time", newest, n -> n.get() / 1000.0)
                    .description("The newest event time written for the group (epoch seconds)")
                    .tag("group", group.name())
                    .baseUnit("seconds")
                    .register(registry);
            groups.put(
                    group.name(),
                    new GroupMeters(
                            Counter.builder("tessera.writer.updates.written")
                                    .description("Feature updates written to Redis")
                                    .tag("group", group.name())
                                    .register(registry),
                            Timer.builder("tessera.writer.freshness.lag")
                                    .description(
                                            "Wall clock minus the event time of a written update")
                                    .tag("group", group.name())
                                    .serviceLevelObjectives(FRESHNESS_BUCKETS)
                                    .register(registry),
                            newest));
        }
        this.batchSize =
                DistributionSummary.builder("tessera.writer.batch.size")
                        .description("Feature updates per consumed Kafka batch")
                        .serviceLevelObjectives(1, 10, 100, 500, 1000, 2000)
                        .register(registry);
        this.writeLatency =
                Timer.builder("tessera.writer.write.latency")
                        .description("Time to write one batch to Redis, retries included")
                        .serviceLevelObjectives(WRITE_LATENCY_BUCKETS)
                        .register(registry);
        this.deliveryDelay =
                Timer.builder("tessera.writer.delivery.delay")
                        .description(
                                "Time from the job's send of an update (its Kafka record's"
                                        + " timestamp) until it is stored in Redis")
                        .serviceLevelObjectives(DELIVERY_DELAY_BUCKETS)
                        .register(registry);
    }

    public void batch(int updates) {
        batchSize.record(updates);
    }

    public void batchWritten(Duration latency) {
        writeLatency.record(latency);
    }

    /**
     * One update stored: counted for its group, and its freshness lag (wall clock minus its event
     * time: the end of its window, or a tile's newest event) recorded.
     */
    public void written(FeatureUpdate update) {
        GroupMeters meters = groups.get(update.group());
        if (meters == null) {
            return;
        }
        meters.written().increment();
        // An event time ahead of the wall clock (producers' clocks, or windows closed by events
        // stamped in the future) counts as perfectly fresh.
        meters.freshnessLag()
                .record(
                        Duration.ofMillis(
                                Math.max(
                                        0,
                                        registry.config().clock().wallTime()
                                                - update.eventTime())));
        meters.newestEventTime().accumulateAndGet(update.eventTime(), Math::max);
    }

    /**
     * Updates stored, by the timestamps of their Kafka records (when the job sent them): where an
     * update's time between the job and Redis goes, apart from the write itself.
     */
    public void delivered(long[] sentAtMillis) {
        long now = registry.config().clock().wallTime();
        for (long sentAt : sentAtMillis) {
            // A timestamp ahead of this clock (the job's host drifts) counts as no delay.
            deliveryDelay.record(Duration.ofMillis(Math.max(0, now - sentAt)));
        }
    }

    /** One record sent to the dead-letter topic, by reason (a bounded set of tokens). */
    public void deadLetter(String reason) {
        deadLetters(reason).increment();
    }

    private Counter deadLetters(String reason) {
        return Counter.builder("tessera.writer.dead.letters")
                .description(
                        "Feature updates the writer can never apply, sent to the dead-letter topic")
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * The shortest time between two updates of some feature of the group, in event time: a tumbling
     * window's size, a sliding window's slide, a session's gap, a rolling window's tile.
     */
    static Duration updateInterval(FeatureGroup group) {
        return group.features().stream()
                .map(feature -> updateInterval(feature.window(), group.tile()))
                .min(Duration::compareTo)
                .orElseThrow();
    }

    private static Duration updateInterval(Window window, Duration tile) {
        if (window instanceof Window.Sliding sliding) {
            return sliding.slide();
        }
        if (window instanceof Window.Rolling) {
            return tile;
        }
        // Tumbling: its size; session: its gap (Window#size of a session).
        return window.size();
    }
}
