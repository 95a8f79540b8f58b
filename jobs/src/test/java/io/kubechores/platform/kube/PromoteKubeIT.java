package io.kubechores.platform.kube;

import io.kubechores.testkit.kube.PromoteKubeSeed;
import io.kubechores.testkit.kube.SimulatedCluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.testkit.kube.PromoteKubeSeed.Footprint;
import io.kubechores.testkit.kube.PromoteKubeSeed.Health;
import io.kubechores.promote.ClusterToolState;
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

    ClusterToolState observe(String kind, String name, String chart, String image, Health health) {
        PromoteKubeSeed.seed(client, new Footprint("ns-" + name, name, chart, chart == null ? null : "6.16.0", "3.2.1",
                kind, name, (image == null ? "grafana/" + name : image) + ":3.2.1", 3, health, SINCE));
        ToolSpec spec = tool(kind, name, chart, image);
        var obs = PromoteKube.observe(client, new PromoteKube.Query("ns-" + name, chart == null ? null : name,
                List.of(new PromoteKube.Check(kind, name))));
        return Verification.evaluate("staging-eu-1", "staging", spec, obs);
    }

    @Test
    void healthyHelmReleaseReadsChartVersionFromTheDeployedReleaseSecret() {
        ClusterToolState o = observe("StatefulSet", "loki", "loki", null, Health.HEALTHY);
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
        ClusterToolState o = observe("Deployment", "ingress", "ingress-nginx", null, Health.ROLLING);
        assertThat(o.healthy()).isFalse();
        assertThat(o.health()).singleElement().asString().contains("rolling: 1/3 updated");
    }

    @Test
    void crashLoopingPodsAreARestartStorm() {
        ClusterToolState o = observe("DaemonSet", "promtail", null, "grafana/promtail", Health.CRASH_LOOPING);
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
        ClusterToolState o = Verification.evaluate("c", "staging", tool("Deployment", "ghost", null, "x/ghost"), obs);
        assertThat(o.healthy()).isFalse();
        assertThat(o.runningVersion()).isNull();
        assertThat(o.health()).containsExactly("Deployment/ghost: not found");
    }

    /**
     * A Deployment's rollout time is its current revision's ReplicaSet creationTimestamp, not the Progressing
     * condition's lastUpdateTime ("the last time this condition was updated", refreshed on every scale, e.g. by an
     * HPA — https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status) nor a pod that
     * started later (rescheduled by a node drain). Served by the simulated API server, which keeps creationTimestamp.
     */
    @Test
    void deploymentRolloutIsDatedByItsCurrentReplicaSetNotByTheConditionOrPods() {
        try (SimulatedCluster sim = SimulatedCluster.start("staging-eu-1")) {
            KubernetesClient c = sim.client();
            PromoteKubeSeed.seed(c, new Footprint("ns-web", "web", null, null, "2.0.0", "Deployment", "web",
                    "acme/web:2.0.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1,
                    Health.HEALTHY, SINCE));
            // an older revision's ReplicaSet, and a pod rescheduled two hours after the rollout
            c.apps().replicaSets().inNamespace("ns-web").resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                    .withNewMetadata().withName("web-old").withNamespace("ns-web")
                    .withLabels(Map.of("app.kubernetes.io/name", "web"))
                    .withAnnotations(Map.of("deployment.kubernetes.io/revision", "1"))
                    .withCreationTimestamp(SINCE.minusSeconds(86400 * 30).toString())
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("web").withUid("uid-web")
                    .endOwnerReference().endMetadata().build()).create();
            c.pods().inNamespace("ns-web").resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                    .withName("web-rescheduled").withNamespace("ns-web").withLabels(Map.of("app.kubernetes.io/name", "web"))
                    .endMetadata().withNewStatus().withPhase("Running").withStartTime(SINCE.plusSeconds(7200).toString())
                    .endStatus().build()).create();
            ToolSpec spec = new ToolSpec(null, "acme/web", "ns-web", null, Map.of("staging", "2.0.0"), "1h",
                    List.of(new ToolSpec.HealthCheck("Deployment", "web", 3)), null);
            var obs = PromoteKube.observe(c, new PromoteKube.Query("ns-web", null, List.of(new PromoteKube.Check("Deployment", "web"))));
            ClusterToolState o = Verification.evaluate("staging-eu-1", "staging", spec, obs);
            assertThat(o.liveSince()).isEqualTo(SINCE);
            assertThat(o.runs("2.0.0")).as("a digest-pinned image runs its tag").isTrue();
        }
    }

    /** Pods are selected by the workload's whole selector: matchExpressions too (here: not the canary track). */
    @Test
    void podSelectionHonoursMatchExpressions() {
        try (SimulatedCluster sim = SimulatedCluster.start("staging-eu-1")) {
            KubernetesClient c = sim.client();
            PromoteKubeSeed.seed(c, new Footprint("ns-api", "api", null, null, "1.0.0", "StatefulSet", "api",
                    "acme/api:1.0.0", 3, Health.HEALTHY, SINCE));
            var sts = c.apps().statefulSets().inNamespace("ns-api").withName("api").get();
            sts.getSpec().getSelector().setMatchExpressions(List.of(new io.fabric8.kubernetes.api.model.LabelSelectorRequirement(
                    "track", "NotIn", List.of("canary"))));
            c.apps().statefulSets().inNamespace("ns-api").resource(sts).update();
            // a crash-looping canary pod that carries the matchLabels but is excluded by the expression
            c.pods().inNamespace("ns-api").resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                    .withName("api-canary-0").withNamespace("ns-api")
                    .withLabels(Map.of("app.kubernetes.io/name", "api", "track", "canary")).endMetadata()
                    .withNewStatus().withPhase("Running").addNewContainerStatus().withName("api").withRestartCount(40)
                    .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                    .endContainerStatus().endStatus().build()).create();
            ToolSpec spec = new ToolSpec(null, "acme/api", "ns-api", null, Map.of("staging", "1.0.0"), "1h",
                    List.of(new ToolSpec.HealthCheck("StatefulSet", "api", 3)), null);
            var obs = PromoteKube.observe(c, new PromoteKube.Query("ns-api", null, List.of(new PromoteKube.Check("StatefulSet", "api"))));
            ClusterToolState o = Verification.evaluate("staging-eu-1", "staging", spec, obs);
            assertThat(o.healthy()).as(String.join("; ", o.health())).isTrue();
            assertThat(o.health()).containsExactly("StatefulSet/api: 3/3 ready, rollout complete, 0 restarts");
        }
    }

    /** A StatefulSet's rollout is dated by the ControllerRevision its status.updateRevision names, not by pod starts. */
    @Test
    void statefulSetRolloutIsDatedByItsUpdateRevision() {
        try (SimulatedCluster sim = SimulatedCluster.start("staging-eu-1")) {
            KubernetesClient c = sim.client();
            PromoteKubeSeed.seed(c, new Footprint("ns-db", "db", null, null, "1.0.0", "StatefulSet", "db",
                    "acme/db:1.0.0", 1, Health.HEALTHY, SINCE.plusSeconds(7200))); // pods (re)started 2h after the rollout
            c.apps().controllerRevisions().inNamespace("ns-db").resource(new io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder()
                    .withNewMetadata().withName("db-6f7c9d").withNamespace("ns-db").withCreationTimestamp(SINCE.toString())
                    .endMetadata().withRevision(3L).build()).create();
            var sts = c.apps().statefulSets().inNamespace("ns-db").withName("db").get();
            sts.getStatus().setUpdateRevision("db-6f7c9d");
            sts.getStatus().setCurrentRevision("db-6f7c9d");
            c.apps().statefulSets().inNamespace("ns-db").resource(sts).updateStatus();
            ToolSpec spec = new ToolSpec(null, "acme/db", "ns-db", null, Map.of("staging", "1.0.0"), "1h",
                    List.of(new ToolSpec.HealthCheck("StatefulSet", "db", 3)), null);
            var obs = PromoteKube.observe(c, new PromoteKube.Query("ns-db", null, List.of(new PromoteKube.Check("StatefulSet", "db"))));
            assertThat(Verification.evaluate("staging-eu-1", "staging", spec, obs).liveSince()).isEqualTo(SINCE);
        }
    }
}
