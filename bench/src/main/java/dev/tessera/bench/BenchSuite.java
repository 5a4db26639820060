package dev.tessera.bench;

import dev.tessera.dev.KafkaBroker;
import dev.tessera.dev.LocalInfra;
import dev.tessera.dev.LocalPipeline;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The benchmark suite, {@code ./bench.sh}: starts Kafka, Redis and Apicurio Registry once, then the
 * pipeline (at-least-once) for the reader, gateway and end-to-end figures, the pipeline again
 * (exactly-once) for its end-to-end figures, the Flink job alone for its throughput, and the
 * store's write and read paths on a Redis Cluster beside one redis-server. Writes {@code
 * bench/results/latest.json} (and a dated copy) and {@code BENCHMARKS.md}.
 */
public final class BenchSuite {

    static final List<String> SECTIONS =
            List.of("reader", "gateway", "e2e", "job", "store", "training");

    /**
     * Which targets are met, why the others are missed, and the log of performance changes:
     * appended to BENCHMARKS.md.
     */
    static final String ANALYSIS = "bench/analysis.md";

    /** Exactly-once commits on checkpoints: its end-to-end target is this plus 250 ms. */
    static final Duration EXACTLY_ONCE_CHECKPOINT = Duration.ofSeconds(1);

    private BenchSuite() {}

    /**
     * Options: {@code --root DIR} (.), {@code --sections reader,gateway,e2e,job,store,training}
     * (all), {@code --scale X} (1: the full suite; less shortens it), {@code --results DIR}
     * (bench/results), {@code --markdown FILE} (BENCHMARKS.md, and the table into README.md's
     * benchmark block).
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        Set<String> sections = Set.copyOf(SECTIONS);
        double scale = 1;
        Path results = null;
        Path markdown = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(value(args, ++i));
                case "--sections" -> sections = Set.of(value(args, ++i).split(","));
                case "--scale" -> scale = Double.parseDouble(value(args, ++i));
                case "--results" -> results = Path.of(value(args, ++i));
                case "--markdown" -> markdown = Path.of(value(args, ++i));
                default ->
                        throw new IllegalArgumentException(
                                "unknown argument "
                                        + args[i]
                                        + "; usage: [--root DIR] [--sections "
                                        + String.join(",", SECTIONS)
                                        + "] [--scale X] [--results DIR] [--markdown FILE]");
            }
        }
        Report report = run(root, sections, scale);
        Path resultsDir = results != null ? results : root.resolve("bench/results");
        report.writeJson(resultsDir.resolve("latest.json"));
        report.writeJson(
                resultsDir.resolve(
                        "run-" + report.started().toString().replace(":", "") + ".json"));
        report.copyProfiles(resultsDir.resolve("profiles"));
        Files.writeString(
                markdown != null ? markdown : root.resolve("BENCHMARKS.md"), report.markdown());
        Path readme = root.resolve("README.md");
        if (markdown == null && Files.exists(readme)) {
            Files.writeString(readme, report.intoReadme(Files.readString(readme)));
        }
        System.out.println(report.markdown());
        System.exit(0); // the HTTP client's and Kafka's threads would keep the JVM up
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** What a section measures; it may fail. */
    private interface Section {
        List<Figure> measure() throws Exception;
    }

    private static final List<Figure> figures = new ArrayList<>();
    private static final List<String> failures = new ArrayList<>();

    /** Runs a section; a failed one is reported as such, and the suite goes on. */
    private static void measure(String name, Section section) {
        log(name);
        try {
            figures.addAll(section.measure());
        } catch (Exception e) {
            e.printStackTrace();
            failures.add(name + ": " + e);
        }
    }

    static Report run(Path root, Set<String> sections, double scale) throws Exception {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path dataDir = Files.createTempDirectory("tessera-bench");
        Path spec = root.resolve("bench/specs/bench.yaml");
        FeatureSpec benchSpec = SpecParser.parse(spec);
        Profiler profiler = Profiler.into(dataDir.resolve("profiles"));
        try (HttpLoad http = new HttpLoad();
                LocalInfra infra = LocalInfra.start()) {
            BenchContext context = new BenchContext(root, dataDir, scale, http, profiler);
            LocalPipeline.Endpoints endpoints = LocalPipeline.Endpoints.of(infra);
            // Tiles are emitted per event (no coalescing), so the end-to-end figures show the
            // pipeline's own latency rather than the 200 ms default emit interval.
            List<String> jobArgs = List.of("--parallelism", "1", "--tile-emit-interval", "0ms");
            Function<LocalPipeline, EndToEndBench> endToEnd =
                    pipeline ->
                            new EndToEndBench(
                                    context,
                                    pipeline,
                                    infraPids(infra),
                                    endpoints.bootstrapServers(),
                                    benchSpec.featureTopic());
            if (sections.contains("reader")
                    || sections.contains("gateway")
                    || sections.contains("e2e")) {
                log("starting the pipeline (at-least-once)");
                try (LocalPipeline pipeline =
                        LocalPipeline.startOn(
                                endpoints,
                                root,
                                spec,
                                dataDir.resolve("at-least-once"),
                                LocalPipeline.Ports.free(),
                                jobArgs)) {
                    if (sections.contains("e2e")) {
                        measure(
                                "first event after start-up",
                                () -> endToEnd.apply(pipeline).firstEvent());
                    }
                    if (sections.contains("reader")) {
                        measure(
                                "reader",
                                () ->
                                        new ReaderBench(context, benchSpec, pipeline, infra.redis())
                                                .run());
                    }
                    if (sections.contains("gateway")) {
                        measure(
                                "gateway",
                                () ->
                                        new GatewayBench(
                                                        context,
                                                        benchSpec,
                                                        pipeline.gatewayUrl(),
                                                        pipeline.producerToken(),
                                                        endpoints.bootstrapServers())
                                                .run(
                                                        () ->
                                                                infra.kafka()
                                                                        .createTopic(
                                                                                GatewayBench
                                                                                        .BASELINE_TOPIC,
                                                                                2,
                                                                                Map.of())));
                    }
                    if (sections.contains("e2e")) {
                        measure(
                                "end to end, at-least-once",
                                () -> endToEnd.apply(pipeline).run("at-least-once", 250));
                    }
                }
            }
            if (sections.contains("e2e")) {
                log("starting the pipeline (exactly-once)");
                List<String> exactlyOnce = new ArrayList<>(jobArgs);
                exactlyOnce.addAll(
                        List.of(
                                "--delivery",
                                "exactly-once",
                                "--checkpoint-interval",
                                EXACTLY_ONCE_CHECKPOINT.toMillis() + "ms"));
                try (LocalPipeline pipeline =
                        LocalPipeline.startOn(
                                endpoints,
                                root,
                                spec,
                                dataDir.resolve("exactly-once"),
                                LocalPipeline.Ports.free(),
                                exactlyOnce)) {
                    measure(
                            "end to end, exactly-once",
                            () ->
                                    endToEnd.apply(pipeline)
                                            .run(
                                                    "exactly-once (checkpoints every "
                                                            + EXACTLY_ONCE_CHECKPOINT.toMillis()
                                                            + " ms)",
                                                    EXACTLY_ONCE_CHECKPOINT.toMillis() + 250));
                }
            }
            if (sections.contains("job")) {
                measure("Flink job", () -> new JobBench(context, infra).run());
            }
            if (sections.contains("training")) {
                measure("training set", () -> new TrainingBench(context, infra).run());
            }
            if (sections.contains("store")) {
                measure(
                        "the store on Redis Cluster",
                        () -> new StoreBench(context, benchSpec, infra.redis()).run());
            }
        }
        return new Report(
                started,
                Duration.ofNanos(System.nanoTime() - t0),
                Report.thisMachine(),
                List.copyOf(figures),
                profiler.profiles(),
                List.copyOf(failures),
                Files.exists(root.resolve(ANALYSIS))
                        ? Files.readString(root.resolve(ANALYSIS))
                        : "");
    }

    private static void log(String what) {
        System.out.println("[bench " + Instant.now() + "] " + what);
    }

    /** Kafka's, Redis' and the schema registry's processes, for the CPU they use. */
    private static Map<String, Long> infraPids(LocalInfra infra) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (KafkaBroker broker : infra.kafka().brokers()) {
            pids.put("Kafka broker " + broker.nodeId(), broker.process().pid());
        }
        pids.put("Redis", infra.redis().process().pid());
        pids.put("the schema registry", infra.registry().process().pid());
        return pids;
    }
}
