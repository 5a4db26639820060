package dev.tessera.bench;

/** Reads redis-benchmark's {@code --csv} output. */
final class RedisBenchmarkCsv {

    private RedisBenchmarkCsv() {}

    /** The requests per second of the (only) test in the output. */
    static double requestsPerSecond(String csv) {
        for (String line : csv.split("\n")) {
            String[] columns = line.trim().split(",");
            if (columns.length >= 2 && !columns[0].equals("\"test\"")) {
                try {
                    return Double.parseDouble(columns[1].replace("\"", ""));
                } catch (NumberFormatException e) {
                    // a progress or header line
                }
            }
        }
        throw new IllegalArgumentException("no result in redis-benchmark's output:\n" + csv);
    }
}
