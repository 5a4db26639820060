package dev.tessera.job.training;

import dev.tessera.spec.avro.FeatureLogEntry;
import dev.tessera.spec.model.Durations;
import dev.tessera.spec.model.Feature;
import dev.tessera.spec.serve.Served;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./tessera consistency}: what the reader served (its feature log) against what a training
 * set says it would have served at the same moments ({@link ConsistencyReport}). The log is a spine
 * with the online answers attached: its (id, request time) rows go through the same replay as
 * {@code ./tessera training-set}.
 */
public final class ConsistencyCommand {

    static final String USAGE =
            """
            usage: ./tessera consistency [--log-topic feature-log] [--out consistency.json]
                [--prometheus FILE (the rates as gauges, for a node exporter's textfile collector)]
                [--max-lag 30s (a difference explained by the pipeline's latency is at most this)]
                [--differences FILE (each differing read, one JSON object a line)]
            """
                    + CommandLine.COMMON_USAGE
                    + """

              Compares every read the reader logged (tessera.reader.feature-log.rate > 0) with the
              training set of its (id, request time): per feature the rows compared, the mismatch
              rate, missing and extra values, SMAPE, and each difference's cause (lag, ahead,
              correction, unexplained). Writes the report as JSON and prints a table.
              Exit 0 when written, 1 when the log or the events cannot be read, 2 on bad usage.""";

    private static final Set<String> OPTIONS =
            Set.of("log-topic", "out", "prometheus", "max-lag", "differences");

    private ConsistencyCommand() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        CommandLine command;
        try {
            command = CommandLine.parse(args, OPTIONS);
        } catch (IllegalArgumentException e) {
            err.println("consistency: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        long started = System.nanoTime();
        List<FeatureLogEntry> entries;
        long events;
        try {
            entries =
                    FeatureLogReader.read(
                            command.kafka,
                            command.options.getOrDefault(
                                    "log-topic", FeatureLogEntry.DEFAULT_TOPIC));
            Set<String> logged = new LinkedHashSet<>();
            entries.forEach(entry -> logged.addAll(entry.features().keySet()));
            events =
                    command.keptEvents(
                            logged.stream()
                                    .flatMap(name -> command.spec.feature(name).stream())
                                    .toList());
        } catch (IllegalStateException | KafkaException e) {
            err.println("consistency: " + e.getMessage());
            return 1;
        }
        Duration maxLag;
        try {
            maxLag = Durations.parse(command.options.getOrDefault("max-lag", "30s"));
        } catch (IllegalArgumentException e) {
            err.println("consistency: " + e.getMessage());
            return 2;
        }
        ConsistencyReport report;
        try {
            report = compare(command, entries, maxLag);
        } catch (IllegalStateException e) {
            err.println("consistency: " + e.getMessage());
            return 1;
        }
        Path json = Path.of(command.options.getOrDefault("out", "consistency.json"));
        Files.writeString(json, report.json());
        if (command.options.containsKey("differences")) {
            Files.write(Path.of(command.options.get("differences")), report.differences);
        }
        if (command.options.containsKey("prometheus")) {
            Files.writeString(Path.of(command.options.get("prometheus")), report.prometheus());
        }
        out.print(report.table());
        out.printf(
                "consistency: %d logged reads over %d kept events, %d unexplained differences, in"
                        + " %.1f s -> %s%n",
                entries.size(),
                events,
                report.unexplained(),
                (System.nanoTime() - started) / 1e9,
                json);
        return 0;
    }

    /** Per entity one replay of the logged rows, every feature the log holds of it. */
    static ConsistencyReport compare(
            CommandLine command, List<FeatureLogEntry> entries, Duration maxLag) {
        ConsistencyReport report = new ConsistencyReport(command.spec, maxLag);
        report.entries = entries.size();
        Map<String, List<Integer>> byEntity = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            byEntity.computeIfAbsent(entries.get(i).entity(), e -> new ArrayList<>()).add(i);
        }
        byEntity.forEach(
                (entity, indexes) -> {
                    Set<String> names = new LinkedHashSet<>();
                    indexes.forEach(i -> names.addAll(entries.get(i).features().keySet()));
                    // A feature the spec no longer declares has no training value to compare.
                    List<Feature> features =
                            names.stream()
                                    .flatMap(name -> command.spec.feature(name).stream())
                                    .toList();
                    if (features.isEmpty()) {
                        return;
                    }
                    List<SpineRow> spine = new ArrayList<>();
                    for (int i : indexes) {
                        FeatureLogEntry entry = entries.get(i);
                        spine.add(new SpineRow(i, entry.entityId(), entry.requestTime()));
                    }
                    spine.sort(Comparator.comparingLong(SpineRow::time));
                    Map<Long, List<Served>> offline = new HashMap<>();
                    command.trainingSet(
                            features, spine, row -> offline.put(row.row(), row.features()));
                    for (int i : indexes) {
                        Map<String, FeatureLogEntry.LoggedFeature> online =
                                entries.get(i).features();
                        List<Served> served = offline.get((long) i);
                        for (int f = 0; f < features.size(); f++) {
                            FeatureLogEntry.LoggedFeature logged =
                                    online.get(features.get(f).name());
                            if (logged != null) {
                                report.compare(
                                        features.get(f),
                                        entries.get(i).entityId(),
                                        entries.get(i).requestTime(),
                                        logged,
                                        served.get(f));
                            }
                        }
                    }
                });
        return report;
    }
}
