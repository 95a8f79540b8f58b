package io.kubechores.downscale;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GitOps-safe downscaling on the simulated API server with Flux's and Argo CD's CRDs: the owning Kustomization /
 * HelmRelease is suspended (spec.suspend, Flux docs "flux suspend") and the Argo CD Application's self-heal turned off
 * (spec.syncPolicy.automated.selfHeal, Argo CD docs "Automated Sync Policy") before the scale-down, and both resumed
 * after the restore; a Kustomization a human suspended is never resumed.
 */
class DownscaleGitOpsIT {
    static final Instant TUE_NIGHT = OffsetDateTime.parse("2026-11-24T22:00:00+01:00").toInstant();
    static final Instant WED_MORNING = OffsetDateTime.parse("2026-11-25T08:00:00+01:00").toInstant();

    @TempDir
    Path out;
    DownscaleSimulatedCluster eu;
    KubernetesClient client;
    DesiredState state;
    final MemoryStateStore store = new MemoryStateStore();

    @BeforeEach
    void setUp() throws Exception {
        state = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "working-tree")
                .onlyClusters(List.of("staging-eu-1"));
        eu = new DownscaleSimulatedCluster();
        client = eu.client(5000);
        DownscaleChoreIT.seed(client, "downscale/crds.yaml");
        DownscaleChoreIT.seed(client, "downscale/gitops.yaml");
        eu.resetCounts();
    }

    @AfterEach
    void tearDown() {
        client.close();
        eu.close();
    }

    ChoreRunner.Outcome<?> run(Instant at, boolean dryRun) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(Map.of("staging-eu-1", client)), null, null, null, null,
                store, null);
        ChoreContext ctx = new ChoreContext("downscale", state, platform, Clock.fixed(at, ZoneOffset.UTC), dryRun,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
        return ChoreRunner.run(new DownscaleChore("kubechores"), ctx, 1);
    }

    GenericKubernetesResource get(String apiVersion, String kind, String ns, String name) {
        return client.genericKubernetesResources(apiVersion, kind).inNamespace(ns).withName(name).get();
    }

    Object suspend(String kind, String apiVersion, String ns, String name) {
        return get(apiVersion, kind, ns, name).get("spec", "suspend");
    }

    Object selfHeal() {
        return get("argoproj.io/v1alpha1", "Application", "argocd", "shop").get("spec", "syncPolicy", "automated",
                "selfHeal");
    }

    Map<String, String> annotations(String apiVersion, String kind, String ns, String name) {
        Map<String, String> a = get(apiVersion, kind, ns, name).getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    int replicas(String name) {
        return client.apps().deployments().inNamespace("apps").withName(name).get().getSpec().getReplicas();
    }

    @Test
    void fluxAndArgoArePausedForTheNightAndResumedAfterTheMorningRestore() throws Exception {
        ChoreRunner.Outcome<?> night = run(TUE_NIGHT, false);
        assertThat(night.exitCode()).isZero();
        assertThat(suspend("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "flux-system", "apps")).isEqualTo(true);
        assertThat(annotations("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "apps"))
                .containsKey("kubechores.io/downscale-paused");
        assertThat(suspend("HelmRelease", "helm.toolkit.fluxcd.io/v2", "apps", "redis")).isEqualTo(true);
        assertThat(selfHeal()).isEqualTo(false);
        assertThat(List.of(replicas("web"), replicas("redis"), replicas("shop"), replicas("legacy")))
                .containsExactly(0, 0, 0, 0);
        // paused before any workload is scaled down (the run's actions are in the order they were applied)
        List<String> verbs = night.allActions().stream().map(Action::verb).toList();
        assertThat(verbs.subList(0, 3)).containsOnly("pause-gitops");
        assertThat(night.allActions()).filteredOn(a -> a.verb().equals("pause-gitops"))
                .extracting(Action::target).containsExactly(
                        "staging-eu-1/argocd/Application/shop", "staging-eu-1/apps/HelmRelease/redis",
                        "staging-eu-1/flux-system/Kustomization/apps");
        // the Kustomization a human suspended is left as is, with a warning
        assertThat(annotations("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "frozen"))
                .doesNotContainKey("kubechores.io/downscale-paused");
        assertThat(night.report().warnings()).anySatisfy(w -> assertThat(w).contains("flux-system/Kustomization/frozen")
                .contains("already paused by someone else"));

        // later the same night: nothing to pause again
        eu.resetCounts();
        run(TUE_NIGHT.plusSeconds(900), false);
        assertThat(eu.count("PATCH")).as(eu.counts().toString()).isZero();

        ChoreRunner.Outcome<?> morning = run(WED_MORNING, false);
        assertThat(List.of(replicas("web"), replicas("redis"), replicas("shop"), replicas("legacy")))
                .containsExactly(3, 2, 4, 1);
        assertThat(suspend("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "flux-system", "apps")).isEqualTo(false);
        assertThat(annotations("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "apps"))
                .doesNotContainKey("kubechores.io/downscale-paused");
        assertThat(suspend("HelmRelease", "helm.toolkit.fluxcd.io/v2", "apps", "redis")).isEqualTo(false);
        assertThat(selfHeal()).isEqualTo(true);
        assertThat(suspend("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "flux-system", "frozen")).isEqualTo(true);
        // resumed after the restores
        List<String> after = morning.allActions().stream().map(Action::verb).toList();
        assertThat(after.subList(after.size() - 3, after.size())).containsOnly("resume-gitops");
        assertThat(morning.allActions()).filteredOn(a -> a.verb().equals("resume-gitops"))
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(Action.Status.APPLIED));
    }

    @Test
    void aDryRunShowsThePausesAndChangesNothing() throws Exception {
        ChoreRunner.Outcome<?> plan = run(TUE_NIGHT, true);
        assertThat(eu.count("PATCH")).isZero();
        assertThat(plan.allActions()).filteredOn(a -> a.verb().equals("pause-gitops")).hasSize(3)
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(Action.Status.PLANNED));
        assertThat(suspend("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "flux-system", "apps")).isNull();
    }
}
