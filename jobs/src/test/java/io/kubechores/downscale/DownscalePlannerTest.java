package io.kubechores.downscale;

import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.kubechores.downscale.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DownscalePlannerTest {
    static final String TUE_NIGHT = "2026-11-24T22:00:00+01:00";
    static final String TUE_DAY = "2026-11-24T10:00:00+01:00";

    /**
     * Precedence: force > workload annotation > namespace annotation > policy > Fleet default (no schedule = uptime),
     * key by key (uptime, downtime, exclude, exclude-until, downtime-replicas each from the first level that sets it:
     * py-kube-downscaler scaler.py autoscale_resources reads each namespace annotation as the default of the same
     * workload key; GoKubeDownscaler internal/pkg/values/scope.go GetExcluded walks scopes for exclude alone). Up
     * means "in uptime and not in downtime" (py-kube-downscaler scaler.py autoscale_resource: is_uptime =
     * matches(uptime) and not matches(downtime), defaults always/never), so in neither or in both is downtime.
     * A Deployment with 3 replicas in namespace shop, created long ago, nothing saved yet.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            policy says downtime at night          | -                                                      | -                                          | yes | 2026-11-24T22:00:00+01:00 | scale-down | downtime: outside uptime Mon-Fri 07:30-20:30 Europe/Berlin (policy staging-office-hours)
            policy says uptime by day              | -                                                      | -                                          | yes | 2026-11-24T10:00:00+01:00 | none       | -
            no policy, no annotation: Fleet default| -                                                      | -                                          | no  | 2026-11-24T22:00:00+01:00 | none       | -
            namespace annotation beats policy      | -                                                      | downscaler/uptime=always                   | yes | 2026-11-24T22:00:00+01:00 | none       | -
            namespace downtime without policy      | -                                                      | downscaler/downtime=Mon-Sun 00:00-24:00 UTC | no | 2026-11-24T10:00:00+01:00 | scale-down | annotation downscaler/downtime on namespace shop
            workload uptime beats namespace uptime | kubechores.io/uptime=always                            | downscaler/uptime=never                    | yes | 2026-11-24T22:00:00+01:00 | none       | -
            keys merge: ws uptime + ns downtime, in both: down | kubechores.io/uptime=always          | downscaler/downtime=always                 | yes | 2026-11-24T22:00:00+01:00 | scale-down | inside downtime always (annotation downscaler/downtime on namespace shop) (downtime wins
            workload downtime beats policy         | downscaler/downtime=Mon-Sun 21:00-23:00 Europe/Berlin  | -                                          | yes | 2026-11-24T22:00:00+01:00 | scale-down | annotation downscaler/downtime on workload
            workload downtime outside, no policy   | downscaler/downtime=Mon-Sun 21:00-23:00 Europe/Berlin  | -                                          | no  | 2026-11-24T23:30:00+01:00 | none       | -
            ws downtime + policy uptime, in neither: down | downscaler/downtime=Mon-Sun 21:00-23:00 Europe/Berlin | -                             | yes | 2026-11-24T23:30:00+01:00 | scale-down | (neither: downtime, as kube-downscaler)
            ws downtime + policy uptime, in uptime only | downscaler/downtime=Mon-Sun 21:00-23:00 Europe/Berlin | -                               | yes | 2026-11-24T10:00:00+01:00 | none       | -
            kubechores.io wins over downscaler/    | kubechores.io/uptime=always; downscaler/uptime=never   | -                                          | yes | 2026-11-24T22:00:00+01:00 | none       | -
            zone-less annotation takes Fleet zone  | downscaler/uptime=Mon-Fri 07:30-20:30                  | -                                          | no  | 2026-11-24T20:31:00+01:00 | scale-down | annotation downscaler/uptime on workload
            uptime+downtime both match: down       | downscaler/uptime=always; downscaler/downtime=always   | -                                          | yes | 2026-11-24T22:00:00+01:00 | scale-down | downtime wins
            uptime+downtime, in neither: down      | downscaler/uptime=Mon-Fri 08:00-09:00 UTC; downscaler/downtime=Sat-Sun 00:00-24:00 UTC | - | no | 2026-11-24T22:00:00+01:00 | scale-down | (neither: downtime, as kube-downscaler)
            uptime+downtime, in uptime only: up    | downscaler/uptime=Mon-Fri 08:00-23:00 UTC; downscaler/downtime=Sat-Sun 00:00-24:00 UTC | - | no | 2026-11-24T22:00:00+01:00 | none | -
            ns exclude, workload exclude=false (Go scopes) | downscaler/exclude=false                       | downscaler/exclude=true                    | yes | 2026-11-24T22:00:00+01:00 | scale-down | policy staging-office-hours
            ns exclude-until future, none on workload | -                                                   | downscaler/exclude-until=2026-12-01        | yes | 2026-11-24T22:00:00+01:00 | none       | -
            force-downtime on workload by day      | downscaler/force-downtime=true                         | -                                          | yes | 2026-11-24T10:00:00+01:00 | scale-down | forced by annotation downscaler/force-downtime=true
            force-uptime on namespace at night     | -                                                      | downscaler/force-uptime=true               | yes | 2026-11-24T22:00:00+01:00 | none       | -
            force-uptime as a schedule, inside    | kubechores.io/force-uptime=Tue-Tue 21:00-23:00 Europe/Berlin | -                                    | yes | 2026-11-24T22:00:00+01:00 | none       | -
            force-uptime as a schedule, outside   | kubechores.io/force-uptime=Tue-Tue 21:00-21:30 Europe/Berlin | -                                    | yes | 2026-11-24T22:00:00+01:00 | scale-down | policy staging-office-hours
            workload force-downtime beats namespace force-uptime | downscaler/force-downtime=true        | downscaler/force-uptime=true               | yes | 2026-11-24T10:00:00+01:00 | scale-down | forced by annotation
            exclude annotation                     | downscaler/exclude=true                                | -                                          | yes | 2026-11-24T22:00:00+01:00 | none       | -
            exclude=false does not exclude         | downscaler/exclude=false                               | -                                          | yes | 2026-11-24T22:00:00+01:00 | scale-down | policy staging-office-hours
            exclude on namespace                   | -                                                      | kubechores.io/exclude=true                 | yes | 2026-11-24T22:00:00+01:00 | none       | -
            exclude-until in the future            | downscaler/exclude-until=2026-12-01                    | -                                          | yes | 2026-11-24T22:00:00+01:00 | none       | -
            exclude-until in the past              | downscaler/exclude-until=2026-11-01T08:00:00Z          | -                                          | yes | 2026-11-24T22:00:00+01:00 | scale-down | policy staging-office-hours
            exclude-until with a space form        | downscaler/exclude-until=2026-11-24 23:00              | -                                          | yes | 2026-11-24T22:00:00+01:00 | none       | -
            """)
    void precedence(String name, String workloadAnn, String nsAnn, String withPolicy, String at, String verb,
                    String reason) {
        List<Resource<DownscalePolicySpec>> policies = withPolicy.equals("yes") ? List.of(officeHours(0)) : List.of();
        DownscalePlan p = plan(policies, ann(nsAnn), List.of(deployment("shop", "cart", 3, workloadAnn)), at,
                List.of(), 0);
        if (verb.equals("none")) {
            assertThat(p.decisions()).as(name).isEmpty();
        } else {
            assertThat(p.decisions()).as(name).singleElement().satisfies(d -> {
                assertThat(d.verb().label()).isEqualTo(verb);
                assertThat(d.from()).isEqualTo(3);
                assertThat(d.to()).isEqualTo(0);
                assertThat(d.reason()).contains(reason);
            });
        }
    }

    @ParameterizedTest(name = "[{index}] {0} {1} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            DEPLOYMENT  | 3        | 0  | 0
            STATEFULSET | 2        | 0  | 0
            ROLLOUT     | 4        | 0  | 0
            CRONJOB     | 1        | 0  | 0
            HPA         | 3        | 0  | 1
            SCALEDOBJECT| -1       | 0  | 0
            DEPLOYMENT  | 3        | 1  | 1
            HPA         | 3        | 2  | 2
            SCALEDOBJECT| 5        | 1  | 1
            """)
    void everyKindScalesToItsDowntimeValue(WorkloadKind kind, int value, int downtimeReplicas, int expected) {
        Workload w = workload(kind, "shop", "x", value, "downscaler/downtime-replicas=" + downtimeReplicas, LONG_AGO);
        DownscalePlan night = plan(List.of(officeHours(0)), List.of(w), TUE_NIGHT);
        assertThat(night.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.SCALE_DOWN);
            assertThat(d.to()).isEqualTo(expected);
        });
        // the morning after: value at the downtime value with the original saved → exact restore
        Workload down = workload(kind, "shop", "x", expected,
                "downscaler/downtime-replicas=" + downtimeReplicas + "; kubechores.io/original-replicas=" + kind.format(value),
                LONG_AGO);
        DownscalePlan morning = plan(List.of(officeHours(0)), List.of(down), "2026-11-25T07:30:00+01:00");
        assertThat(morning.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.RESTORE);
            assertThat(d.to()).isEqualTo(value);
        });
    }

    @Test
    void alreadyAtOrBelowTheDowntimeValueIsLeftAsIs() {
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(
                deployment("shop", "zero", 0, null),
                workload(WorkloadKind.CRONJOB, "shop", "suspended", 0, null, LONG_AGO),
                workload(WorkloadKind.HPA, "shop", "min1", 1, null, LONG_AGO)), TUE_NIGHT);
        assertThat(p.decisions()).isEmpty();
        assertThat(p.unchanged()).isEqualTo(3);
    }

    @Test
    void restoresKubeDownscalersOriginalAnnotationToo() {
        DownscalePlan p = plan(List.of(officeHours(0)),
                List.of(deployment("shop", "cart", 0, "downscaler/original-replicas=4")), TUE_DAY);
        assertThat(p.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.RESTORE);
            assertThat(d.to()).isEqualTo(4);
        });
    }

    @Test
    void humanScaleUpDuringDowntimeIsLeftAloneThenForgotten() {
        Workload scaledUp = deployment("shop", "cart", 5, "kubechores.io/original-replicas=3");
        DownscalePlan night = plan(List.of(officeHours(0)), List.of(scaledUp), TUE_NIGHT);
        assertThat(night.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.SKIP);
            assertThat(d.reason()).contains("changed by someone during downtime").contains("kept until uptime");
        });
        DownscalePlan morning = plan(List.of(officeHours(0)), List.of(scaledUp), "2026-11-25T08:00:00+01:00");
        assertThat(morning.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.FORGET_ORIGINAL);
            assertThat(d.to()).isEqualTo(5);
        });
        // next evening (annotation gone, 5 replicas): scaled down again and 5 remembered
        DownscalePlan next = plan(List.of(officeHours(0)), List.of(deployment("shop", "cart", 5, null)),
                "2026-11-25T21:00:00+01:00");
        assertThat(next.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.SCALE_DOWN);
            assertThat(d.from()).isEqualTo(5);
        });
    }

    @Test
    void gracePeriodProtectsNewWorkloads() {
        Instant now = Instant.parse("2026-11-24T21:00:00Z");
        Workload fresh = workload(WorkloadKind.DEPLOYMENT, "shop", "new", 2, null, now.minusSeconds(5 * 60));
        Workload old = workload(WorkloadKind.DEPLOYMENT, "shop", "old", 2, null, now.minusSeconds(16 * 60));
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(fresh, old), "2026-11-24T21:00:00Z");
        assertThat(p.decisions()).extracting(d -> d.workload().name() + ":" + d.verb())
                .containsExactly("new:SKIP", "old:SCALE_DOWN");
        assertThat(p.decisions().getFirst().reason()).contains("within the grace period of 15m");
    }

    @Test
    void excludedNamespacesAndPolicyExclusionsAreNeverScaledDown() {
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(
                deployment("kube-system", "coredns", 2, null),
                deployment("kubechores", "runner", 1, null),
                workload(WorkloadKind.STATEFULSET, "payments", "ledger-db", 3, null, LONG_AGO),
                workload(WorkloadKind.STATEFULSET, "payments", "cache", 3, null, LONG_AGO)), TUE_NIGHT);
        assertThat(p.decisions()).extracting(d -> d.workload().name()).containsExactly("cache");
        assertThat(p.excluded()).isEqualTo(3);
    }

    @Test
    void namespaceOutsideThePolicySelectorFollowsTheFleetDefault() {
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(deployment("monitoring", "grafana", 1, null)),
                TUE_NIGHT);
        assertThat(p.decisions()).isEmpty();
    }

    @Test
    void excludedWhileScaledDownIsRestored() {
        DownscalePlan p = plan(List.of(officeHours(0)),
                List.of(deployment("shop", "cart", 0, "downscaler/exclude=true; kubechores.io/original-replicas=2")),
                TUE_NIGHT);
        assertThat(p.decisions()).singleElement().satisfies(d -> {
            assertThat(d.verb()).isEqualTo(Decision.Verb.RESTORE);
            assertThat(d.reason()).startsWith("excluded (annotation downscaler/exclude=true) while scaled down");
        });
    }

    @Test
    void badAnnotationSkipsTheWorkloadWithAWarning() {
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(
                deployment("shop", "typo", 3, "downscaler/uptime=Mon-Fry 07:30-20:30 Europe/Berlin"),
                deployment("shop", "fine", 3, null)), TUE_NIGHT);
        assertThat(p.decisions()).extracting(d -> d.workload().name() + ":" + d.verb())
                .containsExactly("fine:SCALE_DOWN", "typo:INVALID");
        Decision bad = p.decisions().get(1);
        assertThat(bad.warnEvent()).isTrue();
        assertThat(bad.reason()).contains("downscaler/uptime").contains("column 5").contains("\"Fry\"")
                .contains("unknown weekday");
        assertThat(p.warnings()).anySatisfy(w -> assertThat(w).contains("shop/Deployment/typo"));
    }

    @Test
    void badNamespaceAnnotationSkipsItsWorkloadsAndWarnsOnTheNamespace() {
        DownscalePlan p = plan(List.of(officeHours(0)), Map.of("downscaler/downtime-replicas", "none"),
                List.of(deployment("shop", "cart", 3, null)), TUE_NIGHT, List.of(), 0);
        assertThat(p.decisions()).singleElement().satisfies(d -> assertThat(d.verb()).isEqualTo(Decision.Verb.SKIP));
        assertThat(p.namespaceWarnings()).singleElement().satisfies(w -> {
            assertThat(w.namespace()).isEqualTo("shop");
            assertThat(w.message()).contains("downscaler/downtime-replicas");
        });
    }

    @Test
    void holidaysAreDowntimeAllDay() {
        Resource<DownscalePolicySpec> pol = policy("office", "Mon-Fri 07:30-20:30 Europe/Berlin", null,
                List.of(LocalDate.parse("2026-12-24")), 0, List.of());
        assertThat(plan(List.of(pol), List.of(deployment("shop", "cart", 3, null)), "2026-12-24T10:00:00+01:00")
                .decisions()).singleElement().satisfies(d -> assertThat(d.reason()).contains("holiday 2026-12-24"));
        // Fleet holidays too
        assertThat(plan(List.of(officeHours(0)), Map.of(), List.of(deployment("shop", "cart", 3, null)),
                "2026-12-25T10:00:00+01:00", List.of(LocalDate.parse("2026-12-25")), 0).decisions()).hasSize(1);
        assertThat(plan(List.of(officeHours(0)), List.of(deployment("shop", "cart", 3, null)),
                "2026-12-23T10:00:00+01:00").decisions()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-03-27T19:29:00Z | none
            2026-03-27T19:30:00Z | scale-down
            2026-03-29T10:00:00Z | scale-down
            2026-03-30T05:29:00Z | scale-down
            2026-10-23T18:29:00Z | none
            2026-10-23T19:30:00Z | scale-down
            2026-10-25T10:00:00Z | scale-down
            2026-10-26T06:29:00Z | scale-down
            2026-10-26T06:30:00Z | none
            """)
    void officeHoursAcrossDstWeekends(String at, String verb) {
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(deployment("shop", "cart", 3, null)), at);
        if (verb.equals("none")) assertThat(p.decisions()).isEmpty();
        else assertThat(p.decisions()).singleElement().satisfies(d -> assertThat(d.verb().label()).isEqualTo(verb));
    }

    @Test
    void restoreOnTheFirstSummerMondayAt0730Local() {
        Workload down = deployment("shop", "cart", 0, "kubechores.io/original-replicas=3");
        assertThat(plan(List.of(officeHours(0)), List.of(down), "2026-03-30T05:29:00Z").decisions()).isEmpty();
        assertThat(plan(List.of(officeHours(0)), List.of(down), "2026-03-30T05:30:00Z").decisions())
                .singleElement().satisfies(d -> assertThat(d.verb()).isEqualTo(Decision.Verb.RESTORE));
    }

    @Test
    void upscaleWavesFollowPriorityAndTheBudget() {
        List<Workload> down = List.of(
                deployment("a", "low-big", 0, "kubechores.io/original-replicas=4"),
                deployment("a", "low-small", 0, "kubechores.io/original-replicas=1"),
                deployment("b", "high-6", 0, "kubechores.io/original-replicas=6; kubechores.io/upscale-priority=10"),
                deployment("c", "high-3", 0, "kubechores.io/original-replicas=3; kubechores.io/upscale-priority=10"),
                workload(WorkloadKind.CRONJOB, "d", "report", 0, "kubechores.io/original-replicas=1", LONG_AGO));
        DownscalePlan p = plan(List.of(officeHours(10)), Map.of(), down, TUE_DAY, List.of(), 0);
        assertThat(p.decisions()).extracting(d -> d.workload().name() + ":" + d.verb() + ":w" + d.wave())
                .containsExactly("low-big:DEFER:w2", "low-small:DEFER:w2", "high-6:RESTORE:w1",
                        "high-3:RESTORE:w1", "report:DEFER:w2");
        assertThat(p.budgetUsed()).isEqualTo(9);
        assertThat(p.decisions().get(0).reason()).contains("budget 10 replicas/minute");

        // a second run in the same minute has no budget left: nothing changes
        DownscalePlan again = plan(List.of(officeHours(10)), Map.of(), down, TUE_DAY, List.of(), 9);
        assertThat(again.changes()).isEmpty();

        // next minute, the high wave done: the low wave follows in order, the 4 and 1 fit, the CronJob costs nothing
        List<Workload> rest = List.of(down.get(0), down.get(1), down.get(4));
        DownscalePlan next = plan(List.of(officeHours(10)), Map.of(), rest, TUE_DAY, List.of(), 0);
        assertThat(next.changes()).hasSize(3);
        assertThat(next.budgetUsed()).isEqualTo(5);
    }

    @Test
    void aRestoreBiggerThanTheBudgetGoesAloneInAFreshMinute() {
        List<Workload> down = List.of(deployment("a", "huge", 0, "kubechores.io/original-replicas=50"),
                deployment("a", "small", 0, "kubechores.io/original-replicas=1"));
        DownscalePlan p = plan(List.of(officeHours(10)), Map.of(), down, TUE_DAY, List.of(), 0);
        assertThat(p.decisions()).extracting(d -> d.workload().name() + ":" + d.verb())
                .containsExactly("huge:RESTORE", "small:DEFER");
    }

    @Test
    void warnsWhenGitOpsManagesTheReplicas() {
        Workload argo = new Workload(WorkloadKind.DEPLOYMENT, "shop", "cart", "u", "1", LONG_AGO, Map.of(),
                Map.of("argocd.argoproj.io/tracking-id", "shop:apps/Deployment:shop/cart"), 3, 0, 0);
        Workload flux = new Workload(WorkloadKind.STATEFULSET, "shop", "db", "u2", "1", LONG_AGO,
                Map.of("kustomize.toolkit.fluxcd.io/name", "apps", "kustomize.toolkit.fluxcd.io/namespace", "flux-system"),
                Map.of(), 1, 0, 0);
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(argo, flux), TUE_NIGHT);
        // neither owner observed (no Flux/Argo CRDs): nothing to pause, so the plan says what to configure instead
        assertThat(p.warnings()).anySatisfy(w -> assertThat(w).contains("shop/Deployment/cart")
                .contains("Argo CD").contains("/spec/replicas").contains("managedFieldsManagers: [kubechores]")
                .contains("RespectIgnoreDifferences=true"));
        assertThat(p.warnings()).anySatisfy(w -> assertThat(w).contains("shop/StatefulSet/db").contains("Flux"));
    }

    @Test
    void estimatesResourceHoursSavedUntilTheNextUptime() {
        // Tue 22:00 → Wed 07:30 Berlin = 9.5 h; 3 replicas × 0.5 CPU × 9.5 h, 3 × 1 GiB × 9.5 h
        DownscalePlan p = plan(List.of(officeHours(0)), List.of(deployment("shop", "cart", 3, null)), TUE_NIGHT);
        assertThat(p.savings().cpuCoreHours()).isCloseTo(14.25, within(0.001));
        assertThat(p.savings().memoryGiBHours()).isCloseTo(28.5, within(0.001));
        assertThat(p.savings().replicasRemoved()).isEqualTo(3);
        // Friday night runs until Monday 07:30 (57.5 h)
        DownscalePlan fri = plan(List.of(officeHours(0)), List.of(deployment("shop", "cart", 2, null)),
                "2026-11-27T22:00:00+01:00");
        assertThat(fri.savings().cpuCoreHours()).isCloseTo(2 * 0.5 * 57.5, within(0.001));
    }

    @Test
    void aPolicysWeekForTheReportTimeline() {
        DownscalePlanner.PolicyWeek w = DownscalePlanner.week(officeHours(0), BERLIN, List.of(), null,
                Instant.parse("2026-11-24T21:00:00Z"));
        assertThat(w.weekStart()).isEqualTo(Instant.parse("2026-11-22T23:00:00Z")); // Mon 00:00 CET
        assertThat(w.segments()).hasSize(11);
        assertThat(w.segments().get(1)).isEqualTo(new DownscalePlanner.WeekSegment(
                Instant.parse("2026-11-23T06:30:00Z"), Instant.parse("2026-11-23T19:30:00Z"), true));
        assertThat(w.segments().getLast().from()).isEqualTo(Instant.parse("2026-11-27T19:30:00Z"));
        assertThat(w.nextRestore()).isEqualTo(Instant.parse("2026-11-25T06:30:00Z"));
        assertThat(w.nextScaleDown()).isEqualTo(Instant.parse("2026-11-25T19:30:00Z"));
    }
}
