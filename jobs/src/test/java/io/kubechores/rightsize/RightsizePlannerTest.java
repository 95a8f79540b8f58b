package io.kubechores.rightsize;
import io.kubechores.model.rightsize.Observation;


import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.desiredstate.RightsizePolicySpec.Bounds;
import io.kubechores.model.rightsize.Observation.Amount;
import io.kubechores.model.rightsize.Observation.ContainerRecommendation;
import io.kubechores.rightsize.RightsizePlan.ContainerProposal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The right-sizing rules, table-driven: rollup, margin, rounding, floors/caps, min change, HPA, limits, cost. */
class RightsizePlannerTest {
    static final SourceRef SRC = new SourceRef("apps/shop/cart.yaml", "manifest", "Deployment", "shop", "cart", null);

    static RightsizePolicySpec policy(String rollup, int percentile, int margin, int minChange, String limits,
                                      boolean touchCpuWithHpa, String basis) {
        return new RightsizePolicySpec(null, null, basis, rollup, percentile, margin, minChange,
                new Bounds("10m", "4"), new Bounds("64Mi", "8Gi"), limits, touchCpuWithHpa, "namespace", null,
                List.of(), 5, 25, List.of());
    }

    static Observation obs(String cluster, int replicas, String cpuTarget, String memTarget, boolean hpaOnCpu) {
        return new Observation(cluster, "shop", "Deployment", "cart", replicas, Map.of("team", "storefront"),
                Map.of(), "cart", "Off", hpaOnCpu ? "cart" : null, hpaOnCpu, Map.of(),
                List.of(new ContainerRecommendation("cart",
                        new Amount(Quantities.cpuMillis(cpuTarget), Quantities.memoryBytes(memTarget)),
                        new Amount(Quantities.cpuMillis(cpuTarget) / 2, Quantities.memoryBytes(memTarget) / 2),
                        new Amount(Quantities.cpuMillis(cpuTarget) * 3, Quantities.memoryBytes(memTarget) * 3),
                        null)));
    }

    static ContainerProposal planOne(RightsizePolicySpec spec, ResourceValues current, List<Observation> obs) {
        List<Located> located = obs.stream().map(o -> new Located(o, SRC, "test")).toList();
        RightsizePlan plan = RightsizePlanner.plan("apps", spec, located,
                Map.of(RightsizePlanner.valuesKey(SRC, "cart"), current));
        assertThat(plan.proposals()).hasSize(1);
        return plan.proposals().getFirst();
    }

    /** cpu targets per cluster (|-separated) → proposed requests.cpu; memory is kept constant. */
    @ParameterizedTest(name = "{0} p{1} +{2}% of {3} from {4} → {5}")
    @CsvSource(delimiter = ';', value = {
            // rollup; pct; margin; cpu targets; current; expected cpu request
            "max;        90;  10; 200m|300m|250m;  500m;  350m",   // 300*1.1=330 → 25m step → 350m
            "max;        90;   0; 120m;            500m;  125m",   // rounded up to 25m
            "percentile; 50;   0; 100m|200m|300m|400m; 1; 200m",  // nearest rank: ceil(0.5*4)=2nd
            "percentile; 90;   0; 100m|200m|300m|400m; 1; 400m",
            "max;        90;  15; 2m;              500m;  10m",    // floor 10m
            "max;        90;  15; 6;               1;     4",      // cap at 4 cores
            "max;        90;  10; 430m;            500m;  500m",   // 473 → 475m: -5% < 15% → unchanged
            "max;        90;  10; 1800m;           1;     2",      // +100%: whole cores stay whole cores
            "max;        90;  10; 1800m;           1000m; 2000m",  // millicore style stays millicore
            "max;        90;   0; 1001m;           250m;  1100m",  // 100m step above 1 core
    })
    void cpuRequestRollupMarginRoundingBounds(String rollup, int pct, int margin, String targets, String current,
                                              String expected) {
        List<Observation> obs = new ArrayList<>();
        String[] t = targets.split("\\|");
        for (int i = 0; i < t.length; i++) obs.add(obs("c" + i, 2, t[i], "512Mi", false));
        ContainerProposal p = planOne(policy(rollup, pct, margin, 15, "leave", false, "target"),
                new ResourceValues(current, "512Mi", null, null), obs);
        assertThat(p.proposed().cpuRequest()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "memory {0} from {1} min {2}% → {3}")
    @CsvSource(delimiter = ';', value = {
            "300Mi;  512Mi; 15; 352Mi",   // 345Mi → 32Mi step
            "900Mi;  1Gi;   15; 1Gi",     // 1035Mi → 1152Mi = +12.5% < 15 → unchanged
            "900Mi;  1Gi;   10; 1152Mi",  // same but min change 10%
            "20Mi;   512Mi; 15; 64Mi",    // floor
            "20Gi;   4Gi;   15; 8Gi",     // cap
            "3600Mi; 1Gi;   15; 4Gi",     // 4140Mi → 4224Mi? no: 128Mi step → 4224Mi
    })
    void memoryRequest(String target, String current, int minChange, String expected) {
        String exp = expected.equals("4Gi") ? "4224Mi" : expected;
        ContainerProposal p = planOne(policy("max", 90, 15, minChange, "leave", false, "target"),
                new ResourceValues("100m", current, null, null), List.of(obs("c", 1, "100m", target, false)));
        assertThat(p.proposed().memoryRequest()).isEqualTo(exp);
    }

    @Test
    void upperBoundBasisUsesTheUpperBound() {
        ContainerProposal p = planOne(policy("max", 90, 0, 15, "leave", false, "upperBound"),
                new ResourceValues("100m", "512Mi", null, null), List.of(obs("c", 1, "100m", "256Mi", false)));
        assertThat(p.proposed().cpuRequest()).isEqualTo("300m");
        assertThat(p.proposed().memoryRequest()).isEqualTo("768Mi");
    }

    /** HPA scaling on CPU: CPU untouched unless touchCpuWithHpa; memory still changes. */
    @ParameterizedTest
    @CsvSource({"false, 500m, 352Mi", "true, 350m, 352Mi"})
    void hpaOnCpu(boolean touch, String cpu, String memory) {
        ContainerProposal p = planOne(policy("max", 90, 10, 15, "leave", touch, "target"),
                new ResourceValues("500m", "512Mi", null, null),
                List.of(obs("a", 3, "300m", "300Mi", true), obs("b", 3, "200m", "200Mi", false)));
        assertThat(p.proposed().cpuRequest()).isEqualTo(cpu);
        assertThat(p.proposed().memoryRequest()).isEqualTo(memory);
        if (!touch) assertThat(p.notes()).anyMatch(n -> n.contains("HPA scales on CPU (a/cart)"));
    }

    /** limits policy on current 500m/1 cpu and 512Mi/1Gi memory, recommending 300m and 300Mi (+10% margin). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "keepRatio;           350m; 352Mi; 700m; 704Mi",   // 330Mi → 32Mi step; ratio 1:2 kept
            "memoryEqualsRequest; 350m; 352Mi; 1;    352Mi",
            "leave;               350m; 352Mi; 1;    1Gi",
    })
    void limitsPolicy(String limits, String cpuReq, String memReq, String cpuLim, String memLim) {
        ContainerProposal p = planOne(policy("max", 90, 10, 15, limits, false, "target"),
                new ResourceValues("500m", "512Mi", "1", "1Gi"), List.of(obs("a", 3, "300m", "300Mi", false)));
        assertThat(p.proposed()).isEqualTo(new ResourceValues(cpuReq, memReq, cpuLim, memLim));
    }

    @Test
    void aLimitNeverEndsBelowItsRequest() {
        ContainerProposal p = planOne(policy("max", 90, 0, 15, "leave", false, "target"),
                new ResourceValues("100m", "128Mi", "200m", "256Mi"), List.of(obs("a", 1, "400m", "400Mi", false)));
        assertThat(p.proposed()).isEqualTo(new ResourceValues("400m", "416Mi", "400m", "416Mi"));
    }

    @Test
    void valuesTheSourceDoesNotSetAreLeftAloneAndSaidSo() {
        ContainerProposal p = planOne(policy("max", 90, 10, 15, "keepRatio", false, "target"),
                new ResourceValues(null, "512Mi", null, null), List.of(obs("a", 1, "300m", "300Mi", false)));
        assertThat(p.proposed()).isEqualTo(new ResourceValues(null, "352Mi", null, null));
        assertThat(p.notes()).anyMatch(n -> n.contains("requests.cpu not set in the source"));
    }

    @Test
    void changesPercentAndMonthlyCost() {
        ContainerProposal p = planOne(policy("max", 90, 10, 15, "keepRatio", false, "target"),
                new ResourceValues("500m", "512Mi", "1", "1Gi"),
                List.of(obs("a", 3, "300m", "300Mi", false), obs("b", 2, "100m", "100Mi", false)));
        assertThat(p.fieldChanges()).extracting(c -> c.field() + " " + c.from() + "→" + c.to() + " " + Math.round(c.percent()))
                .containsExactly("requests.cpu 500m→350m -30", "requests.memory 512Mi→352Mi -31",
                        "limits.cpu 1→700m -30", "limits.memory 1Gi→704Mi -31");
        // 5 replicas × 730 h × (−0.15 vCPU × 0.0316 + −160/1024 GiB × 0.0042)
        assertThat(p.monthlyCostDelta()).isEqualTo(-19.70);
        assertThat(p.evidence()).hasSize(2);
        assertThat(p.group()).isEqualTo("shop");
    }

    @Test
    void unlocatedWorkloadsAreListedNotPlanned() {
        Observation o = obs("a", 1, "300m", "300Mi", false);
        RightsizePlan plan = RightsizePlanner.plan("apps", policy("max", 90, 10, 15, "leave", false, "target"),
                List.of(new Located(o, null, "no source file defines Deployment shop/cart")), Map.of());
        assertThat(plan.proposals()).isEmpty();
        assertThat(plan.unlocated()).extracting(Located::how).containsExactly("no source file defines Deployment shop/cart");
    }

    @ParameterizedTest
    @CsvSource({"1,5", "100,100", "101,125", "1000,1000", "1001,1100", "4001,4250"})
    void cpuSteps(long in, long out) {
        assertThat(Rounding.cpuMillis(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource({"100,104", "129,160", "1025,1152", "8193,8704"})
    void memoryStepsInMi(long inMi, long outMi) {
        assertThat(Rounding.memoryBytes(inMi * Quantities.MI)).isEqualTo(outMi * Quantities.MI);
    }

    @ParameterizedTest
    @CsvSource({"250m,250", "1,1000", "0.5,500", "1500u,2", "2500000n,3"})
    void cpuQuantities(String q, long millis) {
        assertThat(Quantities.cpuMillis(q)).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource({"128Mi,134217728", "1Gi,1073741824", "262144k,262144000", "129e6,129000000",
            "1101659620m,1101660", "100M,100000000"})
    void memoryQuantities(String q, long bytes) {
        assertThat(Quantities.memoryBytes(q)).isEqualTo(bytes);
    }

    @Test
    void groupingByNamespaceTeamOrApp() {
        Observation o = new Observation("a", "shop", "Deployment", "cart-v2", 1,
                Map.of("squad", "storefront", "app.kubernetes.io/name", "cart"), Map.of(), null, null, null, false,
                Map.of(), List.of());
        RightsizePolicySpec ns = policy("max", 90, 10, 15, "leave", false, "target");
        assertThat(RightsizePlanner.group(ns, o)).isEqualTo("shop");
        RightsizePolicySpec team = new RightsizePolicySpec(null, null, null, null, null, null, null, null, null, null,
                false, "team", "squad", null, null, null, null);
        assertThat(RightsizePlanner.group(team, o)).isEqualTo("storefront");
        RightsizePolicySpec app = new RightsizePolicySpec(null, null, null, null, null, null, null, null, null, null,
                false, "app", null, null, null, null, null);
        assertThat(RightsizePlanner.group(app, o)).isEqualTo("cart");
        assertThat(Arrays.asList(team.minChangePercent(), team.reopenThresholdPercent())).containsExactly(15, 25);
    }

    @Test
    void aPlaceholderIsFilledWithAMinimalRequestsBlock() {
        ContainerProposal p = planOne(policy("max", 90, 10, 15, "memoryEqualsRequest", false, "target"),
                ResourceValues.PLACEHOLDER, List.of(obs("a", 2, "300m", "300Mi", false)));
        assertThat(p.proposed()).isEqualTo(new ResourceValues("350m", "352Mi", null, "352Mi", true));
        assertThat(p.fieldChanges()).extracting(RightsizePlan.FieldChange::from).containsOnly("not set");
        assertThat(p.notes()).anyMatch(n -> n.contains("a minimal requests block is added"));
        ContainerProposal leave = planOne(policy("max", 90, 10, 15, "keepRatio", false, "target"),
                ResourceValues.PLACEHOLDER, List.of(obs("a", 2, "300m", "300Mi", false)));
        assertThat(leave.proposed()).isEqualTo(new ResourceValues("350m", "352Mi", null, null, true));
    }

    @Test
    void aContainerWithAnUnreadableValueIsASkippedNoteNotAFailedPlan() {
        Observation o = obs("a", 1, "300m", "300Mi", false);
        RightsizePlan plan = RightsizePlanner.plan("apps", policy("max", 90, 10, 15, "leave", false, "target"),
                List.of(new Located(o, SRC, "test")),
                Map.of(RightsizePlanner.valuesKey(SRC, "cart"), new ResourceValues("lots", "512Mi", null, null)));
        assertThat(plan.proposals()).isEmpty();
        assertThat(plan.notes()).containsExactly(
                "apps/shop/cart.yaml: container cart skipped: not a Kubernetes quantity: 'lots'");
    }

    /** minObservationDays (default 7): a block waits while any of its VPAs is younger; unknown age does not wait. */
    @ParameterizedTest(name = "VPA ages {0} days → waits: {1}")
    @CsvSource({"30|30, false", "30|6.9, true", "7|7, false", "unknown|30, false", "0.1|unknown, true"})
    void changesWaitUntilEveryVpaHasObservedLongEnough(String ages, boolean waits) {
        java.time.Instant now = java.time.Instant.parse("2026-11-24T09:00:00Z");
        List<Located> located = new ArrayList<>();
        String[] a = ages.split("\\|");
        for (int i = 0; i < a.length; i++) {
            Observation o = obs("c" + i, 1, "300m", "300Mi", false);
            java.time.Instant created = a[i].equals("unknown") ? null
                    : now.minusSeconds((long) (Double.parseDouble(a[i]) * 86400));
            o = new Observation(o.cluster(), o.namespace(), o.kind(), o.name(), o.replicas(), o.labels(),
                    o.annotations(), o.vpaName(), o.vpaUpdateMode(), o.hpaName(), o.hpaOnCpu(), o.live(),
                    o.recommendations(), created);
            located.add(new Located(o, SRC, "test"));
        }
        RightsizePlan plan = RightsizePlanner.plan("apps", policy("max", 90, 10, 15, "leave", false, "target"),
                located, Map.of(RightsizePlanner.valuesKey(SRC, "cart"), new ResourceValues("1", "1Gi", null, null)),
                now);
        assertThat(plan.proposals().isEmpty()).isEqualTo(waits);
        if (waits) {
            assertThat(plan.notes()).singleElement().asString()
                    .startsWith("apps/shop/cart.yaml: container cart waits for confidence: c")
                    .endsWith("(minObservationDays 7)");
        }
    }

    /** KRR #426 / PR #535: init containers and native sidecars are sized when VPA recommends them, else named. */
    @Test
    void initContainersAndNativeSidecarsAreSizedOrNamedNeverMissed() {
        Observation base = obs("a", 1, "300m", "300Mi", false);
        List<ContainerRecommendation> recs = new ArrayList<>(base.recommendations());
        recs.add(new ContainerRecommendation("proxy", new Amount(50L, 64L * 1024 * 1024), null, null, null));
        Observation o = new Observation(base.cluster(), base.namespace(), base.kind(), base.name(), 1, base.labels(),
                base.annotations(), base.vpaName(), base.vpaUpdateMode(), null, false, base.live(), recs, null,
                new java.util.LinkedHashMap<>(Map.of("proxy", true, "migrate", false)));
        RightsizePlan plan = RightsizePlanner.plan("apps", policy("max", 90, 10, 15, "leave", false, "target"),
                List.of(new Located(o, SRC, "test")),
                Map.of(RightsizePlanner.valuesKey(SRC, "cart"), new ResourceValues("1", "1Gi", null, null),
                        RightsizePlanner.valuesKey(SRC, "proxy"), new ResourceValues("100m", "128Mi", null, null)));
        assertThat(plan.proposals()).extracting(ContainerProposal::container).containsExactly("cart", "proxy");
        assertThat(plan.proposals().get(1).proposed().cpuRequest()).isEqualTo("55m");
        assertThat(plan.skipped()).extracting(r -> r[0] + " " + r[1]).containsExactly(
                "shop/Deployment/cart|migrate shop/Deployment/cart: init container migrate: runs to completion before"
                        + " the app starts, its usage is not steady state (a recommendation for it would mislead) (on"
                        + " a); left alone");
        assertThat(plan.notes()).isEmpty();
    }

    /** A JVM container (heap flags): memory is left to a human unless jvmMemory: size; CPU is still sized. */
    @ParameterizedTest
    @CsvSource({"leave, 512Mi", "size, 1Gi"})
    void jvmMemoryIsLeftToAHumanUnlessConfigured(String jvmMemory, String memory) {
        Observation base = obs("a", 3, "300m", "300Mi", false);
        Observation jvm = new Observation(base.cluster(), base.namespace(), base.kind(), base.name(), 3, base.labels(),
                base.annotations(), base.vpaName(), base.vpaUpdateMode(), null, false, base.live(),
                base.recommendations(), null, Map.of(), null,
                Map.of("cart", new Observation.ContainerRuntime(null, null, null, 0, "JAVA_OPTS: -Xmx1g")));
        RightsizePolicySpec p = policy("max", 90, 10, 15, "leave", false, "target");
        RightsizePolicySpec spec = new RightsizePolicySpec(p.clusters(), p.namespaces(), p.basis(), p.rollup(),
                p.percentile(), p.marginPercent(), p.minChangePercent(), p.cpu(), p.memory(), p.limits(),
                p.touchCpuWithHpa(), p.grouping(), p.teamLabel(), p.sources(), p.maxOpenPullRequests(),
                p.reopenThresholdPercent(), p.labels(), p.minObservationDays(), jvmMemory);
        ContainerProposal c = planOne(spec, new ResourceValues("500m", "512Mi", null, null), List.of(jvm));
        assertThat(c.proposed().cpuRequest()).isEqualTo("350m");
        assertThat(c.proposed().memoryRequest()).isEqualTo(memory); // size: 330Mi recommended, never below -Xmx 1Gi
        if (jvmMemory.equals("leave")) {
            assertThat(c.notes()).anyMatch(n -> n.startsWith("memory left to a human: JVM heap flags (a: JAVA_OPTS: -Xmx1g)"));
        }
    }
}
