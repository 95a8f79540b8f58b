package io.kubechores.promote;

import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.platform.kube.PromoteKube.HelmRelease;
import io.kubechores.platform.kube.PromoteKube.ToolObservation;
import io.kubechores.platform.kube.PromoteKube.WorkloadState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which version runs and whether it is healthy, from what the API reported (table-driven, no server). */
class VerificationTest {
    static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            chart tool: Helm release wins              | loki | -              | true  | loki-6.15.0 | 3.1 | 6.16.0 | helm release loki revision 4
            chart tool without release: chart label    | loki | -              | false | loki-6.15.0 | 3.1 | 6.15.0 | label helm.sh/chart on StatefulSet/loki
            image tool: image tag                      | -    | grafana/loki   | false | -           | 3.1 | 3.1.1  | image tag on StatefulSet/loki
            nothing else: app.kubernetes.io/version    | -    | other/image    | false | -           | 3.1 | 3.1    | label app.kubernetes.io/version on StatefulSet/loki
            nothing at all                             | -    | other/image    | false | -           | -   | -      | -
            """)
    void versionSource(String name, String chart, String image, boolean helm, String chartLabel, String appLabel,
                       String version, String source) {
        ToolSpec spec = new ToolSpec(chart == null ? null : new ToolSpec.Chart(null, chart), image, "monitoring", null,
                Map.of(), "1h", List.of(new ToolSpec.HealthCheck("StatefulSet", "loki", null)), null);
        Map<String, String> labels = new java.util.HashMap<>();
        if (chartLabel != null) labels.put("helm.sh/chart", chartLabel);
        if (appLabel != null) labels.put("app.kubernetes.io/version", appLabel);
        WorkloadState w = new WorkloadState("StatefulSet", "loki", true, 1, 1, 3, 3, 3, 0, List.of(),
                List.of("grafana/loki:3.1.1", "sidecar:1"), labels, T);
        ClusterToolState o = Verification.evaluate("c", "staging", spec, new ToolObservation(
                helm ? new HelmRelease("loki", 4, "loki", "6.16.0", "3.1.1", T.minusSeconds(60)) : null, List.of(w)));
        assertThat(o.runningVersion()).isEqualTo(version);
        assertThat(o.versionSource()).isEqualTo(source);
        // a Helm release counts from its last_deployed even when a pod started later (rescheduled)
        assertThat(o.liveSince()).isEqualTo(helm ? T.minusSeconds(60) : T);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            healthy                          | 2 | 2 | 3 | 3 | 3 | 3  | -     | -  | true  | 3/3 ready, rollout complete, 3 restarts
            new generation not observed yet  | 3 | 2 | 3 | 3 | 3 | 0  | -     | -  | false | rollout not observed yet (generation 3, observed 2)
            rolling                          | 2 | 2 | 3 | 1 | 3 | 0  | -     | -  | false | rolling: 1/3 updated
            not ready                        | 2 | 2 | 3 | 3 | 2 | 0  | -     | -  | false | not ready: 2/3 ready
            restarts above the default 3     | 2 | 2 | 3 | 3 | 3 | 4  | -     | -  | false | restart storm: 4 restarts > 3
            restarts within a custom limit   | 2 | 2 | 3 | 3 | 3 | 4  | -     | 10 | true  | 3/3 ready, rollout complete, 4 restarts
            crash loop                       | 2 | 2 | 3 | 3 | 3 | 1  | pod-0 | -  | false | CrashLoopBackOff: pod-0
            """)
    void health(String name, long gen, long observed, int desired, int updated, int ready, int restarts, String crash,
                Integer maxRestarts, boolean healthy, String line) {
        ToolSpec spec = new ToolSpec(new ToolSpec.Chart(null, "x"), null, "ns", null, Map.of(), "1h",
                List.of(new ToolSpec.HealthCheck("Deployment", "x", maxRestarts)), null);
        WorkloadState w = new WorkloadState("Deployment", "x", true, gen, observed, desired, updated, ready, restarts,
                crash == null ? List.of() : List.of(crash), List.of(), Map.of(), null);
        ClusterToolState o = Verification.evaluate("c", "staging", spec, new ToolObservation(null, List.of(w)));
        assertThat(o.healthy()).isEqualTo(healthy);
        assertThat(o.health()).singleElement().asString().isEqualTo("Deployment/x: " + line);
    }

    /** https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1} {2} on {3} → {4}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            track | In           | stable,beta | track=stable | true
            track | In           | stable,beta | track=canary | false
            track | In           | stable      | -            | false
            track | NotIn        | canary      | track=stable | true
            track | NotIn        | canary      | track=canary | false
            track | NotIn        | canary      | -            | true
            track | Exists       | -           | track=x      | true
            track | Exists       | -           | -            | false
            track | DoesNotExist | -           | -            | true
            track | DoesNotExist | -           | track=x      | false
            """)
    void labelSelectorExpressions(String key, String op, String values, String label, boolean selected) {
        var selector = new io.fabric8.kubernetes.api.model.LabelSelector(List.of(new io.fabric8.kubernetes.api.model.LabelSelectorRequirement(
                key, op, values == null ? null : List.of(values.split(",")))), Map.of("app", "web"));
        Map<String, String> labels = new java.util.HashMap<>(Map.of("app", "web"));
        if (label != null) labels.put(label.split("=")[0], label.split("=")[1]);
        assertThat(io.kubechores.platform.kube.PromoteKube.selects(selector, labels)).isEqualTo(selected);
        labels.put("app", "api");
        assertThat(io.kubechores.platform.kube.PromoteKube.selects(selector, labels)).as("matchLabels too").isFalse();
    }
}
