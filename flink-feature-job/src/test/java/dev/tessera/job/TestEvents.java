package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Specs and events of the tests. */
final class TestEvents {

    /** The example {@code features.yaml} at the repository root. */
    static final FeatureSpec SPEC = SpecParser.parse(Path.of("..", "features.yaml"));

    /** The start of a 5-minute window (windows are aligned to the epoch). */
    static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();

    static final long MINUTE = Duration.ofMinutes(1).toMillis();
    static final long FIVE_MINUTES = 5 * MINUTE;

    private TestEvents() {}

    /**
     * A spec with one group per window kind over a {@code transactions} stream with a 5 s bound and
     * the given allowed lateness:
     *
     * <ul>
     *   <li>{@code tumbling}: {@code count_5m}, {@code sum_5m}, {@code large_5m} (count of amount
     *       >= 100), over {@code tumbling(5m)};
     *   <li>{@code sliding}: {@code count_15m}, {@code sum_15m} over {@code sliding(15m, 5m)};
     *   <li>{@code sessions}: {@code session_count}, {@code session_first_merchant} over {@code
     *       session(10m)};
     *   <li>{@code rolling} (1-minute tiles, retention 6 minutes): {@code sum_5m_rolling} over
     *       {@code rolling(5m)}, {@code large_3m_rolling} (count of amount >= 100) over {@code
     *       rolling(3m)}.
     * </ul>
     */
    static FeatureSpec spec(Duration lateness) {
        return SpecParser.parse(
                "test.yaml",
                """
                entities:
                  user: {key: user_id}
                streams:
                  transactions:
                    entity: user
                    watermark: {out_of_orderness: 5s, idleness: 10s}
                    allowed_lateness: %s
                    fields: {user_id: string, amount: double, merchant: 'string?', ts: timestamp}
                feature_groups:
                  tumbling:
                    entity: user
                    stream: transactions
                    ttl: 1d
                    features:
                      count_5m: {aggregation: count, window: tumbling(5m)}
                      sum_5m: {aggregation: sum, field: amount, window: tumbling(5m)}
                      large_5m: {aggregation: count, where: amount >= 100, window: tumbling(5m)}
                  sliding:
                    entity: user
                    stream: transactions
                    ttl: 1d
                    features:
                      count_15m: {aggregation: count, window: 'sliding(15m, 5m)'}
                      sum_15m: {aggregation: sum, field: amount, window: 'sliding(15m, 5m)'}
                  sessions:
                    entity: user
                    stream: transactions
                    ttl: 1d
                    features:
                      session_count: {aggregation: count, window: session(10m)}
                      session_first_merchant:
                        aggregation: first
                        field: merchant
                        window: session(10m)
                  rolling:
                    entity: user
                    stream: transactions
                    ttl: 1d
                    tile: 1m
                    features:
                      sum_5m_rolling: {aggregation: sum, field: amount, window: rolling(5m)}
                      large_3m_rolling:
                        aggregation: count
                        where: amount >= 100
                        window: rolling(3m)
                """
                        .formatted(LateEvents.duration(lateness.toMillis())));
    }

    /**
     * The job's settings for deterministic runs: one source subtask per stream, a watermark after
     * every event (the reference implementation's time model), a tile update per event.
     */
    static FeatureJob.Settings deterministic() {
        return FeatureJob.Settings.defaults()
                .withWatermarks(Watermarks::perEvent)
                .withTileEmitInterval(Duration.ZERO)
                .withSourceParallelism(1);
    }

    static FeatureGroup group(FeatureSpec spec, String name) {
        return spec.group(name).orElseThrow();
    }

    /** A transaction of {@code user} at {@code T0 + offset}. */
    static StreamEvent transaction(String user, Duration offset, double amount) {
        return transaction(user, offset, amount, null);
    }

    /** A transaction of {@code user} at {@code T0 + offset} at a merchant (or none). */
    static StreamEvent transaction(String user, Duration offset, double amount, String merchant) {
        long ts = T0 + offset.toMillis();
        Map<String, Object> fields = new HashMap<>();
        fields.put("user_id", user);
        fields.put("ts", ts);
        fields.put("amount", amount);
        if (merchant != null) {
            fields.put("merchant", merchant);
        }
        return new StreamEvent(user, ts, Map.copyOf(fields));
    }

    static Duration at(int minutes, int seconds) {
        return Duration.ofMinutes(minutes).plusSeconds(seconds);
    }

    /** The update of the {@code tumbling} group of {@link #spec}. */
    static FeatureUpdate tumbling(
            String user, long windowEnd, long version, long count, double sum, long large) {
        return FeatureUpdate.values(
                "user",
                user,
                "tumbling",
                windowEnd,
                version,
                values("count_5m", count, "sum_5m", sum, "large_5m", large));
    }

    /** The update of the {@code sliding} group of {@link #spec}. */
    static FeatureUpdate sliding(String user, long windowEnd, long version, double sum) {
        return FeatureUpdate.values(
                "user",
                user,
                "sliding",
                windowEnd,
                version,
                values("count_15m", version, "sum_15m", sum));
    }

    /** Name, value, name, value, ... in order (values may be null). */
    static Map<String, Object> values(Object... namesAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return values;
    }
}
