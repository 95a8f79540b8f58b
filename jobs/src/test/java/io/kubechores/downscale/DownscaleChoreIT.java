package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.platform.kube.DownscaleKube;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The downscale job against simulated clusters (fabric8 mock API server, CRUD mode) for every kind. */
class DownscaleChoreIT {
    // the seeds are created 2026-10-01 (SimulatedApiDispatcher keeps a requested creationTimestamp), long before
    static final Instant TUE_NIGHT = OffsetDateTime.parse("2026-11-24T22:00:00+01:00").toInstant();
    static final Instant WED_MORNING = OffsetDateTime.parse("2026-11-25T08:00:00+01:00").toInstant();

    @TempDir
    Path out;
    DownscaleSimulatedCluster eu;
    DownscaleSimulatedCluster us;
    KubernetesClient euClient;
    KubernetesClient usClient;
    DesiredState state;
    StateStore store = new MemoryStateStore();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        state = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "working-tree")
                .onlyClusters(List.of("staging-eu-1", "staging-us-1"));
        eu = new DownscaleSimulatedCluster();
        us = new DownscaleSimulatedCluster();
        euClient = eu.client(5000);
        usClient = us.client(5000);
        seed(euClient, "downscale/crds.yaml");
        seed(euClient, "downscale/workloads.yaml");
        // staging-us-1 has no KEDA / Argo CRDs: those kinds are simply absent there
        seed(usClient, "downscale/us-workloads.yaml");
        eu.resetCounts();
        us.resetCounts();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) c.close();
        euClient.close();
        usClient.close();
        eu.close();
        us.close();
    }

    static void seed(KubernetesClient c, String resource) throws Exception {
        try (InputStream in = DownscaleChoreIT.class.getClassLoader().getResourceAsStream(resource)) {
            for (HasMetadata item : c.load(in).items()) c.resource(item).create();
        }
    }

    ChoreRunner.Outcome<?> run(Instant at, boolean dryRun, SafetyLimit limit, DesiredState s,
                            Map<String, KubernetesClient> clients) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(clients), null, null, null, null, store, null);
        ChoreContext ctx = new ChoreContext("downscale", s, platform, Clock.fixed(at, ZoneOffset.UTC), dryRun, limit,
                AuditLog.NONE, out);
        return ChoreRunner.run(new DownscaleChore("kubechores"), ctx, 4);
    }

    ChoreRunner.Outcome<?> run(Instant at) throws Exception {
        return run(at, false, SafetyLimit.unlimited(), state, Map.of("staging-eu-1", euClient, "staging-us-1", usClient));
    }

    GenericKubernetesResource get(WorkloadKind k, String ns, String name) {
        return euClient.genericKubernetesResources(k.apiVersion(), k.kindName()).inNamespace(ns).withName(name).get();
    }

    Object spec(WorkloadKind k, String ns, String name, String field) {
        return get(k, ns, name).get("spec", field);
    }

    Map<String, String> annotations(WorkloadKind k, String ns, String name) {
        Map<String, String> a = get(k, ns, name).getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    List<Event> events(String reason) {
        return euClient.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).toList();
    }

    @Test
    void nightScalesEveryKindDownAndTheMorningRestoresExactly() throws Exception {
        ChoreRunner.Outcome<?> night = run(TUE_NIGHT);
        assertThat(night.exitCode()).isZero();
        // one LIST per kind + namespaces, exactly one PATCH per changed object, one Event each (+1 Warning), no GET
        Map<String, Long> calls = eu.counts();
        for (String r : List.of("namespaces", "deployments", "statefulsets", "cronjobs", "horizontalpodautoscalers",
                "scaledobjects", "rollouts")) {
            assertThat(calls).as("LIST " + r).containsEntry("LIST " + r, 1L);
        }
        assertThat(eu.count("PATCH")).as(calls.toString()).isEqualTo(6);
        assertThat(eu.count("GET")).as(calls.toString()).isZero();
        assertThat(eu.count("POST", "events")).isEqualTo(7);

        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(0);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).containsEntry("kubechores.io/original-replicas", "3");
        assertThat(spec(WorkloadKind.STATEFULSET, "payments", "cache", "replicas")).isEqualTo(0);
        assertThat(spec(WorkloadKind.CRONJOB, "search", "reindex", "suspend")).isEqualTo(true);
        assertThat(annotations(WorkloadKind.CRONJOB, "search", "reindex")).containsEntry("kubechores.io/original-replicas", "1");
        assertThat(spec(WorkloadKind.HPA, "shop", "frontend", "minReplicas")).isEqualTo(1);
        assertThat(annotations(WorkloadKind.SCALEDOBJECT, "search", "worker"))
                .containsEntry("autoscaling.keda.sh/paused-replicas", "1")   // namespace downtime-replicas: 1
                .containsEntry("kubechores.io/original-replicas", "unpaused");
        assertThat(spec(WorkloadKind.ROLLOUT, "shop", "checkout", "replicas")).isEqualTo(0);
        // left alone: policy exclusion, kube-system, bad annotation
        assertThat(spec(WorkloadKind.STATEFULSET, "payments", "ledger-db", "replicas")).isEqualTo(3);
        assertThat(spec(WorkloadKind.DEPLOYMENT, "kube-system", "coredns", "replicas")).isEqualTo(2);
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "typo", "replicas")).isEqualTo(2);

        assertThat(events("ScaleDown")).hasSize(6)
                .anySatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo("cart"));
        // what a kubectl describe shows: the object (with its uid), the change and the reason, who and when
        String cartUid = get(WorkloadKind.DEPLOYMENT, "shop", "cart").getMetadata().getUid();
        assertThat(events("ScaleDown")).filteredOn(e -> e.getInvolvedObject().getName().equals("cart")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getMetadata().getNamespace()).isEqualTo("shop");
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
                    assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("apps/v1");
                    assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("shop");
                    assertThat(e.getInvolvedObject().getUid()).isEqualTo(cartUid);
                    assertThat(e.getType()).isEqualTo("Normal");
                    assertThat(e.getMessage()).contains("3").contains("0");
                    assertThat(e.getSource().getComponent()).isEqualTo("kubechores-downscale");
                    assertThat(e.getReportingComponent()).isEqualTo("kubechores-downscale");
                    assertThat(e.getFirstTimestamp()).isEqualTo(TUE_NIGHT.toString());
                    assertThat(e.getCount()).isEqualTo(1);
                });
        assertThat(events("InvalidDownscaleAnnotation")).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("Mon-Fry").contains("column 5"));

        // the plan output names the rule
        assertThat(night.allActions()).filteredOn(a -> a.target().equals("staging-eu-1/shop/Deployment/cart"))
                .singleElement().satisfies(a -> {
                    assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
                    assertThat(a.reason()).contains("policy staging-office-hours");
                });
        assertThat(Files.readString(out.resolve("downscale-plan.txt"))).contains("staging-eu-1/shop/Deployment/cart")
                .contains("scale-down");
        // the HTML report draws each policy's week and says when the next scale-down and restore are
        String html = Files.readString(out.resolve("downscale-report.html"));
        assertThat(html).contains("class=\"up\"");
        assertThat(html.replaceAll("<[^>]+>", "")).as("the page's text").contains("Policies this week")
                .contains("staging-office-hours").contains("next restore: Wed 2026-11-25 07:30 CET")
                .contains("next scale-down: Wed 2026-11-25 20:30 CET");
        assertThat(night.report().summary()).contains("7 scaled down"); // 6 on eu + 1 on us
        // and what that is worth at the default AWS on-demand rates (m6i split into vCPU-hour and GiB-hour)
        assertThat(night.report().summary()).containsPattern("\\(~[0-9]+\\.[0-9]{2} USD at m6i on-demand \\(us-east-1\\) rates\\)");

        // the same minute again: nothing to do, zero PATCH, no second warning Event
        eu.resetCounts();
        us.resetCounts();
        ChoreRunner.Outcome<?> again = run(TUE_NIGHT.plusSeconds(20));
        assertThat(eu.count("PATCH")).isZero();
        assertThat(us.count("PATCH")).isZero();
        assertThat(again.allActions()).noneMatch(a -> a.status() == Action.Status.APPLIED);
        assertThat(events("InvalidDownscaleAnnotation")).hasSize(1);
        // the Warning Event is not POSTed again (it used to be, answered 409 on every run): one per object and problem
        assertThat(eu.count("POST", "events")).as(eu.counts().toString()).isZero();

        // morning: restored exactly, annotations gone
        eu.resetCounts();
        ChoreRunner.Outcome<?> morning = run(WED_MORNING);
        assertThat(morning.exitCode()).isZero();
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(3);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).doesNotContainKey("kubechores.io/original-replicas");
        assertThat(spec(WorkloadKind.STATEFULSET, "payments", "cache", "replicas")).isEqualTo(2);
        assertThat(spec(WorkloadKind.CRONJOB, "search", "reindex", "suspend")).isEqualTo(false);
        assertThat(spec(WorkloadKind.HPA, "shop", "frontend", "minReplicas")).isEqualTo(4);
        assertThat(annotations(WorkloadKind.SCALEDOBJECT, "search", "worker"))
                .doesNotContainKeys("autoscaling.keda.sh/paused-replicas", "kubechores.io/original-replicas");
        assertThat(spec(WorkloadKind.ROLLOUT, "shop", "checkout", "replicas")).isEqualTo(5);
        assertThat(eu.count("PATCH")).isEqualTo(6);
        assertThat(events("ScaleUp")).hasSize(6);
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        ChoreRunner.Outcome<?> plan = run(TUE_NIGHT, true, SafetyLimit.unlimited(), state,
                Map.of("staging-eu-1", euClient, "staging-us-1", usClient));
        assertThat(eu.count("PATCH") + eu.count("POST")).isZero();
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(3);
        assertThat(plan.allActions()).filteredOn(a -> a.status() == Action.Status.PLANNED).hasSize(7)
                .allSatisfy(a -> assertThat(a.reason()).isNotBlank());
    }

    @Test
    void aCrashAfterSomeScaleDownsLosesNothing() throws Exception {
        // the first run "dies" after two changes (safety limit 2 stands in for the crash)
        ChoreRunner.Outcome<?> partial = run(TUE_NIGHT, false, new SafetyLimit(2), state, Map.of("staging-eu-1", euClient));
        assertThat(partial.allActions()).filteredOn(a -> a.status() == Action.Status.APPLIED).hasSize(2);
        // every object that was scaled down carries its original: value and annotation were one PATCH
        long down = euClient.apps().deployments().inAnyNamespace().list().getItems().stream()
                .filter(d -> d.getSpec().getReplicas() == 0).peek(d -> assertThat(d.getMetadata().getAnnotations())
                        .containsKey("kubechores.io/original-replicas")).count()
                + euClient.apps().statefulSets().inAnyNamespace().list().getItems().stream()
                .filter(d -> d.getSpec().getReplicas() == 0).peek(d -> assertThat(d.getMetadata().getAnnotations())
                        .containsKey("kubechores.io/original-replicas")).count();
        assertThat(down).isPositive();

        // a fresh process (new chore, new state store) in the morning restores from the annotations alone
        store = new MemoryStateStore();
        run(WED_MORNING, false, SafetyLimit.unlimited(), state, Map.of("staging-eu-1", euClient));
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(3);
        assertThat(spec(WorkloadKind.STATEFULSET, "payments", "cache", "replicas")).isEqualTo(2);
        assertThat(spec(WorkloadKind.HPA, "shop", "frontend", "minReplicas")).isEqualTo(4);
        assertThat(euClient.apps().deployments().inAnyNamespace().list().getItems())
                .allSatisfy(d -> assertThat(d.getMetadata().getAnnotations() == null ? Map.of()
                        : d.getMetadata().getAnnotations()).doesNotContainKey("kubechores.io/original-replicas"));
    }

    @Test
    void restoresWorkloadsKubeDownscalerScaledDown() throws Exception {
        euClient.apps().deployments().inNamespace("shop").withName("cart").edit(d -> {
            d.getSpec().setReplicas(0);
            d.getMetadata().setAnnotations(new HashMap<>(Map.of("downscaler/original-replicas", "4")));
            return d;
        });
        run(WED_MORNING, false, SafetyLimit.unlimited(), state, Map.of("staging-eu-1", euClient));
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(4);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).doesNotContainKey("downscaler/original-replicas");
    }

    @Test
    void aWriteIsConditionalOnWhatWasRead() {
        DownscaleKube kube = new DownscaleKube(euClient);
        ClusterObservation seen = kube.collect(java.util.EnumSet.of(WorkloadKind.DEPLOYMENT));
        Workload cart = seen.workloads().stream().filter(w -> w.name().equals("cart")).findFirst().orElseThrow();
        Decision down = new Decision(cart, Decision.Verb.SCALE_DOWN, 3, 0, "test", 0, false);
        // someone scales it between our LIST and our PATCH
        euClient.apps().deployments().inNamespace("shop").withName("cart").scale(5);
        assertThat(kube.patch(down, true)).isEqualTo(DownscaleKube.PatchResult.CONFLICT);
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(5);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).doesNotContainKey("kubechores.io/original-replicas");
        // re-read: the fresh object patches fine
        Workload fresh = kube.get(cart).orElseThrow();
        assertThat(fresh.value()).isEqualTo(5);
        assertThat(kube.patch(new Decision(fresh, Decision.Verb.SCALE_DOWN, 5, 0, "test", 0, false), true))
                .isEqualTo(DownscaleKube.PatchResult.PATCHED);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).containsEntry("kubechores.io/original-replicas", "5");
    }

    @Test
    void aHumanScaleUpDuringDowntimeIsLeftAlone() throws Exception {
        run(TUE_NIGHT);
        euClient.apps().deployments().inNamespace("shop").withName("cart").scale(5);
        eu.resetCounts();
        ChoreRunner.Outcome<?> later = run(TUE_NIGHT.plus(Duration.ofHours(1)));
        assertThat(eu.count("PATCH")).isZero();
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(5);
        assertThat(later.allActions()).filteredOn(a -> a.target().endsWith("shop/Deployment/cart")).singleElement()
                .satisfies(a -> assertThat(a.reason()).contains("kept until uptime, the original stays recorded"));
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).containsEntry("kubechores.io/original-replicas", "3");

        run(WED_MORNING);
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(5);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "shop", "cart")).doesNotContainKey("kubechores.io/original-replicas");
    }

    @Test
    void aFailingOrSilentApiServerFailsOnlyItsCluster() throws Exception {
        FaultyApiServers faulty = new FaultyApiServers();
        closing.add(faulty);
        KubernetesClient failing = faulty.failingClient(1000);
        KubernetesClient silent = faulty.silentClient(1000);
        closing.add(failing);
        closing.add(silent);
        List<Resource<ClusterSpec>> clusters = new ArrayList<>(state.clusters());
        clusters.add(Resource.of(Kind.CLUSTER, "staging-broken", new ClusterSpec("staging", null, null, null, null)));
        clusters.add(Resource.of(Kind.CLUSTER, "staging-hung", new ClusterSpec("staging", null, null, null, null)));
        DesiredState withFaults = new DesiredState(state.root(), state.revision(), state.fleet(), clusters,
                state.downscalePolicies(), state.rightsizePolicies(), state.quotaPolicies(),
                state.certificatePolicies(), state.tools());

        long t0 = System.nanoTime();
        ChoreRunner.Outcome<?> o = run(TUE_NIGHT, false, SafetyLimit.unlimited(), withFaults, Map.of(
                "staging-eu-1", euClient, "staging-us-1", usClient, "staging-broken", failing, "staging-hung", silent));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));

        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.partitions()).filteredOn(p -> p.isFailed()).extracting(p -> p.partition())
                .containsExactlyInAnyOrder("staging-broken", "staging-hung");
        assertThat(o.partitions()).filteredOn(p -> p.partition().equals("staging-broken")).singleElement()
                .satisfies(p -> assertThat(p.error()).contains("500"));
        assertThat(spec(WorkloadKind.DEPLOYMENT, "shop", "cart", "replicas")).isEqualTo(0);
        assertThat(o.report().summary()).contains("FAILED: staging-broken, staging-hung");
    }
}
