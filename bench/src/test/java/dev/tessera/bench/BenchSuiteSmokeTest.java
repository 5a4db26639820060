package dev.tessera.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short smoke test of the suite's machinery (the suite itself is {@code ./bench.sh}, not part of
 * the test run): the load generator against a loopback server, the baselines' output parsers, and
 * the JSON and Markdown reports. No timing is asserted.
 */
class BenchSuiteSmokeTest {

    static HttpServer server;
    static HttpLoad http;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/ok",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(200, 2);
                    exchange.getResponseBody().write("ok".getBytes());
                    exchange.close();
                });
        server.start();
        http = new HttpLoad();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.stop(0);
    }

    static HttpLoad.Request ok() {
        return HttpLoad.Request.get("http://127.0.0.1:" + server.getAddress().getPort() + "/ok");
    }

    @Test
    void fixedRateSendsEveryIntendedRequestAndRecordsEachLatency() throws Exception {
        HttpLoad.Result result =
                http.fixedRate(BenchSuiteSmokeTest::ok, 200, Duration.ofSeconds(1));

        assertThat(result.completed()).isEqualTo(200);
        assertThat(result.errors()).isZero();
        assertThat(result.latencyMicros().getTotalCount()).isEqualTo(200);
        assertThat(result.millis(99)).isPositive();
    }

    @Test
    void closedLoopCountsAnsweredRequests() throws Exception {
        HttpLoad.Result result = http.closedLoop(BenchSuiteSmokeTest::ok, 4, Duration.ofSeconds(1));

        assertThat(result.completed()).isPositive();
        assertThat(result.latencyMicros().getTotalCount())
                .isEqualTo(result.completed() + result.errors());
    }

    @Test
    void closedLoopOfAnyCallCountsTheFailedOnesAsErrors() throws Exception {
        AtomicLong calls = new AtomicLong();
        HttpLoad.Result result =
                HttpLoad.closedLoopOf(
                        () ->
                                calls.incrementAndGet() % 2 == 0
                                        ? CompletableFuture.completedFuture("ok")
                                        : CompletableFuture.failedFuture(
                                                new IllegalStateException("refused")),
                        4,
                        Duration.ofMillis(200));

        assertThat(result.completed()).isPositive();
        assertThat(result.errors()).isPositive();
        assertThat(result.completed() + result.errors()).isEqualTo(calls.get());
    }

    @Test
    void readsRedisBenchmarkCsv() {
        String csv =
                "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\"\n"
                        + "\"HMGET tsr:user:{u}:g f f@t\",\"98716.68\",\"0.274\",\"0.064\"\n";

        assertThat(RedisBenchmarkCsv.requestsPerSecond(csv)).isEqualTo(98716.68);
    }

    @Test
    void aBucketedPercentileIsTheUpperBoundOfItsBucketOverTheInterval() {
        SortedMap<Double, Double> before =
                new TreeMap<>(Map.of(0.1, 10.0, 0.5, 10.0, Double.POSITIVE_INFINITY, 10.0));
        SortedMap<Double, Double> after =
                new TreeMap<>(Map.of(0.1, 108.0, 0.5, 109.0, Double.POSITIVE_INFINITY, 110.0));

        assertThat(EndToEndBench.upperBound(before, after, 50)).isEqualTo(0.1);
        assertThat(EndToEndBench.upperBound(before, after, 99)).isEqualTo(0.5);
        assertThat(EndToEndBench.upperBound(before, after, 99.5))
                .isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(EndToEndBench.upperBound(after, after, 50)).isNaN();
    }

    @Test
    void targetsSayByHowMuchTheyAreMissed() {
        assertThat(Targets.atMost("reader", "p99", 2.0, "ms", 1.0).met()).isFalse();
        assertThat(Targets.atMost("reader", "p99", 2.0, "ms", 1.0).gap())
                .isEqualTo("2.00x the target");
        Figure ratio = Targets.ratioAtLeast("gateway", "rate", 40, "events/s", 100, "kafka", 0.5);
        assertThat(ratio.met()).isFalse();
        assertThat(ratio.ratio()).isEqualTo(0.4);
    }

    @Test
    void writesJsonAndMarkdown(@TempDir Path dir) throws Exception {
        Report report =
                new Report(
                        Instant.parse("2026-11-25T12:00:00Z"),
                        Duration.ofSeconds(75),
                        Map.of(
                                "nproc", "2", "cpu", "a CPU", "jdk", "a JDK", "os", "Linux",
                                "loadavg", "1 2 3"),
                        List.of(
                                Targets.atMost("reader", "1 x 50, p99", 0.8, "ms", 1.0),
                                Figure.info("reader", "1 x 50, p50", 0.3, "ms")),
                        List.of(
                                new Profiler.Profile(
                                        "reader, 1 x 50",
                                        1000,
                                        List.of(new Profiler.Share("epoll_wait", 0.25)),
                                        List.of(new Profiler.Share("dev.tessera.A.b", 0.1)),
                                        dir.resolve("reader-1-x-50.collapsed"))),
                        List.of("job: it broke"),
                        "## Changes\n\n| change | before | after |\n");

        report.writeJson(dir.resolve("latest.json"));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("latest.json").toFile());
        String markdown = report.markdown();

        assertThat(json.at("/figures/0/met").asBoolean()).isTrue();
        assertThat(json.at("/figures/1/value").asDouble()).isEqualTo(0.3);
        assertThat(json.at("/failures/0").asText()).isEqualTo("job: it broke");
        assertThat(markdown)
                .contains(
                        "2 cores (`nproc`), a CPU, a JDK, Linux; load average (1, 5, 15 min) at the end: 1 2 3")
                .contains("| reader | 1 x 50, p99 | 0.80 ms |")
                .contains("## Profile: reader, 1 x 50")
                .contains("| `epoll_wait` | 25.0 % | `dev.tessera.A.b` | 10.0 % |")
                .contains("- job: it broke")
                .endsWith("## Changes\n\n| change | before | after |\n");
        assertThat(
                        report.intoReadme(
                                "# T\n"
                                        + Report.README_START
                                        + "\nold table\n"
                                        + Report.README_END
                                        + "\nafter\n"))
                .startsWith("# T\n" + Report.README_START + "\nRun 2026-11-25T12:00:00Z")
                .doesNotContain("old table")
                .endsWith(Report.README_END + "\nafter\n");
    }

    @Test
    void sumsCollapsedStacksIntoSelfAndTesseraShares(@TempDir Path dir) throws Exception {
        Path collapsed = dir.resolve("p.collapsed");
        Files.writeString(
                collapsed,
                "java/lang/Thread.run;dev/tessera/A.read;dev/tessera/B.decode;java/lang/String.<init> 3\n"
                        + "java/lang/Thread.run;dev/tessera/A.read;dev/tessera/A.read;epoll_wait 1\n");

        Profiler.Profile profile = Profiler.summary("p", collapsed);

        assertThat(profile.samples()).isEqualTo(4);
        assertThat(profile.self())
                .containsExactly(
                        new Profiler.Share("java.lang.String.<init>", 0.75),
                        new Profiler.Share("epoll_wait", 0.25));
        // A recursive method counts once per stack.
        assertThat(profile.tessera())
                .containsExactly(
                        new Profiler.Share("dev.tessera.A.read", 1.0),
                        new Profiler.Share("dev.tessera.B.decode", 0.75));
    }

    @Test
    void profilesAnotherJvm(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("Spin.java");
        Files.writeString(
                source,
                "public class Spin { public static void main(String[] a) { long x = 0;"
                        + " while (true) { x += Long.toString(x).hashCode(); } } }");
        Process spin =
                new ProcessBuilder(Processes.java(), source.toString())
                        .redirectErrorStream(true)
                        .start();
        try {
            Profiler profiler = Profiler.into(dir);
            Thread.sleep(2_000); // compiled and running
            profiler.profile(
                    "spin",
                    spin.pid(),
                    () -> {
                        Thread.sleep(500);
                        return null;
                    });

            assertThat(profiler.profiles())
                    .singleElement()
                    .satisfies(
                            p -> {
                                assertThat(p.samples()).isPositive();
                                assertThat(Files.readString(p.collapsed())).contains("Spin.main");
                            });
        } finally {
            spin.destroyForcibly();
        }
    }
}
