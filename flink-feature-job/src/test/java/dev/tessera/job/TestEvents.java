package dev.tessera.job;

import dev.tessera.spec.avro.FeatureUpdate;
import dev.tessera.spec.model.FeatureGroup;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The repository's example spec and events of its {@code transactions} stream. */
final class TestEvents {

    /** The example {@code features.yaml} at the repository root. */
    static final FeatureSpec SPEC = SpecParser.parse(Path.of("..", "features.yaml"));

    /** The start of a 5-minute window (windows are aligned to the epoch). */
    static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();

    static final long FIVE_MINUTES = Duration.ofMinutes(5).toMillis();

    private TestEvents() {}

    /** The example spec's {@code user_transactions_5m} group. */
    static FeatureGroup userTransactions5m() {
        return SPEC.group("user_transactions_5m").orElseThrow();
    }

    /**
     * The update of the example spec's {@code user_transactions_5m} group for one user and window.
     */
    static FeatureUpdate transactionsUpdate(String user, long windowEnd, long count, double sum) {
        return new FeatureUpdate(
                "user",
                user,
                "user_transactions_5m",
                windowEnd,
                Map.of("txn_count_5m", count, "txn_amount_sum_5m", sum));
    }

    /** A transaction of {@code user} at {@code T0 + offset}. */
    static StreamEvent transaction(String user, Duration offset, double amount) {
        long ts = T0 + offset.toMillis();
        return new StreamEvent(user, ts, Map.of("user_id", user, "ts", ts, "amount", amount));
    }

    static Duration at(int minutes, int seconds) {
        return Duration.ofMinutes(minutes).plusSeconds(seconds);
    }
}
