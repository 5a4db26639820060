package dev.tessera.bench;

/**
 * One measured figure of the suite, with what it is compared against.
 *
 * @param section the part measured: reader, gateway, job, end-to-end
 * @param name what was measured, under which load
 * @param value the figure
 * @param unit its unit
 * @param baseline the baseline's figure in the same unit, run side by side, or null
 * @param baselineName what the baseline is
 * @param target the target, as a sentence (empty when the figure has none)
 * @param met whether the target is met, or null when there is none
 * @param gap by how much a missed target is missed, as a sentence (empty when met or none)
 */
public record Figure(
        String section,
        String name,
        double value,
        String unit,
        Double baseline,
        String baselineName,
        String target,
        Boolean met,
        String gap) {

    /** A figure with neither baseline nor target: context for the others. */
    public static Figure info(String section, String name, double value, String unit) {
        return new Figure(section, name, value, unit, null, "", "", null, "");
    }

    /** A figure beside a baseline, with no target: how far apart they are. */
    public static Figure compared(
            String section,
            String name,
            double value,
            String unit,
            double baseline,
            String baselineName) {
        return new Figure(section, name, value, unit, baseline, baselineName, "", null, "");
    }

    /** The figure over its baseline, or null without one. */
    public Double ratio() {
        return baseline == null || baseline == 0 ? null : value / baseline;
    }
}
