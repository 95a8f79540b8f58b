package io.kubechores.platform.kube;

import io.kubechores.testkit.kube.PromoteKubeSeed;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.testkit.kube.PromoteKubeSeed.Footprint;
import io.kubechores.testkit.kube.PromoteKubeSeed.Health;
import io.kubechores.promote.ClusterObservation;
import io.kubechores.promote.Verification;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a tool runs and whether it is healthy, read from a real (mock, CRUD mode) Kubernetes API. */
@EnableKubernetesMockClient(crud = true)
class PromoteKubeIT {
    static KubernetesClient client;

    static final Instant SINCE = Instant.parse("2026-11-20T10:00:00Z");

    static ToolSpec tool(String kind, String name, String chart, String image) {
        return new ToolSpec(chart == null ? null : new ToolSpec.Chart(null, chart), image, "ns-" + name, name,
                Map.of("staging", "1", "prod", "1"), "72h", List.of(new ToolSpec.HealthCheck(kind, name, 3)), null);
    }

    ClusterObservation observe(String kind, String name, String chart, String image, Health health) {
        PromoteKubeSeed.seed(client, new Footprint("ns-" + name, name, chart, chart == null ? null : "6.16.0", "3.2.1",
                kind, name, (image == null ? "grafana/" + name : image) + ":3.2.1", 3, health, SINCE));
        ToolSpec spec = tool(kind, name, chart, image);
        var obs = PromoteKube.observe(client, new PromoteKube.Query("ns-" + name, chart == null ? null : name,
                List.of(new PromoteKube.Check(kind, name))));
        return Verification.evaluate("staging-eu-1", "staging", spec, obs);
    }

    @Test
    void healthyHelmReleaseReadsChartVersionFromTheDeployedReleaseSecret() {
        ClusterObservation o = observe("StatefulSet", "loki", "loki", null, Health.HEALTHY);
        assertThat(o.runningVersion()).isEqualTo("6.16.0");
        assertThat(o.versionSource()).isEqualTo("helm release loki revision 2");
        assertThat(o.healthy()).isTrue();
        assertThat(o.health()).containsExactly("StatefulSet/loki: 3/3 ready, rollout complete, 0 restarts");
        assertThat(o.liveSince()).isEqualTo(SINCE);
    }

    @Test
    void helmReleaseDecodingReturnsLastDeployedAndAppVersion() {
        PromoteKubeSeed.seed(client, new Footprint("ns-tempo", "tempo", "tempo", "1.10.0", "2.6.0", "Deployment",
                "tempo", "grafana/tempo:2.6.0", 1, Health.HEALTHY, SINCE));
        var rel = PromoteKube.helmRelease(client, "ns-tempo", "tempo");
        assertThat(rel).isEqualTo(new PromoteKube.HelmRelease("tempo", 2, "tempo", "1.10.0", "2.6.0", SINCE));
        assertThat(PromoteKube.helmRelease(client, "ns-tempo", "nope")).isNull();
    }

    @Test
    void rollingDeploymentIsNotHealthy() {
        ClusterObservation o = observe("Deployment", "ingress", "ingress-nginx", null, Health.ROLLING);
        assertThat(o.healthy()).isFalse();
        assertThat(o.health()).singleElement().asString().contains("rolling: 1/3 updated");
    }

    @Test
    void crashLoopingPodsAreARestartStorm() {
        ClusterObservation o = observe("DaemonSet", "promtail", null, "grafana/promtail", Health.CRASH_LOOPING);
        assertThat(o.runningVersion()).isEqualTo("3.2.1");
        assertThat(o.versionSource()).isEqualTo("image tag on DaemonSet/promtail");
        assertThat(o.healthy()).isFalse();
        assertThat(o.health()).singleElement().asString()
                .contains("not ready: 2/3 ready", "restart storm: 14 restarts > 3", "CrashLoopBackOff: promtail-0");
    }

    @Test
    void missingWorkloadIsReportedAndVersionFallsBackToLabels() {
        var obs = PromoteKube.observe(client, new PromoteKube.Query("nowhere", null,
                List.of(new PromoteKube.Check("Deployment", "ghost"))));
        ClusterObservation o = Verification.evaluate("c", "staging", tool("Deployment", "ghost", null, "x/ghost"), obs);
        assertThat(o.healthy()).isFalse();
        assertThat(o.runningVersion()).isNull();
        assertThat(o.health()).containsExactly("Deployment/ghost: not found");
    }
}
