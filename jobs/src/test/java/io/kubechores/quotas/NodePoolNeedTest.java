package io.kubechores.quotas;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.kubechores.quotas.QuotasFixtures.cluster;
import static io.kubechores.quotas.QuotasFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The need of one node pool, table-driven: Karpenter pools (spec.limits.cpu, capacity types) and the upgrade surge of
 * EKS managed node groups.
 * <ul>
 *   <li>Karpenter docs, "NodePools" (karpenter.sh/v1): spec.limits constrains the total resources of the nodes the
 *   pool launches ("It limits instance types when scheduling to those that will not exceed the specified limits";
 *   limit checks are eventually consistent, so rapid scale-outs may overrun it a little: the headroom covers that) —
 *   limits.cpu is the most vCPUs it holds; with karpenter.sh/capacity-type In [spot, on-demand] "Karpenter prioritizes
 *   Spot offerings ... If there are no other possible offerings available for Spot, Karpenter will attempt to
 *   provision on-demand instances", so the whole limit may land in either quota: counted in both.</li>
 *   <li>Amazon EKS user guide, "Understand each phase of node updates", scale up phase: the Auto Scaling group's max
 *   and desired size grow by the larger of up to twice the number of Availability Zones and the update's maximum
 *   unavailable (updateConfig maxUnavailable / maxUnavailablePercentage, at most 100, default 1): e.g. 5 AZs and
 *   maxUnavailable 1 launch up to 10 nodes, maxUnavailable 20 launches 20.</li>
 * </ul>
 */
class NodePoolNeedTest {
    static final String A = "111111111111";
    static final String EU = "eu-central-1";

    static Map<String, String> needs(ClusterSpec.NodePool pool) {
        DesiredState s = state(List.of(cluster("c", A, EU, pool)), List.of(Resource.of(Kind.QUOTA_POLICY, "p",
                new QuotaPolicySpec(List.of(), List.of(), true, 0, 2.0, 10))));
        Map<String, String> m = new TreeMap<>();
        CapacityModel.build(s, InstanceTypes.shipped()).needs().forEach((k, n) ->
                m.put(k.quotaCode(), CapacityModel.strip(n.need())));
        return m;
    }

    static List<String> list(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.split("\\|"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            // case; types; lifecycle; maxSize; capacityTypes; cpuLimit; AZs; maxUnavailable; maxUnavailable%; needs
            "node group, no surge declared;      m6i.2xlarge; on-demand; 10; -;                -;    -; -;  -;  L-1216C47A=80",
            "spot node group;                    m6i.2xlarge; spot;      10; -;                -;    -; -;  -;  L-34B43A08=80",
            "3 AZs, default maxUnavailable 1;    m6i.2xlarge; on-demand; 10; -;                -;    3; -;  -;  L-1216C47A=128",
            "5 AZs, maxUnavailable 1 (docs: 10); m6i.2xlarge; on-demand; 10; -;                -;    5; 1;  -;  L-1216C47A=160",
            "maxUnavailable 20 > 2 x 5 AZs;      m6i.2xlarge; on-demand; 10; -;                -;    5; 20; -;  L-1216C47A=240",
            "maxUnavailable capped at 100;       m6i.large;   on-demand; 10; -;                -;    1; 500; -; L-1216C47A=220",
            "maxUnavailablePercentage 50 of 40;  m6i.large;   on-demand; 40; -;                -;    3; -;  50; L-1216C47A=120",
            "updateConfig without AZs;           m6i.large;   on-demand; 40; -;                -;    -; 4;  -;  L-1216C47A=88",
            "Karpenter on-demand;                m6i.2xlarge|c6i.4xlarge; -; 0; on-demand;     1000; -; -;  -;  L-1216C47A=1000",
            "Karpenter spot only;                m|c|r;       -;         0;  spot;             400;  -; -;  -;  L-34B43A08=400",
            "Karpenter spot + on-demand: both;   m|c|r;       -;         0;  spot|on-demand;   400;  -; -;  -;  L-1216C47A=400|L-34B43A08=400",
            "Karpenter standard + GPU families;  m6i|g5;      -;         0;  on-demand;        256;  -; -;  -;  L-1216C47A=256|L-DB2E81BA=256",
            "Karpenter HPC spot+od: no HPC spot; hpc7a;       -;         0;  spot|on-demand;   960;  -; -;  -;  L-F7808C92=960",
            "Karpenter ignores surge fields;     m6i.large;   -;         0;  on-demand;        100;  3; 5;  -;  L-1216C47A=100",
            "Karpenter without any type;         -;           -;         0;  on-demand;        64;   -; -;  -;  L-1216C47A=64",
            "capacityTypes replaces lifecycle;   m6i.large;   spot;      10; on-demand;        -;    -; -;  -;  L-1216C47A=20",
            "node group spot + on-demand: both;  m6i.large;   -;         10; on-demand|spot;   -;    -; -;  -;  L-1216C47A=20|L-34B43A08=20",
    })
    void poolNeed(String name, String types, String lifecycle, int maxSize, String capacityTypes, Integer cpuLimit,
                  Integer azs, Integer maxUnavailable, Integer maxUnavailablePct, String expected) {
        ClusterSpec.UpdateConfig update = maxUnavailable == null && maxUnavailablePct == null ? null
                : new ClusterSpec.UpdateConfig(maxUnavailable, maxUnavailablePct);
        ClusterSpec.NodePool pool = new ClusterSpec.NodePool("p", list(types), lifecycle, 0, maxSize,
                list(capacityTypes), cpuLimit, azs, update);
        Map<String, String> want = new TreeMap<>();
        for (String kv : expected.split("\\|")) want.put(kv.split("=")[0], kv.split("=")[1]);
        assertThat(needs(pool)).as(name).isEqualTo(want);
    }

    @Test
    void theSourceLinesSayWhatWasCountedAndWhy() {
        DesiredState s = state(List.of(cluster("c", A, EU,
                        new ClusterSpec.NodePool("ng", List.of("m6i.2xlarge"), "on-demand", 0, 10, null, null, 3, null),
                        new ClusterSpec.NodePool("karp", List.of("m", "c"), null, 0, 0, List.of("spot", "on-demand"),
                                400, null, null))),
                List.of(Resource.of(Kind.QUOTA_POLICY, "p", new QuotaPolicySpec(List.of(), List.of(), true, 0, 2.0, 10))));
        CapacityModel.Model m = CapacityModel.build(s, InstanceTypes.shipped());
        QuotaNeed od = m.needs().values().stream().filter(n -> n.key().quotaCode().equals("L-1216C47A")).findFirst()
                .orElseThrow();
        assertThat(od.sources()).containsExactly(
                "c/ng: (10 + 6 upgrade surge max(2 x 3 AZs, maxUnavailable 1)) x m6i.2xlarge (8 vCPU) = 128",
                "c/karp: Karpenter limits.cpu 400 (standard) — spot with on-demand fallback: counted in both");
        assertThat(od.need().intValue()).isEqualTo(528);
        assertThat(od.nodeSteps()).containsExactly(new QuotaNeed.NodeStep("c/ng", "m6i.2xlarge", 8));
        assertThat(m.warnings()).isEmpty();
    }

    @Test
    void updateConfigWithoutZonesSaysTheSurgeMayBeLarger() {
        DesiredState s = state(List.of(cluster("c", A, EU, new ClusterSpec.NodePool("ng", List.of("m6i.large"),
                        "on-demand", 0, 10, null, null, null, new ClusterSpec.UpdateConfig(2, null)))),
                List.of(Resource.of(Kind.QUOTA_POLICY, "p", new QuotaPolicySpec(List.of(), List.of(), true, 0, 2.0, 10))));
        assertThat(CapacityModel.build(s, InstanceTypes.shipped()).warnings()).containsExactly("cluster c node pool ng:"
                + " updateConfig without availabilityZones: the upgrade surge counts maxUnavailable only (EKS may add"
                + " up to 2 nodes per zone)");
    }
}
