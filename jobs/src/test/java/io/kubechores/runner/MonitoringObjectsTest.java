package io.kubechores.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubechores.certs.CertMetrics;
import io.kubechores.certs.CertSource;
import io.kubechores.certs.Finding;
import io.kubechores.certs.Severity;
import io.kubechores.core.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chart's Prometheus Operator objects: the PrometheusRule's alerts are valid (`promtool check rules`) and fire
 * when they should (`promtool test rules` on files/prometheus-rules.test.yaml, Prometheus docs "Unit Testing for
 * Rules"), the rules and the Grafana dashboard query only metric names the code exports, and the ServiceMonitors
 * scrape what they say. promtool comes from Debian's prometheus package (.ci/run installs it); the promtool tests
 * skip without it, the helm ones without helm-java's native Helm.
 */
class MonitoringObjectsTest {
    static final Path FILES = HelmChartTest.CHART.resolve("files");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern METRIC = Pattern.compile("\\b(kubechores_[a-z_]+)\\b");

    /** Every metric name the code exports: parsed from real expositions, so a rename breaks this test. */
    static Set<String> exported() {
        Instant t = Instant.parse("2026-12-04T19:00:00Z");
        var run = new ChoreLauncher.RunResult("downscale", 1, 0, false, false, "s",
                List.of(new Action("c/ns/Deployment/x", "restore", "0 → 1", "r", Action.Status.APPLIED)), List.of(), List.of(),
                List.of(), t, t, List.of(new ChoreLauncher.PartitionOutcome("c", "boom", Map.of(Action.Status.APPLIED, 1))));
        Finding f = new Finding("k", "c", CertSource.TLS_SECRET, "ns", "n", "tls.crt#0", "CN=x", "CN=ca",
                t.plusSeconds(86400), 1, Severity.CRITICAL, List.of(), "r", "p", "0123456789abcdef0123");
        String text = RunMetrics.exposition(run, Duration.ofSeconds(1), t) + CertMetrics.exposition(List.of(f), t)
                + CertMetrics.readErrors(List.of(new io.kubechores.certs.SourceError("c", "secrets", "ns/n", "forbidden")), List.of("c"));
        Set<String> names = new TreeSet<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String name = line.split("[{ ]", 2)[0];
            names.add(name);
            // a summary's _sum/_count belong to the family; Micrometer exposes the runner's the same way
        }
        return names;
    }

    static Path promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    static String promtool(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(promtool().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void rulesAndDashboardQueryOnlyExportedMetricNamesAndFollowPrometheusNaming() throws IOException {
        Set<String> exported = exported();
        // Prometheus naming (prometheus.io/docs/practices/naming): a Unix time is _timestamp_seconds; certs expiry
        // as cert-manager's certmanager_certificate_expiration_timestamp_seconds
        assertThat(exported).contains("kubechores_certificate_expiration_timestamp_seconds",
                "kubechores_job_last_success_timestamp_seconds", "kubechores_partition_failed", "kubechores_job_last_run_actions");
        assertThat(exported).allSatisfy(n -> assertThat(n).matches("[a-z_]+")
                .doesNotEndWith("_timestamp").doesNotContain("not_after"));
        String rules = Files.readString(FILES.resolve("prometheus-rules.yaml"));
        String dashboard = Files.readString(FILES.resolve("grafana-dashboard.json"));
        for (String source : List.of(rules, dashboard)) {
            Matcher m = METRIC.matcher(source);
            while (m.find()) {
                String name = m.group(1);
                assertThat(exported).as("%s is not a metric kubechores exports", name).contains(name);
            }
        }
        assertThat(rules + dashboard).doesNotContain("(fleet)");
    }

    @Test
    void theAlertRulesAreValidAndTheirUnitTestsPass(@TempDir Path tmp) throws Exception {
        assumeTrue(promtool() != null, "promtool not on PATH (Debian package prometheus)");
        assumeTrue(HelmChartTest.helm, "helm-java's native Helm does not load on this platform");
        // what the chart ships: the PrometheusRule's spec.groups, split into the thresholds (from values) and the alerts
        JsonNode rule = HelmChartTest.byKindName(HelmChartTest.render(t -> t.set("metrics.prometheusRule.enabled", "true")
                .set("metrics.prometheusRule.noSuccessHours.certs", "30"))).get("PrometheusRule/kubechores");
        assertThat(rule).as("PrometheusRule rendered").isNotNull();
        ArrayNode thresholds = JSON.createArrayNode();
        ArrayNode alerts = JSON.createArrayNode();
        for (JsonNode g : rule.at("/spec/groups")) (g.path("name").asText().equals("kubechores-thresholds") ? thresholds : alerts).add(g);
        assertThat(thresholds).hasSize(1);
        assertThat(thresholds.get(0).path("rules")).extracting(r -> r.at("/labels/job").asText() + "=" + r.path("expr").asText())
                .containsExactlyInAnyOrder("certs=vector(108000)", "downscale=vector(7200)", "promote=vector(108000)",
                        "quotas=vector(108000)", "rightsize=vector(691200)");
        write(tmp.resolve("thresholds.yaml"), thresholds);
        write(tmp.resolve("prometheus-rules.yaml"), alerts);
        Files.copy(FILES.resolve("prometheus-rules.test.yaml"), tmp.resolve("prometheus-rules.test.yaml"));
        assertThat(promtool(tmp, "check", "rules", "prometheus-rules.yaml", "thresholds.yaml")).contains("SUCCESS");
        assertThat(promtool(tmp, "test", "rules", "prometheus-rules.test.yaml")).contains("SUCCESS");
        assertThat(alerts.findValuesAsText("alert")).containsExactlyInAnyOrder("KubechoresNoSuccessfulRun",
                "KubechoresNeverSucceeded", "KubechoresPartitionFailed", "KubechoresCertificateCritical",
                "KubechoresCertsScanIncomplete", "KubechoresQuotaExhaustionAhead", "KubechoresDownscaleRestoreMissed");
    }

    @Test
    void everyDashboardQueryIsValidPromQL(@TempDir Path tmp) throws Exception {
        assumeTrue(promtool() != null, "promtool not on PATH (Debian package prometheus)");
        JsonNode d = JSON.readTree(FILES.resolve("grafana-dashboard.json").toFile());
        assertThat(d.path("schemaVersion").asInt()).isPositive();
        ObjectNode file = JSON.createObjectNode();
        ArrayNode rules = file.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
        int n = 0;
        for (JsonNode p : d.path("panels")) {
            assertThat(p.at("/datasource/uid").asText()).as("panel %s uses the datasource variable", p.path("title")).isEqualTo("${datasource}");
            for (JsonNode t : p.path("targets")) {
                // Grafana's interval variables, as Grafana would substitute them
                String expr = t.path("expr").asText().replace("$__rate_interval", "5m").replace("$__range", "1d");
                rules.addObject().put("record", "dashboard:q" + (n++)).put("expr", expr);
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(9);
        write(tmp.resolve("dashboard.yaml"), file.path("groups"));
        assertThat(promtool(tmp, "check", "rules", "dashboard.yaml")).contains("SUCCESS: " + n + " rules found");
    }

    @Test
    void serviceMonitorsScrapeTheRunnerAndThePushgatewayWithItsLabels() throws IOException {
        assumeTrue(HelmChartTest.helm, "helm-java's native Helm does not load on this platform");
        var docs = HelmChartTest.byKindName(HelmChartTest.render(t -> t.set("metrics.serviceMonitor.enabled", "true")
                .set("metrics.pushgateway.serviceMonitor.enabled", "true")
                .set("metrics.pushgateway.serviceMonitor.namespace", "monitoring")
                .set("metrics.pushgateway.serviceMonitor.selector.app\\.kubernetes\\.io/name", "prometheus-pushgateway")
                .set("metrics.grafanaDashboard.enabled", "true")));
        JsonNode runner = docs.get("ServiceMonitor/kubechores-runner");
        assertThat(runner.at("/spec/endpoints/0/path").asText()).isEqualTo("/actuator/prometheus");
        assertThat(runner.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
        assertThat(runner.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText()).isEqualTo("runner");
        JsonNode pgw = docs.get("ServiceMonitor/kubechores-pushgateway");
        // honorLabels: the pushed job label wins over the scrape's (Pushgateway README, "About the job and instance labels")
        assertThat(pgw.at("/spec/endpoints/0/honorLabels").asBoolean()).isTrue();
        assertThat(pgw.at("/spec/namespaceSelector/matchNames/0").asText()).isEqualTo("monitoring");
        assertThat(pgw.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("prometheus-pushgateway");
        JsonNode dash = docs.get("ConfigMap/kubechores-dashboard");
        assertThat(dash.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(JSON.readTree(dash.at("/data/kubechores.json").asText()))
                .isEqualTo(JSON.readTree(FILES.resolve("grafana-dashboard.json").toFile()));
        // off by default: no CRD objects on clusters without the Prometheus Operator
        assertThat(HelmChartTest.render(t -> {})).noneMatch(o -> o.path("apiVersion").asText().startsWith("monitoring.coreos.com"));
        assertThatThrownBy(() -> HelmChartTest.render(t -> t.set("metrics.pushgateway.serviceMonitor.enabled", "true")))
                .hasMessageContaining("metrics.pushgateway.serviceMonitor.selector");
    }

    static void write(Path p, JsonNode groups) throws IOException {
        ObjectNode root = YAML.createObjectNode();
        root.set("groups", groups);
        Files.writeString(p, YAML.writeValueAsString(root));
    }
}
