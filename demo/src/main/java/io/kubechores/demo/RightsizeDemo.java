package io.kubechores.demo;

import io.kubechores.model.rightsize.Quantities;

import io.kubechores.rightsize.ManifestLocator;

import io.kubechores.rightsize.RightsizeChore;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.demo.DemoContribution;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.testkit.kube.RightsizeSeeds;
import io.kubechores.testkit.kube.RightsizeSeeds.WorkloadSeed;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's right-sizing story: every example cluster runs the example apps with recommend-only VPAs, so one run
 * opens one PR per manifest shape in the local forge — shop (raw manifest, Argo CD tracking; CPU left alone because
 * an HPA scales cart on CPU in prod), payments (kustomize overlays per environment, Flux Kustomizations) and search
 * (Helm values, Flux HelmRelease) — and lists legacy-batch, which no file in the repo defines. A second run opens
 * nothing new.
 */
@Component
public class RightsizeDemo implements DemoContribution {
    private static final long MI = Quantities.MI;
    private static final Map<String, Integer> SPREAD =
            Map.of("prod-eu-1", 30, "prod-us-1", 10, "staging-eu-1", 20, "staging-us-1", 0);

    @Override
    public String job() {
        return RightsizeChore.NAME;
    }

    @Override
    public void seedCluster(Resource<ClusterSpec> cluster, KubernetesClient client, Clock clock) {
        boolean prod = "prod".equals(cluster.spec().environment());
        String env = cluster.spec().environment();
        // a small per-cluster spread so the rollup (max across clusters) is visible in the PR evidence
        int spread = SPREAD.getOrDefault(cluster.name(), 0);

        // shop/cart — raw manifest apps/shop/cart.yaml, tracked by the Argo CD app "shop"
        Map<String, RightsizeSeeds.Resources> cart = new LinkedHashMap<>();
        cart.put("cart", new RightsizeSeeds.Resources("500m", "512Mi", "1", "1Gi"));
        cart.put("envoy", new RightsizeSeeds.Resources("100m", "128Mi", null, "256Mi"));
        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("shop", "Deployment", "cart", prod ? 3 : 1,
                Map.of("app.kubernetes.io/name", "cart", "team", "storefront"),
                Map.of(ManifestLocator.ARGOCD_TRACKING_ID, "shop:apps/Deployment:shop/cart"), cart));
        RightsizeSeeds.seedVpa(client, "shop", "Deployment", "cart", List.of(
                rec("cart", (prod ? 280 : 110) + spread, (prod ? 270 : 180) + spread),
                rec("envoy", 30 + spread / 2, 50 + spread)));
        // the HPA is scaling (3 replicas of 2–12): the pods' CPU is its 70% set point, so rightsize holds the CPU
        // requests of cart's containers (a Resource metric: every container's request is in the HPA's ratio)
        if (prod) RightsizeSeeds.seedHpaOnCpu(client, "shop", "Deployment", "cart", 2, 12, 70, 3);

        // shop/legacy-batch — deployed by hand years ago: no file in the repo defines it (listed, never guessed)
        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("shop", "Deployment", "legacy-batch", 1,
                Map.of("app.kubernetes.io/name", "legacy-batch"), Map.of(),
                Map.of("batch", new RightsizeSeeds.Resources("1", "2Gi", null, "2Gi"))));
        RightsizeSeeds.seedVpa(client, "shop", "Deployment", "legacy-batch", List.of(rec("batch", 120, 700)));

        // payments/payments-api — kustomize overlay per environment, Flux Kustomization payments-<env>
        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("payments", "Deployment", "payments-api", prod ? 4 : 2,
                Map.of("app.kubernetes.io/name", "payments-api", ManifestLocator.FLUX_KUSTOMIZATION, "payments-" + env,
                        "team", "payments"), Map.of(),
                Map.of("api", prod ? new RightsizeSeeds.Resources("1", "1Gi", "2", "2Gi")
                        : new RightsizeSeeds.Resources("200m", "256Mi", "400m", "512Mi"))));
        RightsizeSeeds.seedVpa(client, "payments", "Deployment", "payments-api", List.of(
                prod ? rec("api", 480 + spread, 560 + spread) : rec("api", 140 + spread / 2, 380 + spread)));

        // search/search — Helm values apps/search/values.yaml ({container}.resources), Flux HelmRelease "search"
        Map<String, RightsizeSeeds.Resources> search = new LinkedHashMap<>();
        search.put("indexer", new RightsizeSeeds.Resources("2000m", "4Gi", "4000m", "4Gi"));
        search.put("query", new RightsizeSeeds.Resources("300m", "768Mi", null, "768Mi"));
        RightsizeSeeds.seedWorkload(client, new WorkloadSeed("search", "Deployment", "search", prod ? 3 : 1,
                Map.of("app.kubernetes.io/name", "search", ManifestLocator.FLUX_HELMRELEASE, "search",
                        "team", "search"), Map.of(), search));
        RightsizeSeeds.seedVpa(client, "search", "Deployment", "search", List.of(
                rec("indexer", (prod ? 950 : 400) + spread, (prod ? 2500 : 1400) + spread),
                rec("query", (prod ? 290 : 120) + spread, (prod ? 860 : 500) + spread)));
    }

    /** A recommendation with the usual VPA spread: lower bound 60%, upper bound 250% of the target. */
    public static RightsizeSeeds.ContainerRecommendation rec(String container, long cpuMillis, long memoryMi) {
        return new RightsizeSeeds.ContainerRecommendation(container, new RightsizeSeeds.Amount(cpuMillis, memoryMi * MI),
                new RightsizeSeeds.Amount(cpuMillis * 6 / 10, memoryMi * MI * 6 / 10),
                new RightsizeSeeds.Amount(cpuMillis * 5 / 2, memoryMi * MI * 5 / 2), new RightsizeSeeds.Amount(cpuMillis, memoryMi * MI));
    }

    @Override
    public List<Step> steps(Clock clock) {
        return List.of(
                new Step("plan: right-sizing PRs with their diffs (dry run)", clock.instant(), true),
                new Step("open right-sizing PRs in the local forge", clock.instant(), false),
                new Step("run again an hour later: nothing new", clock.instant().plus(Duration.ofHours(1)), false));
    }
}
