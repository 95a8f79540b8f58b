package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.NamespaceInfo;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.kubechores.downscale.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules a user migrating from kube-downscaler relies on, and the one-owner rule for autoscaled workloads.
 * <p>
 * Restore rule (written in repo-layout/README.md, "Downscaling"): at uptime a recorded original O is restored whenever
 * the current value is below O; a current value at or above O is kept (a human wanted at least that) and the
 * annotation removed. During downtime a value a human changed is kept until uptime: not scaled down again, the
 * recorded original unchanged. (py-kube-downscaler scaler.py autoscale_resource restores only when the value equals
 * the downtime replicas, so a workload it left at 0 under a downtimeReplicas 1 policy stayed at 0: issue 16.)
 */
class DownscaleMigrationRulesTest {
    static final String DAY = "2026-11-24T10:00:00+01:00";
    static final String NIGHT = "2026-11-24T22:00:00+01:00";

    static Resource<DownscalePolicySpec> office(int downtimeReplicas) {
        return policy("staging-office-hours", "Mon-Fri 07:30-20:30 Europe/Berlin", null, List.of(), 0, List.of(),
                downtimeReplicas);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            kube-downscaler left 0 (orig 3), policy downtimeReplicas 1, uptime  | DEPLOYMENT   | 1 | 0  | downscaler/original-replicas=3      | day   | restore         | 3
            at the downtime value 1 (orig 3), uptime                             | DEPLOYMENT   | 1 | 1  | kubechores.io/original-replicas=3   | day   | restore         | 3
            human 0 -> 2 during downtime (orig 3): kept, original kept           | DEPLOYMENT   | 0 | 2  | kubechores.io/original-replicas=3   | night | skip            | 2
            human 0 -> 2 during downtime (orig 3): uptime restores 3             | DEPLOYMENT   | 0 | 2  | kubechores.io/original-replicas=3   | day   | restore         | 3
            human raised to the original 3: kept, annotation dropped             | DEPLOYMENT   | 0 | 3  | kubechores.io/original-replicas=3   | day   | forget-original | 3
            human raised above the original: kept, annotation dropped           | DEPLOYMENT   | 0 | 5  | downscaler/original-replicas=3      | day   | forget-original | 5
            human lowered below downtime value 1 at night: kept                 | DEPLOYMENT   | 1 | 0  | kubechores.io/original-replicas=3   | night | skip            | 0
            at the downtime value at night: nothing to do                        | DEPLOYMENT   | 1 | 1  | kubechores.io/original-replicas=3   | night | none            | 1
            StatefulSet left at 0 by kube-downscaler, policy 2                   | STATEFULSET  | 2 | 0  | downscaler/original-replicas=4      | day   | restore         | 4
            HPA minReplicas 1 (orig 4): restore                                  | HPA          | 0 | 1  | downscaler/original-replicas=4      | day   | restore         | 4
            HPA minReplicas raised to 6 by a human (orig 4): kept               | HPA          | 0 | 6  | downscaler/original-replicas=4      | day   | forget-original | 6
            CronJob suspended (orig running): resumed                            | CRONJOB      | 0 | 0  | downscaler/original-replicas=1      | day   | restore         | 1
            CronJob resumed by a human: annotation dropped                       | CRONJOB      | 0 | 1  | downscaler/original-replicas=1      | day   | forget-original | 1
            ScaledObject paused at 0 (orig unpaused): unpaused                  | SCALEDOBJECT | 0 | 0  | kubechores.io/original-replicas=unpaused | day | restore       | -1
            ScaledObject unpaused by a human: annotation dropped                 | SCALEDOBJECT | 0 | -1 | kubechores.io/original-replicas=unpaused | day | forget-original | -1
            """)
    void restoreAndHumanOverride(String name, WorkloadKind kind, int policyDowntimeReplicas, int value,
                                 String annotations, String when, String verb, int to) {
        Workload w = workload(kind, "shop", "x", value, annotations, LONG_AGO);
        DownscalePlan p = plan(List.of(office(policyDowntimeReplicas)), List.of(w), when.equals("day") ? DAY : NIGHT);
        if (verb.equals("none")) {
            assertThat(p.decisions()).as(name).isEmpty();
            return;
        }
        assertThat(p.decisions()).as(name).singleElement().satisfies(d -> {
            assertThat(d.verb().label()).isEqualTo(verb);
            assertThat(d.to()).isEqualTo(to);
        });
    }

    /** downtime-replicas key by key: workload, else namespace, else policy; GoKubeDownscaler's spelling accepted. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            policy value                                   | -                                                      | -                                | 0
            namespace value beats policy                   | -                                                      | downscaler/downtime-replicas=2   | 2
            workload value beats namespace                 | downscaler/downtime-replicas=1                         | downscaler/downtime-replicas=2   | 1
            namespace value with a workload schedule       | downscaler/uptime=Mon-Fri 07:30-20:30 Europe/Berlin    | downscaler/downtime-replicas=2   | 2
            GoKubeDownscaler downscale-replicas on workload | downscaler/downscale-replicas=1                       | -                                | 1
            GoKubeDownscaler spelling on namespace         | -                                                      | downscaler/downscale-replicas=2  | 2
            downtime-replicas wins over downscale-replicas | downscaler/downtime-replicas=1; downscaler/downscale-replicas=2 | -                       | 1
            """)
    void downtimeReplicasMergeKeyByKey(String name, String workloadAnn, String nsAnn, int to) {
        // source: caas-team/GoKubeDownscaler internal/pkg/values/scopeParser.go annotationDownscaleReplicas
        DownscalePlan p = plan(List.of(office(0)), ann(nsAnn), List.of(deployment("shop", "cart", 3, workloadAnn)),
                NIGHT, List.of(), 0);
        assertThat(p.decisions()).as(name).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.SCALE_DOWN);
            assertThat(d.to()).isEqualTo(to);
        });
    }

    @Test
    void aPercentageDowntimeReplicasIsAnInvalidAnnotation() {
        DownscalePlan p = plan(List.of(office(0)), List.of(deployment("shop", "cart", 3,
                "downscaler/downscale-replicas=50%")), NIGHT);
        assertThat(p.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.INVALID);
            assertThat(d.reason()).contains("downscaler/downscale-replicas").contains("percentages are not supported");
        });
    }

    /**
     * One owner for spec.replicas, following scaleTargetRef. Kubernetes docs (Horizontal Pod Autoscaling,
     * "Implicit maintenance-mode deactivation"): with the target's replicas at 0 and minReplicas above 0 the HPA stops
     * adjusting the target; py-kube-downscaler README (HPA section) explains the race when both are patched. KEDA
     * (keda.sh docs "Pause autoscaling"): the ScaledObject's autoscaling.keda.sh/paused-replicas annotation, KEDA
     * itself moves the target; KEDA's own HPA (keda-hpa-NAME) is never touched.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            HPA target, downtime 0: target to 0, HPA left        | 0 | hpa  | NIGHT | Deployment/api:scale-down:0
            HPA target, downtime 2: HPA minReplicas 2, target left | 2 | hpa | NIGHT | HorizontalPodAutoscaler/api:scale-down:2
            KEDA target: only the ScaledObject is paused         | 0 | keda | NIGHT | ScaledObject/api:scale-down:0
            KEDA target, downtime 2: paused at 2                 | 2 | keda | NIGHT | ScaledObject/api:scale-down:2
            """)
    void oneOwnerForReplicas(String name, int downtimeReplicas, String autoscaler, String at, String expected) {
        List<Workload> ws = autoscaler.equals("hpa")
                ? List.of(deployment("shop", "api", 5, null),
                        autoscaler(WorkloadKind.HPA, "shop", "api", 4, null, "Deployment/api"))
                : List.of(deployment("shop", "api", 5, null),
                        autoscaler(WorkloadKind.SCALEDOBJECT, "shop", "api", WorkloadKind.UNPAUSED, null, "Deployment/api"),
                        autoscaler(WorkloadKind.HPA, "shop", "keda-hpa-api", 5, null, "Deployment/api"));
        DownscalePlan p = plan(List.of(office(downtimeReplicas)), ws, at.equals("NIGHT") ? NIGHT : DAY);
        assertThat(p.decisions()).as(name)
                .extracting(d -> d.workload().kindAndName() + ":" + d.verb().label() + ":" + d.to())
                .containsExactly(expected);
    }

    @Test
    void theHpaFollowsItsTargetsSettings() {
        // the Deployment says downtime-replicas 2 and is excluded on weekdays by its own schedule: the HPA follows
        List<Workload> ws = List.of(deployment("shop", "api", 5, "downscaler/downtime-replicas=2"),
                autoscaler(WorkloadKind.HPA, "shop", "api", 4, null, "Deployment/api"));
        DownscalePlan p = plan(List.of(office(0)), ws, NIGHT);
        assertThat(p.decisions()).singleElement().satisfies(d -> {
            assertThat(d.workload().kind()).isEqualTo(WorkloadKind.HPA);
            assertThat(d.to()).isEqualTo(2);
            assertThat(d.reason()).contains("settings of its target Deployment/api");
        });
        List<Workload> excluded = List.of(deployment("shop", "api", 5, "downscaler/exclude=true"),
                autoscaler(WorkloadKind.HPA, "shop", "api", 4, null, "Deployment/api"));
        assertThat(plan(List.of(office(2)), excluded, NIGHT).decisions()).isEmpty();
    }

    @Test
    void morningRestoresEachAutoscaledWorkloadOnceAndTheBudgetCountsItOnce() {
        // kube-downscaler patched both the HPA (minReplicas 1, orig 4) and the Deployment (0, orig 6)
        List<Workload> ws = List.of(
                deployment("shop", "api", 0, "downscaler/original-replicas=6"),
                autoscaler(WorkloadKind.HPA, "shop", "api", 1, "downscaler/original-replicas=4", "Deployment/api"),
                // KEDA-managed: the Deployment's annotation is only dropped, the ScaledObject unpaused
                deployment("shop", "queue", 0, "downscaler/original-replicas=3"),
                autoscaler(WorkloadKind.SCALEDOBJECT, "shop", "queue", 0, "kubechores.io/original-replicas=unpaused",
                        "Deployment/queue"));
        DownscalePlan p = plan(List.of(policy("staging-office-hours", "Mon-Fri 07:30-20:30 Europe/Berlin", null,
                List.of(), 100, List.of())), Map.of(), ws, DAY, List.of(), 0);
        assertThat(p.decisions()).extracting(d -> d.workload().kindAndName() + ":" + d.verb().label() + ":" + d.to())
                .containsExactlyInAnyOrder("Deployment/api:restore:6", "HorizontalPodAutoscaler/api:restore:4",
                        "Deployment/queue:forget-original:0", "ScaledObject/queue:restore:-1");
        // 6 (Deployment at 0: the HPA cannot act on it) + 3 (HPA minReplicas) + 1 (ScaledObject), the KEDA target 0
        assertThat(p.budgetUsed()).isEqualTo(6 + 3 + 1);

        // the next morning after kubechores' own downtime 2: only the HPA was lowered, only the HPA is restored
        List<Workload> own = List.of(deployment("shop", "api", 3, null),
                autoscaler(WorkloadKind.HPA, "shop", "api", 2, "kubechores.io/original-replicas=4", "Deployment/api"));
        DownscalePlan q = plan(List.of(policy("staging-office-hours", "Mon-Fri 07:30-20:30 Europe/Berlin", null,
                List.of(), 100, List.of(), 2)), Map.of(), own, DAY, List.of(), 0);
        assertThat(q.decisions()).extracting(d -> d.workload().kindAndName() + ":" + d.verb().label() + ":" + d.to())
                .containsExactly("HorizontalPodAutoscaler/api:restore:4");
        assertThat(q.budgetUsed()).isEqualTo(2);
    }

    @Test
    void aNeverMatchingRangeIsAcceptedWithAPlanWarning() {
        // kube-downscaler tests/test_time.py: "Mon-Mon 00:00-00:00 CET" is valid and never matches
        DownscalePlan p = plan(List.of(office(0)), List.of(deployment("shop", "cart", 3,
                "downscaler/downtime=Mon-Mon 00:00-00:00 CET")), DAY);
        assertThat(p.decisions()).isEmpty();
        assertThat(p.warnings()).singleElement().satisfies(w -> assertThat(w).contains("shop/Deployment/cart")
                .contains("downscaler/downtime").contains("never matches"));
    }

    static Workload fluxWorkload(String name, int value, String annotations) {
        return new Workload(WorkloadKind.DEPLOYMENT, "apps", name, name + "-uid", "1", LONG_AGO,
                Map.of("kustomize.toolkit.fluxcd.io/name", "apps", "kustomize.toolkit.fluxcd.io/namespace", "flux-system"),
                ann(annotations), value, 0, 0);
    }

    static DownscalePlan planWithOwner(GitOpsOwner owner, List<Workload> ws, String at, int budget) {
        Map<String, NamespaceInfo> nss = Map.of("apps", new NamespaceInfo("apps", Map.of()));
        ClusterObservation obs = new ClusterObservation(nss, ws, java.util.Set.of(), List.of(owner));
        DownscalePlanner.Input in = new DownscalePlanner.Input(cluster("staging-eu-1", "staging"), BERLIN, List.of(),
                List.of(policy("staging-office-hours", "Mon-Fri 07:30-20:30 Europe/Berlin", null, List.of(), budget,
                        List.of())), java.util.Set.of("kube-system"), obs, 0);
        return DownscalePlanner.plan(in, java.time.Clock.fixed(java.time.OffsetDateTime.parse(at).toInstant(),
                java.time.ZoneOffset.UTC));
    }

    /** Pause before the first scale-down, keep paused while anything is held down or deferred, resume only our own. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            night, running Kustomization: pause              | false | false | 3 | -                                 | night | 0 | pause-gitops
            night, already paused by us: nothing             | true  | true  | 0 | kubechores.io/original-replicas=3 | night | 0 | -
            night, paused by a human: left alone             | true  | false | 3 | -                                 | night | 0 | -
            morning, all restored: resume                    | true  | true  | 0 | kubechores.io/original-replicas=3 | day   | 0 | resume-gitops
            morning, restore deferred by the budget: kept    | true  | true  | 0 | kubechores.io/original-replicas=3 | day   | 2 | -
            morning, a human's pause: never resumed          | true  | false | 0 | kubechores.io/original-replicas=3 | day   | 0 | -
            """)
    void gitOpsOwnerIsPausedAndResumed(String name, boolean paused, boolean ours, int value, String annotations,
                                       String when, int budget, String expected) {
        GitOpsOwner owner = new GitOpsOwner(GitOpsOwner.Kind.KUSTOMIZATION, "flux-system", "apps", "7", paused, ours);
        // two workloads of the Kustomization: with budget 2 the second restore of 3 replicas is deferred
        List<Workload> ws = List.of(fluxWorkload("a", value, annotations), fluxWorkload("b", value, annotations));
        DownscalePlan p = planWithOwner(owner, ws, when.equals("day") ? DAY : NIGHT, budget);
        if (expected == null) {
            assertThat(p.gitOps()).as(name).isEmpty();
        } else {
            assertThat(p.gitOps()).as(name).singleElement().satisfies(g -> {
                assertThat(g.verb()).isEqualTo(expected);
                assertThat(g.workloads()).containsExactly("apps/Deployment/a", "apps/Deployment/b");
            });
        }
    }
}
