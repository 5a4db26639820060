package dev.tessera.bench;

/** Builds {@link Figure}s checked against the targets, saying by how much one is missed. */
final class Targets {

    private Targets() {}

    /** A latency that should stay at or below {@code limit}. */
    static Figure atMost(String section, String name, double value, String unit, double limit) {
        boolean met = value <= limit;
        return new Figure(
                section,
                name,
                value,
                unit,
                null,
                "",
                "<= " + format(limit) + " " + unit,
                met,
                met ? "" : format(value / limit) + "x the target");
    }

    /** A figure that should be at least {@code minRatio} of a baseline's. */
    static Figure ratioAtLeast(
            String section,
            String name,
            double value,
            String unit,
            double baseline,
            String baselineName,
            double minRatio) {
        double ratio = baseline == 0 ? 0 : value / baseline;
        boolean met = ratio >= minRatio;
        return new Figure(
                section,
                name,
                value,
                unit,
                baseline,
                baselineName,
                ">= " + format(minRatio) + " of baseline",
                met,
                met ? "" : format(ratio / minRatio) + " of the target ratio");
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100) {
            return String.format("%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format("%.1f", value);
        }
        return String.format("%.2f", value);
    }
}
