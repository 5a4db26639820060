package dev.tessera.job;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Feature-quality metrics of the values an operator emits, per feature (a bounded set: the names of
 * {@code features.yaml}, never entity ids): counts of null and non-null values, for the null rate,
 * and for numeric values a histogram of their distribution, for drift alerts.
 */
final class FeatureValueMetrics {

    static final String NULL_VALUES = "featureNullValues";
    static final String NON_NULL_VALUES = "featureNonNullValues";
    static final String VALUE_DISTRIBUTION = "featureValue";

    /** Values the histogram keeps: enough for stable quantiles at little memory. */
    private static final int HISTOGRAM_WINDOW = 1024;

    private record PerFeature(Counter nulls, Counter nonNulls, Histogram values) {}

    private final Map<String, PerFeature> byFeature = new HashMap<>();

    /**
     * Registers the metrics of {@code features} under {@code metrics}, each in its feature group.
     */
    FeatureValueMetrics(MetricGroup metrics, FeatureSet features) {
        for (WindowedFeature windowed : features.features()) {
            MetricGroup feature = metrics.addGroup("feature", windowed.name());
            byFeature.put(
                    windowed.name(),
                    new PerFeature(
                            feature.counter(NULL_VALUES),
                            feature.counter(NON_NULL_VALUES),
                            feature.histogram(
                                    VALUE_DISTRIBUTION,
                                    new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW))));
        }
    }

    /** Counts one emitted update's values, by feature name. */
    void record(Map<String, Object> values) {
        values.forEach(
                (name, value) -> {
                    PerFeature metrics = byFeature.get(name);
                    if (metrics == null) {
                        return;
                    }
                    if (value == null) {
                        metrics.nulls().inc();
                        return;
                    }
                    metrics.nonNulls().inc();
                    if (value instanceof Number number) {
                        // Histograms hold longs: doubles are rounded, which keeps their shape.
                        metrics.values().update(Math.round(number.doubleValue()));
                    }
                });
    }
}
