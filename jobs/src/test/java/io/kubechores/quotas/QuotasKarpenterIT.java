package io.kubechores.quotas;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.core.Action;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.platform.aws.AwsCallPolicy;
import io.kubechores.platform.kube.QuotasKube;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.testkit.aws.AwsWireStubs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.kubechores.quotas.QuotasFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Karpenter NodePools read from the cluster (karpenter.sh/v1 NodePool, cluster-scoped, on the fabric8 mock server in
 * CRUD mode with the CRD installed) next to the repo's node pools, in a dry run with the read-only platform.
 * Karpenter docs, "NodePools": spec.limits.cpu bounds the vCPUs of the pool's nodes; karpenter.sh/capacity-type In
 * [spot, on-demand] prefers spot and falls back to on-demand, so the limit counts in both quotas; without the
 * requirement "any value available to the cloud provider may be chosen" (same docs), so it counts in both too;
 * instance-category / instance-family / instance-type requirements say what it may launch. EKS user guide, "Understand each phase of node updates": a managed node group's rolling upgrade grows
 * it by max(2 × AZs, maxUnavailable) nodes.
 */
class QuotasKarpenterIT {
    static final String A = "111111111111";
    static final String EU = "eu-central-1";
    static KubernetesMockServer k8s;
    static KubernetesClient client;
    static WireMockServer wm;
    @TempDir
    Path out;

    @BeforeAll
    static void start() {
        k8s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        k8s.init(InetAddress.getLoopbackAddress(), 0);
        client = k8s.createClient();
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("nodepools.karpenter.sh").endMetadata().withNewSpec()
                .withGroup("karpenter.sh").withScope("Cluster").withNewNames().withKind("NodePool")
                .withListKind("NodePoolList").withPlural("nodepools").withSingular("nodepool").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion().endSpec().build())
                .create();
        nodePool("default", "1000", List.of(
                req("karpenter.sh/capacity-type", "In", "spot", "on-demand"),
                req("karpenter.k8s.aws/instance-category", "In", "c", "m", "r"),
                req("karpenter.k8s.aws/instance-generation", "Gt", "5")));
        nodePool("gpu", "64", List.of(req("karpenter.k8s.aws/instance-family", "In", "g5", "g6")));
        nodePool("batch", "32", List.of(req("karpenter.sh/capacity-type", "NotIn", "spot"),
                req("node.kubernetes.io/instance-type", "In", "c6i.8xlarge")));
        nodePool("unbounded", null, List.of(req("karpenter.sh/capacity-type", "In", "spot")));
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stop() {
        client.close();
        k8s.destroy();
        wm.stop();
    }

    static Map<String, Object> req(String key, String op, String... values) {
        return Map.of("key", key, "operator", op, "values", List.of(values));
    }

    static void nodePool(String name, String cpu, List<Map<String, Object>> requirements) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("template", Map.of("spec", Map.of("requirements", requirements,
                "nodeClassRef", Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", "default"))));
        if (cpu != null) spec.put("limits", Map.of("cpu", cpu, "memory", "1000Gi"));
        client.genericKubernetesResources(QuotasKube.NODE_POOLS).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion("karpenter.sh/v1").withKind("NodePool").withNewMetadata().withName(name).endMetadata()
                .addToAdditionalProperties("spec", spec).build()).create();
    }

    @Test
    void karpenterLimitsAndTheUpgradeSurgeAreTheNeed() throws Exception {
        wm.resetAll();
        AwsWireStubs aws = new AwsWireStubs(wm);
        aws.assumeRole(A, ROLE.replace("{accountId}", A));
        for (String code : List.of("L-1216C47A", "L-34B43A08", "L-DB2E81BA", "L-3819A6DF")) {
            aws.appliedQuota(A, EU, "ec2", code, code, 256, true);
            aws.history(A, EU, "ec2", code, List.of());
        }
        // the repo's "default" is replaced by the cluster's NodePool of that name; "ng" is an EKS managed node group
        // c2 cannot be reached (no client): its repo pool still counts, with a warning
        DesiredState s = state(List.of(cluster("c1", A, EU,
                        pool("default", "on-demand", 10, "m6i.large"),
                        new ClusterSpec.NodePool("ng", List.of("m6i.2xlarge"), "on-demand", 2, 10, null, null, 3, null)),
                        cluster("c2", A, EU, pool("web", "on-demand", 4, "m6i.xlarge"))),
                List.of(Resource.of(Kind.QUOTA_POLICY, "p", new QuotaPolicySpec(List.of(), List.of(), true, 0, 2.0, 10,
                        null, List.of(), null, true))));
        Platform base = platform(wm.baseUrl());
        Platform p = new Platform(new StaticKubeClients(Map.of("c1", client)), null, base.aws(), null, null,
                base.state(), base.secrets()).readOnly();
        QuotasChore chore = new QuotasChore(new AwsCallPolicy(2, Duration.ofMillis(2), Duration.ofMillis(5), 0),
                InstanceTypes.shipped());

        ChoreRunner.Outcome<?> o = ChoreRunner.run(chore, context(s, p, true, SafetyLimit.unlimited(), new Audit(), out), 4);

        assertThat(o.exitCode()).isZero();
        Map<String, Action> byQuota = new HashMap<>();
        o.allActions().forEach(a -> byQuota.put(a.target().substring(a.target().lastIndexOf('/') + 1), a));
        // 128 (node group with surge) + 1000 + 32 (Karpenter) + 16 (c2's repo pool), capped by maxIncreaseFactor 2
        assertThat(byQuota.get("L-1216C47A").detail()).isEqualTo("256 → 512 (wanted 1176, capped)");
        assertThat(byQuota.get("L-1216C47A").reason()).contains("c2/web: 4 x m6i.xlarge (4 vCPU) = 16");
        assertThat(byQuota.get("L-1216C47A").reason()).contains(
                "c1/ng: (10 + 6 upgrade surge max(2 x 3 AZs, maxUnavailable 1)) x m6i.2xlarge (8 vCPU) = 128",
                "c1/default: Karpenter limits.cpu 1000 (standard) — spot with on-demand fallback: counted in both")
                .doesNotContain("m6i.large");
        assertThat(byQuota.get("L-1216C47A").reason()).contains("c1/batch: Karpenter limits.cpu 32 (standard)");
        assertThat(byQuota.get("L-34B43A08").reason()).contains("c1/default: Karpenter limits.cpu 1000 (standard)")
                .doesNotContain("c1/ng").doesNotContain("c1/batch");
        // no capacity-type requirement: either may be launched, so both G quotas hold the limit
        for (String g : List.of("L-DB2E81BA", "L-3819A6DF")) {
            assertThat(byQuota.get(g).reason()).contains("c1/gpu: Karpenter limits.cpu 64 (g-vt) — spot with on-demand"
                    + " fallback: counted in both");
            assertThat(byQuota.get(g).verb()).isEqualTo("none");
        }
        String report = Files.readString(out.resolve("quotas-report.txt"));
        assertThat(report).contains("cluster c1 Karpenter NodePool unbounded has no spec.limits.cpu",
                "cluster c2: Karpenter NodePools could not be read (IllegalStateException: no client for cluster c2):"
                        + " its repo node pools count");
    }
}
