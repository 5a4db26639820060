package dev.tessera.dev;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape in the Prometheus text format, for tests that assert metrics exist and move: samples
 * looked up by name and a subset of their labels.
 */
public final class PrometheusText {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();

    public PrometheusText(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.trim());
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, parse(sample.group(4))));
        }
    }

    /** The names of every sample. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(sample -> names.add(sample.name()));
        return names;
    }

    /** Whether some sample is named {@code name} and has {@code labels} (among others). */
    public boolean has(String name, Map<String, String> labels) {
        return samples.stream().anyMatch(sample -> matches(sample, name, labels));
    }

    /**
     * The sum of the samples named {@code name} with {@code labels} (among others): 0 when there is
     * none, so counters that were never incremented read as 0.
     */
    public double sum(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(sample -> matches(sample, name, labels))
                .mapToDouble(Sample::value)
                .filter(value -> !Double.isNaN(value))
                .sum();
    }

    /** The largest of the samples named {@code name} with {@code labels}, or NaN when none. */
    public double max(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(sample -> matches(sample, name, labels))
                .mapToDouble(Sample::value)
                .max()
                .orElse(Double.NaN);
    }

    /** The smallest of the samples named {@code name} with {@code labels}, or NaN when none. */
    public double min(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(sample -> matches(sample, name, labels))
                .mapToDouble(Sample::value)
                .min()
                .orElse(Double.NaN);
    }

    /**
     * A histogram's cumulative bucket counts, summed over its other labels: upper bound ({@code
     * le}) to count, in ascending order of bounds; empty when there is no such histogram.
     *
     * @param histogram its name without {@code _bucket}
     */
    public SortedMap<Double, Double> buckets(String histogram) {
        SortedMap<Double, Double> buckets = new TreeMap<>();
        for (Sample sample : samples) {
            String le = sample.labels().get("le");
            if (le != null && sample.name().equals(histogram + "_bucket")) {
                buckets.merge(parse(le), sample.value(), Double::sum);
            }
        }
        return buckets;
    }

    private static boolean matches(Sample sample, String name, Map<String, String> labels) {
        return sample.name().equals(name)
                && labels.entrySet().stream()
                        .allMatch(
                                label ->
                                        label.getValue()
                                                .equals(sample.labels().get(label.getKey())));
    }

    private static double parse(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
    }
}
