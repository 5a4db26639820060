package dev.tessera.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's figures as JSON (machine-readable) and as a Markdown table, with the profiles' top frames
 * and the analysis ({@code bench/analysis.md}, written by hand: why each target is missed, and each
 * change with its figures before and after and its profile evidence).
 */
record Report(
        Instant started,
        Duration took,
        Map<String, String> machine,
        List<Figure> figures,
        List<Profiler.Profile> profiles,
        List<String> failures,
        String analysis) {

    /** This machine: cores, CPU model, JDK, OS. */
    static Map<String, String> thisMachine() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("cpu", cpuModel());
        machine.put(
                "jdk",
                System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("loadavg", loadAverage());
        return machine;
    }

    /** The 1, 5 and 15-minute load averages: how much else the machine was doing. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux: unknown
        }
        return "unknown";
    }

    /** The profiles' collapsed stacks into {@code dir} (the input of a flame graph). */
    void copyProfiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Profiler.Profile profile : profiles) {
            Files.copy(
                    profile.collapsed(),
                    dir.resolve(profile.collapsed().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    void writeJson(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started.toString());
        json.put("took_seconds", took.toSeconds());
        json.put("machine", machine);
        json.put(
                "figures",
                figures.stream()
                        .map(
                                f -> {
                                    Map<String, Object> figure = new LinkedHashMap<>();
                                    figure.put("section", f.section());
                                    figure.put("name", f.name());
                                    figure.put("value", f.value());
                                    figure.put("unit", f.unit());
                                    figure.put("baseline", f.baseline());
                                    figure.put("baseline_name", f.baselineName());
                                    figure.put("ratio", f.ratio());
                                    figure.put("target", f.target());
                                    figure.put("met", f.met());
                                    figure.put("gap", f.gap());
                                    return figure;
                                })
                        .toList());
        json.put("failures", failures);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), json);
    }

    static final String README_START = "<!-- bench:start (written by ./bench.sh) -->";
    static final String README_END = "<!-- bench:end -->";

    /**
     * The README with its benchmark block (between {@link #README_START} and {@link #README_END})
     * replaced by this run's table; unchanged when it has no such block.
     */
    String intoReadme(String readme) {
        int start = readme.indexOf(README_START);
        int end = readme.indexOf(README_END);
        if (start < 0 || end < start) {
            return readme;
        }
        String table = table();
        return readme.substring(0, start + README_START.length())
                + "\n"
                + table
                + readme.substring(end);
    }

    /** BENCHMARKS.md: the table, the profiles' top frames and the analysis. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append(
                        "Written by `./bench.sh` (see the README's Benchmarks section for what each")
                .append(" figure measures and why a missed target is missed).\n\n")
                .append(table());
        profiles.forEach(profile -> profileMarkdown(profile, md));
        if (!analysis.isBlank()) {
            md.append('\n').append(analysis.strip()).append('\n');
        }
        return md.toString();
    }

    /** The run and its figures, and the sections that failed. */
    private String table() {
        StringBuilder md = new StringBuilder();
        md.append("Run ")
                .append(started)
                .append(", took ")
                .append(took.toMinutes())
                .append(" min ")
                .append(took.toSecondsPart())
                .append(" s, on: ")
                .append(machine.get("nproc"))
                .append(" cores (`nproc`), ")
                .append(machine.get("cpu"))
                .append(", ")
                .append(machine.get("jdk"))
                .append(", ")
                .append(machine.get("os"))
                .append("; load average (1, 5, 15 min) at the end: ")
                .append(machine.get("loadavg"))
                .append(" (other builds share the machine).\n\n")
                .append(
                        "| part | figure | value | baseline (side by side) | ratio | target | met |\n")
                .append("| --- | --- | ---: | --- | ---: | --- | --- |\n");
        for (Figure f : figures) {
            md.append("| ")
                    .append(f.section())
                    .append(" | ")
                    .append(f.name())
                    .append(" | ")
                    .append(Targets.format(f.value()))
                    .append(' ')
                    .append(f.unit())
                    .append(" | ")
                    .append(
                            f.baseline() == null
                                    ? ""
                                    : Targets.format(f.baseline()) + " (" + f.baselineName() + ")")
                    .append(" | ")
                    .append(f.ratio() == null ? "" : Targets.format(f.ratio()))
                    .append(" | ")
                    .append(f.target())
                    .append(" | ")
                    .append(f.met() == null ? "" : f.met() ? "yes" : "**no**: " + f.gap())
                    .append(" |\n");
        }
        if (!failures.isEmpty()) {
            md.append("\nSections that failed (no figures):\n\n");
            failures.forEach(failure -> md.append("- ").append(failure).append('\n'));
        }
        return md.toString();
    }

    /**
     * A profile's top frames: where the CPU was (self) and under which of Tessera's methods
     * (inclusive).
     */
    private static void profileMarkdown(Profiler.Profile profile, StringBuilder md) {
        md.append("\n## Profile: ")
                .append(profile.name())
                .append("\n\n")
                .append(String.format("%,d", profile.samples()))
                .append(" CPU samples (async-profiler, 1 per ms of CPU); the stacks are in")
                .append(" `bench/results/profiles/")
                .append(profile.collapsed().getFileName())
                .append("` (collapsed, the input of a flame graph).\n\n")
                .append(
                        "| self: where the CPU was | share | Tessera's methods, inclusive | share |\n")
                .append("| --- | ---: | --- | ---: |\n");
        int rows = Math.max(profile.self().size(), profile.tessera().size());
        for (int i = 0; i < rows; i++) {
            md.append("| ");
            share(profile.self(), i, md);
            md.append(" | ");
            share(profile.tessera(), i, md);
            md.append(" |\n");
        }
    }

    private static void share(List<Profiler.Share> shares, int i, StringBuilder md) {
        if (i < shares.size()) {
            md.append('`')
                    .append(shares.get(i).frame())
                    .append("` | ")
                    .append(String.format("%.1f %%", 100 * shares.get(i).share()));
        } else {
            md.append(" | ");
        }
    }
}
