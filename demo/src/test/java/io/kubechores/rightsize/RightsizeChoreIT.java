package io.kubechores.rightsize;

import io.kubechores.testkit.kube.RightsizeSeeds;

import io.kubechores.demo.RightsizeDemo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.kube.RightsizeKube;
import io.kubechores.platform.kube.StaticKubeClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job against four simulated clusters (CRUD mock API servers seeded by the demo contribution), the example
 * fleet repo and an in-memory forge: plan, apply, idempotency, a PR closed by a human, the open-PR cap and a failed
 * cluster.
 */
class RightsizeChoreIT {
    static final Path EXAMPLE = Path.of("../repo-layout/example");
    static final Path EXPECTED = Path.of("src/test/resources/rightsize/demo-expected");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T09:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path repo;
    SimulatedFleet fleet;
    Map<String, KubernetesClient> clients;
    final InMemoryPullRequests forge = new InMemoryPullRequests();

    @BeforeEach
    void fleet() throws IOException {
        repo = tmp.resolve("repo");
        SimulatedFleet.copy(EXAMPLE, repo);
        fleet = new SimulatedFleet(load(), CLOCK);
        clients = fleet.clients;
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    DesiredState load() {
        return new DesiredStateLoader().load(repo, "working-tree");
    }

    ChoreRunner.Outcome<?> run(boolean dryRun, PullRequestService prs) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(clients), prs, null, null, null, new MemoryStateStore(),
                SecretSource.of(Map.of()));
        ChoreContext ctx = new ChoreContext("rightsize", load(), platform, CLOCK, dryRun, new SafetyLimit(10),
                AuditLog.NONE, tmp.resolve("out"));
        return ChoreRunner.run(new RightsizeChore(), ctx, 2);
    }

    static List<String> rows(ChoreRunner.Outcome<?> o) {
        return o.report().actions().stream().map(a -> a.target() + " " + a.verb() + " " + a.status()).sorted().toList();
    }

    static final List<String> UNLOCATED = List.of(
            "prod-eu-1/shop/Deployment/legacy-batch locate SKIPPED",
            "prod-us-1/shop/Deployment/legacy-batch locate SKIPPED",
            "staging-eu-1/shop/Deployment/legacy-batch locate SKIPPED",
            "staging-us-1/shop/Deployment/legacy-batch locate SKIPPED");

    @Test
    void dryRunPrintsTheExactPlanWithDiffsAndOpensNothing() throws Exception {
        ChoreRunner.Outcome<?> o = run(true, forge);

        List<String> expected = new ArrayList<>(List.of(
                "kubechores/rightsize/apps-payments open-pr PLANNED",
                "kubechores/rightsize/apps-search open-pr PLANNED",
                "kubechores/rightsize/apps-shop open-pr PLANNED"));
        expected.addAll(UNLOCATED);
        assertThat(rows(o)).containsExactlyElementsOf(expected.stream().sorted().toList());
        assertThat(forge.calls).isEmpty();
        assertThat(o.exitCode()).isZero();
        String summary = o.report().summary();
        assertThat(summary).contains("--- a/apps/shop/cart.yaml\n+++ b/apps/shop/cart.yaml\n"
                + "@@ -27,6 +27,6 @@\n"
                + "               cpu: 500m      # sized for Black Friday 2024\n"
                + "-              memory: 512Mi\n"
                + "+              memory: 352Mi\n");
        assertThat(summary).contains("-              cpu: \"1\"        # PCI load test 2025-03\n"
                + "-              memory: 1Gi\n"
                + "+              cpu: \"600m\"        # PCI load test 2025-03\n"
                + "+              memory: 704Mi\n");
        assertThat(o.report().warnings()).anyMatch(w -> w.startsWith(
                "source not found for prod-eu-1/shop/Deployment/legacy-batch: search of policy sources: no file defines"));
        assertThat(Files.readString(tmp.resolve("out/rightsize-plan.txt"))).contains("+      memory: 2944Mi");
    }

    @Test
    void opensOnePrPerManifestShapeEditingOnlyTheValuesThenNothingNew() throws Exception {
        ChoreRunner.Outcome<?> first = run(false, forge);

        assertThat(rows(first)).contains("kubechores/rightsize/apps-payments open-pr APPLIED",
                "kubechores/rightsize/apps-search open-pr APPLIED", "kubechores/rightsize/apps-shop open-pr APPLIED");
        assertThat(forge.prs).hasSize(3);
        Map<String, InMemoryPullRequests.Stored> byTopic = new HashMap<>();
        forge.prs.forEach(s -> byTopic.put(s.pr().topic(), s));
        assertThat(byTopic.get("apps-shop").files()).containsOnlyKeys("apps/shop/cart.yaml")
                .containsEntry("apps/shop/cart.yaml", Files.readString(EXPECTED.resolve("shop/cart.yaml")));
        assertThat(byTopic.get("apps-payments").files()).containsOnly(
                Map.entry("apps/payments/overlays/prod/resources.yaml",
                        Files.readString(EXPECTED.resolve("payments-prod/resources.yaml"))),
                Map.entry("apps/payments/overlays/staging/resources.yaml",
                        Files.readString(EXPECTED.resolve("payments-staging/resources.yaml"))));
        assertThat(byTopic.get("apps-search").files()).containsOnly(
                Map.entry("apps/search/values.yaml", Files.readString(EXPECTED.resolve("search/values.yaml"))));
        assertThat(byTopic.get("apps-search").labels()).containsExactly("kubechores", "rightsize", "rightsizing", "automated"); // BotPrConventions: kubechores + job first

        String shop = byTopic.get("apps-shop").pr().body();
        assertThat(byTopic.get("apps-shop").pr().title()).startsWith("kubechores(rightsize): right-size shop: 2 containers (est. -$");
        assertThat(shop).contains("| requests.memory | 512Mi | **352Mi** | -31% |")
                .contains("| limits.memory | 1Gi | **704Mi** | -31% |")
                .contains("cpu prod-eu-1/cart: HPA scaling at 3 replicas (replicas 2–12, target 70%): its pods' usage"
                        + " is the HPA's set point (70% of the request), so the request stays at 500m (sizing it from"
                        + " that usage would feed the HPA loop, Goldilocks #449)")
                .contains("| prod-eu-1 | shop/Deployment/cart | 3 | 310m (186m–775m) | 300Mi (180Mi–750Mi) | cart (cpu) |")
                .contains("$0.0316 per vCPU-hour and $0.0042 per GiB-hour")
                .contains("apps/shop/cart.yaml#Deployment/cart|cart|requests.memory=352Mi");
        // 352-512 = -160Mi on 3+3+1+1 replicas, 96-128 = -32Mi on the same: 8 × 730 × (-192/1024 GiB × 0.0042)
        assertThat(shop).contains("**Estimated monthly cost change: -$4.60**");
        String search = byTopic.get("apps-search").pr().body();
        assertThat(search).contains("| requests.cpu | 300m | **375m** | +25% |")
                .contains("`indexer` in `apps/search/values.yaml` (helm: indexer.resources)");

        ChoreRunner.Outcome<?> second = run(false, forge);
        assertThat(rows(second)).contains("kubechores/rightsize/apps-payments update-pr UNCHANGED",
                "kubechores/rightsize/apps-search update-pr UNCHANGED",
                "kubechores/rightsize/apps-shop update-pr UNCHANGED");
        assertThat(forge.prs).hasSize(3);
    }

    @Test
    void aPrClosedByAHumanComesBackOnlyWhenTheRecommendationMovedEnough() throws Exception {
        run(false, forge);
        forge.close("apps-shop");

        ChoreRunner.Outcome<?> again = run(false, forge);
        assertThat(again.report().actions()).filteredOn(a -> a.target().endsWith("apps-shop")).singleElement()
                .satisfies(a -> {
                    assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
                    assertThat(a.reason()).isEqualTo(
                            "PR #3 was closed by a human; recommendation moved 0% since (reopenThresholdPercent 25)");
                });
        assertThat(forge.prs).hasSize(3);

        // cart's memory recommendation doubles on one cluster: 600Mi × 1.15 → 704Mi, 100% away from the closed 352Mi
        RightsizeSeeds.seedVpa(clients.get("prod-eu-1"), "shop", "Deployment", "cart", List.of(
                RightsizeDemo.rec("cart", 310, 600), RightsizeDemo.rec("envoy", 45, 80)));
        ChoreRunner.Outcome<?> moved = run(false, forge);
        assertThat(moved.report().actions()).filteredOn(a -> a.target().endsWith("apps-shop")).singleElement()
                .satisfies(a -> {
                    assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
                    assertThat(a.reason()).contains("cart requests.memory 512Mi→704Mi")
                            .contains("recommendation moved 100% since closed PR #3");
                });
        assertThat(forge.prs).hasSize(4);
    }

    @Test
    void neverMoreOpenPrsThanTheCap() throws Exception {
        Path policy = repo.resolve("rightsizing/apps.yaml");
        Files.writeString(policy, Files.readString(policy).replace("maxOpenPullRequests: 5", "maxOpenPullRequests: 2"));
        ChoreRunner.Outcome<?> o = run(false, forge);
        assertThat(forge.prs).hasSize(2);
        assertThat(o.report().actions()).filteredOn(a -> a.reason().startsWith("maxOpenPullRequests 2 reached"))
                .extracting(Action::target).containsExactly("kubechores/rightsize/apps-shop");
        // the open ones are still updated in place on the next run; the capped one still waits
        ChoreRunner.Outcome<?> again = run(false, forge);
        assertThat(forge.prs).hasSize(2);
        assertThat(rows(again)).contains("kubechores/rightsize/apps-payments update-pr UNCHANGED",
                "kubechores/rightsize/apps-shop open-pr SKIPPED");
    }

    @Test
    void aFailedClusterStopsOnlyItsOwnPartitionAndNoPrIsProposedFromAPartialRollup() throws Exception {
        clients.get("staging-us-1").close();
        clients.put("staging-us-1", new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:1").withRequestTimeout(500).withConnectionTimeout(500)
                .withRequestRetryBackoffLimit(0).build()).build());
        ChoreRunner.Outcome<?> o = run(false, forge);
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.partitions()).filteredOn(p -> p.isFailed()).extracting(p -> p.partition())
                .containsExactly("staging-us-1");
        assertThat(o.report().actions()).filteredOn(a -> a.verb().equals("open-pr")).hasSize(3)
                .allSatisfy(a -> {
                    assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
                    assertThat(a.reason()).isEqualTo("not proposed from a partial rollup: cluster(s) staging-us-1 failed");
                });
        assertThat(forge.prs).isEmpty();
    }

    /**
     * Issue 17: a file that is not YAML, a container whose value is shared through an anchor, nulls and a
     * {@code resources: {}} placeholder, all in one run. The run is not failed: each bad file or container is one
     * SKIPPED row with file, line and reason; the placeholder is filled and the PR says a block was added.
     */
    @Test
    void badFilesAndSharedAnchorsAreSkippedRowsAndPlaceholdersAreFilled() throws Exception {
        Files.writeString(repo.resolve("apps/shop/cart.yaml"), "kind: Deployment\nmetadata:\n  name: cart\n"
                + " spec: {}\n");
        Files.writeString(repo.resolve("apps/search/values.yaml"), """
                # Helm values for the search chart ({{ .Release.Name }} in a comment is fine)
                indexer:
                  resources: {}   # chart default: unbounded
                query:
                  resources:
                    requests:
                      cpu: ~
                      memory: &m 768Mi
                    limits:
                      memory: *m
                """);
        ChoreRunner.Outcome<?> o = run(false, forge);

        assertThat(o.exitCode()).isZero();
        assertThat(rows(o)).contains("apps/shop/cart.yaml read SKIPPED",
                "apps/search/values.yaml#{container}.resources|query edit SKIPPED",
                "kubechores/rightsize/apps-payments open-pr APPLIED", "kubechores/rightsize/apps-search open-pr APPLIED");
        assertThat(o.report().actions()).filteredOn(a -> a.verb().equals("read")).singleElement()
                .extracting(Action::reason).isEqualTo("apps/shop/cart.yaml:4:2: expected <block end>, but found '<block mapping start>'");
        assertThat(o.report().actions()).filteredOn(a -> a.target().endsWith("|query")).singleElement()
                .extracting(Action::reason).isEqualTo("apps/search/values.yaml:5: container query: resources anchor &m"
                        + " at apps/search/values.yaml:8 is also used through an alias or merge key; editing it would"
                        + " change every user");
        InMemoryPullRequests.Stored search = forge.prs.stream().filter(p -> p.pr().topic().equals("apps-search"))
                .findFirst().orElseThrow();
        assertThat(search.files().get("apps/search/values.yaml")).isEqualTo("""
                # Helm values for the search chart ({{ .Release.Name }} in a comment is fine)
                indexer:
                  resources:   # chart default: unbounded
                    requests:
                      cpu: 1200m
                      memory: 2944Mi
                query:
                  resources:
                    requests:
                      cpu: ~
                      memory: &m 768Mi
                    limits:
                      memory: *m
                """);
        assertThat(search.pr().body()).contains("**Resources blocks added**")
                .contains("apps/search/values.yaml:3: container indexer: resources block added (requests.cpu, requests.memory)")
                .contains("| requests.cpu | not set | **1200m** |");
    }

    /**
     * A VPA created 3 days ago (below minObservationDays 7): its block waits, reported. Search is opted out
     * (kubechores.io/rightsize: "false" on every cluster): SKIPPED rows. The payments PR goes on and its body has
     * the Configuration section.
     */
    @Test
    void aYoungVpaMakesItsChangeWaitAndAnOptedOutWorkloadIsSkipped() throws Exception {
        // re-created (an update keeps the creationTimestamp, as a real API server does)
        clients.get("prod-eu-1").adapt(io.fabric8.verticalpodautoscaler.client.VerticalPodAutoscalerClient.class).v1()
                .verticalpodautoscalers().inNamespace("shop").withName("cart").delete();
        RightsizeSeeds.seedVpa(clients.get("prod-eu-1"), "shop", "Deployment", "cart", List.of(
                RightsizeDemo.rec("cart", 310, 600), RightsizeDemo.rec("envoy", 45, 80)),
                CLOCK.instant().minus(java.time.Duration.ofDays(3)));
        clients.values().forEach(c -> c.apps().deployments().inNamespace("search").withName("search").edit(d -> {
            d.getMetadata().getAnnotations().put(RightsizeChore.OPT_OUT, "false");
            return d;
        }));
        ChoreRunner.Outcome<?> o = run(false, forge);
        assertThat(rows(o)).contains("kubechores/rightsize/apps-payments open-pr APPLIED",
                        "prod-eu-1/search/Deployment/search rightsize SKIPPED",
                        "staging-us-1/search/Deployment/search rightsize SKIPPED")
                .noneMatch(r -> r.contains("apps-shop") || r.contains("apps-search"));
        assertThat(o.report().warnings()).contains("policy apps: apps/shop/cart.yaml: container cart waits for"
                + " confidence: prod-eu-1 VPA cart observed 3d 0h (minObservationDays 7)");
        assertThat(forge.prs).singleElement().extracting(p -> p.pr().body()).asString()
                .contains("| VPA observing since |").contains("| 2026-10-01 |")
                .contains("### Configuration").contains("| wait until every VPA observed | 7 days |")
                .contains("annotate (or label) it `kubechores.io/rightsize: \"false\"`");
    }
}
