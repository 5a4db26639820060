package dev.tessera.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every benchmark of a run shares.
 *
 * @param root the repository, whose modules are built
 * @param dataDir where this run keeps data and logs
 * @param scale 1 for the full suite; less shortens every phase and data set (the smoke test)
 * @param http the load generator
 * @param profiler CPU profiles of the services under load, for the report
 */
record BenchContext(Path root, Path dataDir, double scale, HttpLoad http, Profiler profiler) {

    /** {@code fullSeconds} scaled, at least one second. */
    Duration seconds(int fullSeconds) {
        return Duration.ofSeconds(Math.max(1, Math.round(fullSeconds * scale)));
    }

    /** {@code full} scaled, at least {@code min}. */
    int count(int full, int min) {
        return (int) Math.max(min, Math.round(full * scale));
    }

    Path spec(String name) {
        return root.resolve("bench/specs").resolve(name);
    }
}
