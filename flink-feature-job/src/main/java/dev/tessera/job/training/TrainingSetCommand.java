package dev.tessera.job.training;

import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.Feature;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./tessera training-set}: a training set from the kept events of the streams its features
 * read, with the production job's operators ({@link TrainingSetJob}) on a MiniCluster in this JVM.
 * Refuses when a topic no longer starts at offset 0: retention deleted events, and every feature
 * would be computed without them.
 */
public final class TrainingSetCommand {

    static final String USAGE =
            """
            usage: ./tessera training-set --spine FILE --features NAME[,NAME...] --out FILE
                [--format parquet|csv (default: by --out's extension, else parquet)]
                [--id-column COLUMN (default: the entity's key, e.g. user_id)] [--time-column ts]
            """
                    + CommandLine.COMMON_USAGE
                    + """

              The spine: Parquet or CSV rows of an entity id and a time (ISO-8601 or epoch millis),
              and any label columns. The output: the spine's columns, then per feature its value as
              of the row's time and its status (<feature>_status: PRESENT, STALE or MISSING).
              Exit 0 when written, 1 when the events cannot be replayed, 2 on bad usage.""";

    private static final Set<String> OPTIONS =
            Set.of("spine", "features", "out", "format", "id-column", "time-column");

    private TrainingSetCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws SQLException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        CommandLine command;
        List<Feature> features;
        Path spinePath;
        Path outPath;
        TrainingSetTable.Format format;
        try {
            command = CommandLine.parse(args, OPTIONS);
            features = command.features(command.required("features"));
            spinePath = Path.of(command.required("spine"));
            outPath = Path.of(command.required("out"));
            format =
                    command.options.containsKey("format")
                            ? TrainingSetTable.Format.valueOf(
                                    command.options.get("format").toUpperCase(Locale.ROOT))
                            : TrainingSetTable.Format.of(outPath);
        } catch (IllegalArgumentException e) {
            err.println("training-set: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Entity entity = command.spec.group(features.get(0).group()).orElseThrow().entity();
        String idColumn = command.options.getOrDefault("id-column", entity.key());
        long started = System.nanoTime();
        TrainingSetTable opened;
        List<SpineRow> spine;
        try {
            opened = new TrainingSetTable(spinePath, idColumn, features);
        } catch (IllegalArgumentException e) {
            err.println("training-set: " + e.getMessage());
            return 2;
        }
        try (TrainingSetTable table = opened) {
            try {
                spine = table.rows(idColumn, command.options.getOrDefault("time-column", "ts"));
            } catch (IllegalArgumentException e) {
                err.println("training-set: " + e.getMessage());
                return 2;
            }
            long events;
            try {
                events = command.keptEvents(features);
            } catch (IllegalStateException e) {
                err.println("training-set: " + e.getMessage());
                return 1;
            }
            try {
                command.trainingSet(features, spine, table::append);
            } catch (IllegalStateException e) {
                err.println("training-set: " + e.getMessage());
                return 1;
            }
            long written = table.write(outPath, format);
            out.printf(
                    "training set: %d rows x %d features over %d kept events in %.1f s (peak"
                            + " memory %d MiB) -> %s%n",
                    written,
                    features.size(),
                    events,
                    (System.nanoTime() - started) / 1e9,
                    CommandLine.peakMemoryMiB(),
                    outPath);
            return 0;
        }
    }
}
