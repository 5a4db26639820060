package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus alert rules of {@code k8s/observability} parse, have
 * what operators rely on, and reference only metrics the code exports ({@link ExportedMetrics},
 * which {@link ObservabilityEndToEndTest} checks against real scrapes).
 */
class ObservabilityConfigTest {

    static final Path DIR = PipelineEndToEndTest.ROOT.resolve("k8s/observability");

    /** PromQL words that look like metric names: keywords and aggregation modifiers. */
    static final Set<String> KEYWORDS =
            Set.of(
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right",
                    "bool",
                    "and",
                    "or",
                    "unless",
                    "offset",
                    "inf",
                    "nan");

    static final Pattern STRINGS =
            Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    static final Pattern MATCHERS_AND_RANGES = Pattern.compile("\\{[^}]*}|\\[[^]]*]");
    static final Pattern GROUPINGS =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    static final Pattern IDENTIFIER =
            Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    @Test
    void alertRulesParseAndCoverEverySeverity() throws IOException {
        List<Map<String, Object>> rules = alertRules();
        Map<String, String> severities = new TreeMap<>();
        for (Map<String, Object> rule : rules) {
            assertThat(rule).containsKeys("alert", "expr", "labels", "annotations");
            @SuppressWarnings("unchecked")
            Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
            severities.put((String) rule.get("alert"), (String) labels.get("severity"));
        }
        assertThat(severities)
                .containsEntry("TesseraFeatureJobNotRunning", "critical")
                .containsEntry("TesseraZeroThroughput", "critical")
                .containsEntry("TesseraEventTimeLagHigh", "critical")
                .containsEntry("TesseraCheckpointFailures", "warning")
                .containsEntry("TesseraFeatureGroupStale", "warning")
                .containsEntry("TesseraReaderLatencyHigh", "warning")
                .containsEntry("TesseraLateEventRateHigh", "warning")
                .containsEntry("TesseraFeatureDistributionDrift", "warning");
    }

    @Test
    void alertRulesReferenceOnlyExportedMetrics() throws IOException {
        for (Map<String, Object> rule : alertRules()) {
            String expr = rule.get("expr").toString();
            assertThat(metricsIn(expr)).as(rule.get("alert").toString()).isNotEmpty();
            assertThat(ExportedMetrics.all())
                    .as("metrics of alert %s", rule.get("alert"))
                    .containsAll(metricsIn(expr));
        }
    }

    @Test
    void dashboardHasItsRowsAndReferencesOnlyExportedMetrics() throws IOException {
        JsonNode dashboard =
                new ObjectMapper().readTree(DIR.resolve("tessera-dashboard.json").toFile());
        List<String> rows = new ArrayList<>();
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.get("type").asText().equals("row")) {
                rows.add(panel.get("title").asText());
            }
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.get("expr").asText());
            }
        }
        assertThat(rows)
                .containsExactly("Pipeline health", "Freshness", "Feature quality", "Serving");
        assertThat(expressions).isNotEmpty();
        Set<String> referenced = new TreeSet<>();
        for (String expr : expressions) {
            assertThat(metricsIn(expr)).as(expr).isNotEmpty();
            referenced.addAll(metricsIn(expr));
        }
        assertThat(ExportedMetrics.all()).containsAll(referenced);
    }

    @Test
    void findsTheMetricsOfAnExpression() {
        assertThat(
                        metricsIn(
                                "histogram_quantile(0.99, sum by (endpoint, le) (rate(a_bucket{x=\"y\"}[5m])))"
                                        + " > 2 * on(group) b_total"))
                .containsExactly("a_bucket", "b_total");
    }

    /**
     * The metric names of a PromQL expression: identifiers that are no function, label or keyword.
     */
    static Set<String> metricsIn(String expr) {
        String bare = STRINGS.matcher(expr).replaceAll("\"\"");
        bare = MATCHERS_AND_RANGES.matcher(bare).replaceAll(" ");
        bare = GROUPINGS.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String name = identifier.group(1);
            boolean function = identifier.group(2) != null;
            if (!function && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alertRules() throws IOException {
        Map<String, Object> file;
        try (Reader reader = Files.newBufferedReader(DIR.resolve("tessera-alerts.yaml"))) {
            file = new Yaml().load(reader);
        }
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            assertThat(group).containsKeys("name", "rules");
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }
}
