package io.kubechores.downscale;

import io.kubechores.demo.DownscaleDemo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.demo.DemoContribution;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo contribution seeds the example fleet's clusters; its steps show a scale-down at night and a restore. */
class DownscaleDemoIT {
    @TempDir
    Path out;

    @Test
    void nightThenMorningOnTheExampleFleet() throws Exception {
        DesiredState state = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "working-tree");
        Clock demoClock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC); // a Friday
        DownscaleDemo demo = new DownscaleDemo();
        Map<String, DownscaleSimulatedCluster> sims = new HashMap<>();
        Map<String, KubernetesClient> clients = new HashMap<>();
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            for (Resource<ClusterSpec> c : state.clusters()) {
                DownscaleSimulatedCluster sim = new DownscaleSimulatedCluster();
                KubernetesClient client = sim.client(5000);
                closing.add(sim);
                closing.add(client);
                sims.put(c.name(), sim);
                clients.put(c.name(), client);
                demo.seedCluster(c, client, demoClock);
            }
            List<DemoContribution.Step> steps = demo.steps(demoClock);
            assertThat(steps).extracting(DemoContribution.Step::label).containsExactly(
                    "plan at night (Mon 2026-11-30 22:00 Europe/Berlin)",
                    "night (Mon 2026-11-30 22:00 Europe/Berlin): scale down",
                    "same minute again: nothing to do",
                    "morning (Tue 2026-12-01 08:00 Europe/Berlin): restore");
            Platform platform = new Platform(new StaticKubeClients(clients), null, null, null, null,
                    new MemoryStateStore(), null);
            List<ChoreRunner.Outcome<?>> outcomes = new ArrayList<>();
            List<Long> patches = new ArrayList<>();
            for (DemoContribution.Step step : steps) {
                sims.values().forEach(DownscaleSimulatedCluster::resetCounts);
                ChoreContext ctx = new ChoreContext("downscale", state, platform,
                        Clock.fixed(step.at(), ZoneOffset.UTC), step.dryRun(), new SafetyLimit(500), AuditLog.NONE,
                        out.resolve("step" + outcomes.size()));
                outcomes.add(ChoreRunner.run(new DownscaleChore("kubechores"), ctx, 4));
                patches.add(sims.values().stream().mapToLong(s -> s.count("PATCH")).sum());
            }
            KubernetesClient eu = clients.get("staging-eu-1");
            // plan: nothing patched; night: patched; again: nothing; morning: restored
            assertThat(patches.get(0)).isZero();
            assertThat(patches.get(1)).isPositive();
            assertThat(patches.get(2)).isZero();
            assertThat(patches.get(3)).isPositive();
            assertThat(outcomes).allSatisfy(o -> assertThat(o.exitCode()).isZero());

            ChoreRunner.Outcome<?> night = outcomes.get(1);
            assertThat(night.allActions()).filteredOn(a -> a.status() == Action.Status.APPLIED)
                    .extracting(Action::target)
                    .contains("staging-eu-1/shop/Deployment/cart", "staging-eu-1/shop/Rollout/checkout",
                            "staging-eu-1/shop/HorizontalPodAutoscaler/frontend",
                            "staging-us-1/search/ScaledObject/indexer", "staging-us-1/search/CronJob/reindex")
                    .noneMatch(t -> t.startsWith("prod-") || t.contains("ledger-db") || t.contains("demo-booth")
                            || t.equals("staging-eu-1/shop/Deployment/frontend") // the HPA owns its replicas
                            || t.contains("kube-system") || t.contains("monitoring"));
            assertThat(night.partitions()).filteredOn(p -> p.partition().equals("staging-eu-1")).singleElement()
                    .satisfies(p -> assertThat(p.warnings()).anySatisfy(w -> assertThat(w).contains("Argo CD"))
                            .anySatisfy(w -> assertThat(w).contains("Europe/Berln")));

            // morning: everything back exactly; prod never touched
            assertThat(eu.apps().deployments().inNamespace("shop").withName("cart").get().getSpec().getReplicas())
                    .isEqualTo(3);
            assertThat(eu.apps().deployments().inNamespace("shop").withName("frontend").get().getSpec().getReplicas())
                    .isEqualTo(4);
            assertThat(clients.get("prod-eu-1").apps().deployments().inNamespace("shop").withName("cart").get()
                    .getSpec().getReplicas()).isEqualTo(6);
            assertThat(sims.get("prod-eu-1").count("PATCH")).isZero();
            assertThat(outcomes.get(3).report().summary()).contains("restored");
        } finally {
            for (AutoCloseable c : closing.reversed()) c.close();
        }
    }
}
