package dev.tessera.job.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.spec.avro.FeatureLogEntry.LoggedFeature;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.ValueType;
import dev.tessera.spec.serve.FeatureStatus;
import dev.tessera.spec.serve.Served;
import dev.tessera.spec.serve.Visibility;
import dev.tessera.spec.store.FeatureValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Online answers (a feature log) compared with the training set of the same (id, time) rows, per
 * feature: rows compared, matches, and each difference counted by kind and classified by cause.
 *
 * <ul>
 *   <li>kind: {@code missing} (online MISSING, offline a value), {@code extra} (online a value,
 *       offline MISSING), {@code mismatch} (both a value, different value, time or status);
 *   <li>cause: {@code lag} (online as of an older event time, or MISSING, and the training set's
 *       value was first seen at most {@code maxLag} before the read: the update had not reached the
 *       store yet, the pipeline's latency), {@code out_of_order} (a rolling, lifetime or since
 *       feature as of the same newest event time with another value, as young: an older event had
 *       not reached the store yet), {@code ahead} (online as of a newer event time, or a value
 *       where the training set has none: events seen before their event time, such as a reader
 *       merging a tile with events stamped after the read, or producers' clocks ahead), {@code
 *       correction} (a window of the same end with another value: a late event corrected it after
 *       it was served), {@code unexplained} (anything else, such as a lag longer than {@code
 *       maxLag}: a bug, or a pipeline that fell behind).
 * </ul>
 *
 * SMAPE (symmetric mean absolute percentage error, 0 to 2) is over rows where both sides hold a
 * number.
 */
final class ConsistencyReport {

    static final String[] CAUSES = {"lag", "out_of_order", "ahead", "correction", "unexplained"};

    /** One feature's counts. */
    static final class FeatureCounts {
        long rows;
        long matches;
        long missing;
        long extra;
        long mismatches;
        final Map<String, Long> causes = new TreeMap<>();
        private double smapeSum;
        private long smapeRows;
        private final boolean numeric;

        FeatureCounts(boolean numeric) {
            this.numeric = numeric;
            for (String cause : CAUSES) {
                causes.put(cause, 0L);
            }
        }

        double mismatchRate() {
            return rows == 0 ? 0 : (double) (rows - matches) / rows;
        }

        /** Null for a feature that is not numeric, or without rows to compare. */
        Double smape() {
            return !numeric || smapeRows == 0 ? null : smapeSum / smapeRows;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, FeatureCounts> features = new TreeMap<>();

    /** Each differing read, one JSON object a line. */
    final List<String> differences = new ArrayList<>();

    long entries;
    private final FeatureSpec spec;
    private final long maxLag;

    ConsistencyReport(FeatureSpec spec, Duration maxLag) {
        this.spec = spec;
        this.maxLag = maxLag.toMillis();
    }

    /** Counts one feature of one logged read at {@code at} against what the training set says. */
    void compare(Feature feature, String entityId, long at, LoggedFeature online, Served offline) {
        boolean numeric =
                feature.valueType() == ValueType.LONG || feature.valueType() == ValueType.DOUBLE;
        FeatureCounts counts =
                features.computeIfAbsent(feature.name(), name -> new FeatureCounts(numeric));
        counts.rows++;
        String offlineValue =
                offline.value() == null ? null : FeatureValueCodec.encode(offline.value());
        if (numeric && online.value() != null && offlineValue != null) {
            double a = Double.parseDouble(online.value());
            double b = Double.parseDouble(offlineValue);
            double scale = (Math.abs(a) + Math.abs(b)) / 2;
            counts.smapeSum += scale == 0 ? 0 : Math.abs(a - b) / scale;
            counts.smapeRows++;
        }
        boolean onlineMissing = online.status().equals(FeatureStatus.MISSING.name());
        boolean offlineMissing = offline.status() == FeatureStatus.MISSING;
        if (online.status().equals(offline.status().name())
                && Objects.equals(online.value(), offlineValue)
                && Objects.equals(online.eventTime(), offline.eventTime())) {
            counts.matches++;
            return;
        }
        boolean window = Visibility.closesWindows(feature);
        // How long before the read the training set's value was first seen.
        long seenFor =
                offlineMissing
                        ? 0
                        : at
                                - offline.eventTime()
                                - Visibility.delay(
                                        spec, spec.group(feature.group()).orElseThrow(), window);
        String cause;
        if (onlineMissing) {
            counts.missing++;
            cause = seenFor <= maxLag ? "lag" : "unexplained";
        } else if (offlineMissing) {
            counts.extra++;
            cause = "ahead";
        } else {
            counts.mismatches++;
            int order = Long.compare(online.eventTime(), offline.eventTime());
            if (order > 0) {
                cause = "ahead";
            } else if (order < 0) {
                cause = seenFor <= maxLag ? "lag" : "unexplained";
            } else if (window) {
                cause = "correction";
            } else {
                cause = seenFor <= maxLag ? "out_of_order" : "unexplained";
            }
        }
        counts.causes.merge(cause, 1L, Long::sum);
        ObjectNode difference = JSON.createObjectNode();
        difference.put("feature", feature.name());
        difference.put("entity_id", entityId);
        difference.put("request_time", at);
        difference.put("cause", cause);
        side(difference.putObject("online"), online.value(), online.status(), online.eventTime());
        side(
                difference.putObject("offline"),
                offlineValue,
                offline.status().name(),
                offline.eventTime());
        differences.add(difference.toString());
    }

    private static void side(ObjectNode node, String value, String status, Long eventTime) {
        node.put("value", value);
        node.put("status", status);
        node.put("event_time", eventTime);
    }

    long unexplained() {
        return features.values().stream().mapToLong(c -> c.causes.get("unexplained")).sum();
    }

    /** The report as JSON. */
    String json() {
        ObjectNode report = JSON.createObjectNode();
        report.put("entries", entries);
        report.put("unexplained", unexplained());
        ObjectNode byFeature = report.putObject("features");
        features.forEach(
                (name, c) -> {
                    ObjectNode node = byFeature.putObject(name);
                    node.put("rows", c.rows);
                    node.put("matches", c.matches);
                    node.put("mismatch_rate", c.mismatchRate());
                    node.put("missing", c.missing);
                    node.put("extra", c.extra);
                    node.put("mismatches", c.mismatches);
                    node.put("smape", c.smape());
                    ObjectNode causes = node.putObject("causes");
                    c.causes.forEach(causes::put);
                });
        return report.toPrettyString() + "\n";
    }

    /** The report as a short table. */
    String table() {
        StringBuilder table =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "%-36s %7s %9s %7s %7s %8s %7s  %s%n",
                                "feature",
                                "rows",
                                "mismatch",
                                "missing",
                                "extra",
                                "differ",
                                "smape",
                                "causes (lag/out of order/ahead/correction/unexplained)"));
        features.forEach(
                (name, c) ->
                        table.append(
                                String.format(
                                        Locale.ROOT,
                                        "%-36s %7d %8.4f%% %7d %7d %8d %7s  %d/%d/%d/%d/%d%n",
                                        name,
                                        c.rows,
                                        100 * c.mismatchRate(),
                                        c.missing,
                                        c.extra,
                                        c.mismatches,
                                        c.smape() == null
                                                ? "-"
                                                : String.format(Locale.ROOT, "%.4f", c.smape()),
                                        c.causes.get("lag"),
                                        c.causes.get("out_of_order"),
                                        c.causes.get("ahead"),
                                        c.causes.get("correction"),
                                        c.causes.get("unexplained"))));
        return table.toString();
    }

    /**
     * The rates as Prometheus gauges, in the text format a node exporter's textfile collector
     * reads.
     */
    String prometheus() {
        StringBuilder text = new StringBuilder();
        gauge(text, "tessera_consistency_rows", "Logged reads compared, per feature.");
        features.forEach((name, c) -> sample(text, "tessera_consistency_rows", name, c.rows));
        gauge(
                text,
                "tessera_consistency_mismatch_rate",
                "Share of logged reads whose value, status or event time differs from the training set's.");
        features.forEach(
                (name, c) ->
                        sample(text, "tessera_consistency_mismatch_rate", name, c.mismatchRate()));
        gauge(text, "tessera_consistency_smape", "SMAPE of numeric features, 0 to 2.");
        features.forEach(
                (name, c) -> {
                    if (c.smape() != null) {
                        sample(text, "tessera_consistency_smape", name, c.smape());
                    }
                });
        gauge(text, "tessera_consistency_differences", "Differing reads by cause.");
        features.forEach(
                (name, c) ->
                        c.causes.forEach(
                                (cause, count) ->
                                        text.append("tessera_consistency_differences{feature=\"")
                                                .append(name)
                                                .append("\",cause=\"")
                                                .append(cause)
                                                .append("\"} ")
                                                .append(count)
                                                .append('\n')));
        return text.toString();
    }

    private static void gauge(StringBuilder text, String name, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void sample(StringBuilder text, String name, String feature, Number value) {
        text.append(name)
                .append("{feature=\"")
                .append(feature)
                .append("\"} ")
                .append(value)
                .append('\n');
    }
}
