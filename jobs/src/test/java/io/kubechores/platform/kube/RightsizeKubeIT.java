package io.kubechores.platform.kube;

import io.kubechores.testkit.kube.RightsizeSeeds;

import io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.verticalpodautoscaler.client.VerticalPodAutoscalerClient;
import io.kubechores.platform.kube.RightsizeKube.Collected;
import io.kubechores.testkit.kube.RightsizeSeeds.WorkloadSeed;
import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Observation.Amount;
import io.kubechores.model.rightsize.Observation.ContainerRecommendation;
import io.kubechores.model.rightsize.ResourceValues;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Collecting VPAs, their target workloads and HPAs from a mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class RightsizeKubeIT {
    static KubernetesClient client;

    @Test
    void joinsVpaRecommendationsWithWorkloadsAndHpas() {
        Map<String, RightsizeSeeds.Resources> containers = new LinkedHashMap<>();
        containers.put("cart", new RightsizeSeeds.Resources("500m", "512Mi", "1", "1Gi"));
        containers.put("envoy", new RightsizeSeeds.Resources("100m", "128Mi", null, "256Mi"));
        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("shop", "Deployment", "cart", 3,
                Map.of("team", "storefront"), Map.of("argocd.argoproj.io/tracking-id", "shop:apps/Deployment:shop/cart"),
                containers));
        RightsizeSeeds.seedVpa(client, "shop", "Deployment", "cart", List.of(
                new RightsizeSeeds.ContainerRecommendation("cart", new RightsizeSeeds.Amount(300L, 300L << 20), new RightsizeSeeds.Amount(150L, 200L << 20),
                        new RightsizeSeeds.Amount(900L, 700L << 20), new RightsizeSeeds.Amount(300L, 300L << 20)),
                new RightsizeSeeds.ContainerRecommendation("envoy", new RightsizeSeeds.Amount(25L, 64L << 20), null, null, null)));
        RightsizeSeeds.seedHpaOnCpu(client, "shop", "Deployment", "cart", 2, 10, 70);

        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("shop", "StatefulSet", "cache", 2, Map.of(), Map.of(),
                Map.of("redis", new RightsizeSeeds.Resources("250m", "256Mi", null, null))));
        RightsizeSeeds.seedVpa(client, "shop", "StatefulSet", "cache", List.of(
                new RightsizeSeeds.ContainerRecommendation("redis", new RightsizeSeeds.Amount(50L, 100L << 20), null, null, null)));
        // VPA that resizes pods itself: not ours to change in git
        client.adapt(VerticalPodAutoscalerClient.class).v1().verticalpodautoscalers().resource(
                new VerticalPodAutoscalerBuilder().withNewMetadata().withNamespace("shop").withName("auto").endMetadata()
                        .withNewSpec().withNewTargetRef("apps/v1", "Deployment", "auto").withNewUpdatePolicy()
                        .withUpdateMode("Auto").endUpdatePolicy().endSpec().build()).create();
        // no recommendation yet, and a target that does not exist
        client.adapt(VerticalPodAutoscalerClient.class).v1().verticalpodautoscalers().resource(
                new VerticalPodAutoscalerBuilder().withNewMetadata().withNamespace("shop").withName("fresh").endMetadata()
                        .withNewSpec().withNewTargetRef("apps/v1", "Deployment", "cart").withNewUpdatePolicy()
                        .withUpdateMode("Off").endUpdatePolicy().endSpec().build()).create();
        RightsizeSeeds.seedVpa(client, "shop", "Deployment", "gone", List.of(
                new RightsizeSeeds.ContainerRecommendation("x", new RightsizeSeeds.Amount(1L, 1L), null, null, null)));
        // out of scope namespace
        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("kube-system", "Deployment", "coredns", 2, Map.of(),
                Map.of(), Map.of("coredns", new RightsizeSeeds.Resources("100m", "70Mi", null, "170Mi"))));
        RightsizeSeeds.seedVpa(client, "kube-system", "Deployment", "coredns", List.of(
                new RightsizeSeeds.ContainerRecommendation("coredns", new RightsizeSeeds.Amount(10L, 20L << 20), null, null, null)));

        Collected c = RightsizeKube.collect(client, "prod-eu-1", ns -> !ns.equals("kube-system"));

        assertThat(c.observations()).extracting(Observation::id)
                .containsExactlyInAnyOrder("prod-eu-1/shop/Deployment/cart", "prod-eu-1/shop/StatefulSet/cache");
        Observation cart = c.observations().stream().filter(o -> o.name().equals("cart")).findFirst().orElseThrow();
        assertThat(cart.replicas()).isEqualTo(3);
        assertThat(cart.hpaName()).isEqualTo("cart");
        assertThat(cart.hpaOnCpu()).isTrue();
        // autoscaling/v2 Resource metric cpu, target.averageUtilization 70, no status yet
        assertThat(cart.hpaCpu()).isEqualTo(new Observation.HpaCpu("cart", null, 70, null, 2, 10, null, false));
        assertThat(cart.vpaUpdateMode()).isEqualTo("Off");
        assertThat(cart.labels()).containsEntry("team", "storefront");
        assertThat(cart.annotations()).containsEntry("argocd.argoproj.io/tracking-id", "shop:apps/Deployment:shop/cart");
        assertThat(cart.live()).containsEntry("cart", new ResourceValues("500m", "512Mi", "1", "1Gi"))
                .containsEntry("envoy", new ResourceValues("100m", "128Mi", null, "256Mi"));
        assertThat(cart.recommendations()).first().satisfies(r -> {
            assertThat(r.container()).isEqualTo("cart");
            assertThat(r.target()).isEqualTo(new Amount(300L, 300L << 20));
            assertThat(r.lowerBound()).isEqualTo(new Amount(150L, 200L << 20));
            assertThat(r.upperBound()).isEqualTo(new Amount(900L, 700L << 20));
        });
        Observation cache = c.observations().stream().filter(o -> o.name().equals("cache")).findFirst().orElseThrow();
        assertThat(cache.hpaOnCpu()).isFalse();
        assertThat(cache.replicas()).isEqualTo(2);
        assertThat(c.warnings()).containsExactlyInAnyOrder(
                "prod-eu-1/shop/VerticalPodAutoscaler/auto: updateMode Auto — the VPA resizes Deployment auto itself; skipped",
                "prod-eu-1/shop/VerticalPodAutoscaler/fresh: no recommendation yet",
                "prod-eu-1/shop/VerticalPodAutoscaler/gone: target Deployment shop/gone not found");
        // VPAs, Deployments, StatefulSets, HPAs, pods and PodMetrics of the one namespace in scope with VPAs, and
        // the VPA checkpoints
        assertThat(c.apiCalls()).isEqualTo(7);
    }
}
