package io.kubechores.quotas;

import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.kubechores.quotas.QuotasFixtures.cluster;
import static io.kubechores.quotas.QuotasFixtures.policy;
import static io.kubechores.quotas.QuotasFixtures.pool;
import static io.kubechores.quotas.QuotasFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

/** Derivation of EC2 vCPU needs from node pools, per family and lifecycle, plus explicit values and scopes. */
class CapacityModelTest {
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final String EU = "eu-central-1";
    static final String US = "us-east-1";

    static Map<String, String> needs(DesiredState s) {
        Map<String, String> m = new TreeMap<>();
        CapacityModel.build(s, InstanceTypes.shipped()).needs().forEach((k, n) ->
                m.put(k.target(), CapacityModel.strip(n.need()) + "→" + n.wanted()));
        return m;
    }

    @ParameterizedTest(name = "{2} x {0} ({1}) → {3} {4} vCPU")
    @CsvSource({
            "m6i.xlarge|m6i.2xlarge, on-demand, 20, L-1216C47A, 160",
            "c6i.2xlarge|c5.2xlarge, spot,      30, L-34B43A08, 240",
            "t3.medium,              on-demand, 10, L-1216C47A, 20",
            "m7g.16xlarge|m7g.large, on-demand, 1,  L-1216C47A, 64",
            "r7i.48xlarge,           spot,      1,  L-34B43A08, 192",
            "g5.2xlarge,             on-demand, 4,  L-DB2E81BA, 32",
            "g4dn.xlarge,            spot,      10, L-3819A6DF, 40",
            "vt1.24xlarge,           on-demand, 1,  L-DB2E81BA, 96",
            "p4d.24xlarge,           on-demand, 2,  L-417A185B, 192",
            "p3.16xlarge|p3.2xlarge, spot,      1,  L-7212CCBC, 64",
            "inf2.48xlarge,          on-demand, 1,  L-1945791B, 192",
            "inf1.xlarge,            spot,      3,  L-B5D1601B, 12",
            "x2idn.32xlarge,         on-demand, 2,  L-7295265B, 256",
            "x2idn.16xlarge,         spot,      1,  L-E3A00192, 64",
            "f1.16xlarge,            on-demand, 1,  L-74FC7D96, 64",
            "f1.2xlarge,             spot,      2,  L-88CF9481, 16",
            // families newer than the first table (issue 18): Graviton4, G6e, P5e, Trn2, I7ie, U7i, metal-NNxl sizes
            "m8g.48xlarge|m8g.large, on-demand, 1,  L-1216C47A, 192",
            "m7i.metal-24xl,         on-demand, 2,  L-1216C47A, 192",
            "c8g.metal-48xl,         spot,      1,  L-34B43A08, 192",
            "r8g.16xlarge,           on-demand, 1,  L-1216C47A, 64",
            "i7ie.metal-24xl,        on-demand, 1,  L-1216C47A, 96",
            "g6e.12xlarge,           on-demand, 2,  L-DB2E81BA, 96",
            "p5e.48xlarge,           on-demand, 1,  L-417A185B, 192",
            "trn2.48xlarge,          on-demand, 1,  L-2C3B7624, 192",
            "u7i-12tb.224xlarge,     on-demand, 1,  L-43DA4232, 896",
    })
    void derivesMaxSizeTimesLargestTypePerQuotaCode(String types, String lifecycle, int maxSize, String code,
                                                    int vcpus) {
        DesiredState s = state(List.of(cluster("c", A, EU, pool("p", lifecycle, maxSize, types.split("\\|")))),
                List.of(policy("p", true, 0, 2, 10)));
        assertThat(needs(s)).containsExactly(Map.entry(A + "/" + EU + "/ec2/" + code, vcpus + "→" + vcpus));
    }

    @Test
    void poolWithTypesOfSeveralClassesCountsEachClassAtItsLargest() {
        DesiredState s = state(List.of(cluster("c", A, EU, pool("mixed", "on-demand", 10, "m6i.2xlarge", "g5.xlarge", "m6i.large"))),
                List.of(policy("p", true, 0, 2, 10)));
        assertThat(needs(s)).containsOnly(
                Map.entry(A + "/" + EU + "/ec2/L-1216C47A", "80→80"),
                Map.entry(A + "/" + EU + "/ec2/L-DB2E81BA", "40→40"));
    }

    @Test
    void sumsPoolsAndClustersPerAccountAndRegionOnly() {
        DesiredState s = state(List.of(
                        cluster("a1", A, EU, pool("x", "on-demand", 10, "m6i.xlarge"), pool("y", "on-demand", 5, "r6i.2xlarge")),
                        cluster("a2", A, EU, pool("z", "on-demand", 2, "c6i.4xlarge")),
                        cluster("a3", A, US, pool("x", "on-demand", 1, "m6i.xlarge")),
                        cluster("b1", B, EU, pool("x", "on-demand", 3, "m6i.xlarge"))),
                List.of(policy("p", true, 10, 2, 10)));
        assertThat(needs(s)).containsOnly(
                Map.entry(A + "/" + EU + "/ec2/L-1216C47A", "112→124"),
                Map.entry(A + "/" + US + "/ec2/L-1216C47A", "4→5"),
                Map.entry(B + "/" + EU + "/ec2/L-1216C47A", "12→14"));
    }

    @Test
    void explicitValuesApplyToMatchingAccountsAndTheLargerNeedWins() {
        DesiredState s = state(List.of(
                        cluster("a", A, EU, pool("x", "on-demand", 10, "m6i.xlarge")),
                        cluster("b", B, US, pool("x", "on-demand", 10, "m6i.xlarge"))),
                List.of(policy("p", true, 20, 2, 10,
                        new QuotaPolicySpec.Quota("ec2", "L-1216C47A", 100, A, null, "std"),
                        new QuotaPolicySpec.Quota("ec2", "L-1216C47A", 10, B, null, "std"),
                        new QuotaPolicySpec.Quota("elasticloadbalancing", "L-53DA6B97", 60, null, null, "ALB"),
                        new QuotaPolicySpec.Quota("ec2", "L-0263D0A3", 5, B, "ap-south-1", "EIP"))));
        assertThat(needs(s)).containsOnly(
                Map.entry(A + "/" + EU + "/ec2/L-1216C47A", "100→120"),
                Map.entry(B + "/" + US + "/ec2/L-1216C47A", "40→48"),
                Map.entry(A + "/" + EU + "/elasticloadbalancing/L-53DA6B97", "60→72"),
                Map.entry(B + "/" + US + "/elasticloadbalancing/L-53DA6B97", "60→72"),
                Map.entry(B + "/ap-south-1/ec2/L-0263D0A3", "5→6"));
    }

    @Test
    void accountScopeLimitsThePartitions() {
        QuotaPolicySpec spec = new QuotaPolicySpec(List.of(new QuotaPolicySpec.AccountScope(A, List.of(US))),
                List.of(), true, 0, 2.0, 10);
        DesiredState s = state(List.of(
                        cluster("a", A, EU, pool("x", "on-demand", 10, "m6i.xlarge")),
                        cluster("a2", A, US, pool("x", "on-demand", 1, "m6i.xlarge")),
                        cluster("b", B, US, pool("x", "on-demand", 10, "m6i.xlarge"))),
                List.of(Resource.of(Kind.QUOTA_POLICY, "p", spec)));
        assertThat(needs(s)).containsOnlyKeys(A + "/" + US + "/ec2/L-1216C47A");
    }

    @Test
    void severalPoliciesTakeTheLargestWantedTheSmallestFactorAndLimit() {
        DesiredState s = state(List.of(cluster("a", A, EU, pool("x", "on-demand", 10, "m6i.xlarge"))),
                List.of(policy("p1", true, 10, 3, 7), policy("p2", true, 50, 1.5, 4)));
        CapacityModel.Model m = CapacityModel.build(s, InstanceTypes.shipped());
        QuotaNeed n = m.needs().values().iterator().next();
        assertThat(n.wanted()).isEqualTo(60);
        assertThat(n.maxIncreaseFactor()).isEqualTo(1.5);
        assertThat(n.policies()).containsExactly("p1", "p2");
        assertThat(m.maxRequestsPerRun()).isEqualTo(4);
    }

    @Test
    void unknownInstanceTypesAreWarnedAboutNotGuessed() {
        DesiredState s = state(List.of(cluster("a", A, EU, pool("x", "on-demand", 10, "zz9.huge", "m6i.xlarge"),
                        pool("hm", "spot", 1, "u-6tb1.56xlarge"))),
                List.of(policy("p", true, 0, 2, 10)));
        CapacityModel.Model m = CapacityModel.build(s, InstanceTypes.shipped());
        assertThat(needs(s)).containsOnly(Map.entry(A + "/" + EU + "/ec2/L-1216C47A", "40→40"));
        assertThat(m.warnings()).containsExactly(
                "cluster a node pool x: instance type zz9.huge is unknown to EC2 DescribeInstanceTypes (not read), the"
                        + " shipped table (quotas/ec2-instance-types.csv) and QuotaPolicy spec.instanceTypes: its vCPU"
                        + " quota is not derived",
                "cluster a node pool hm: high-memory instances have no spot vCPU quota to derive");
    }

    @Test
    void exampleFleetNeeds() {
        DesiredState s = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "working-tree");
        CapacityModel.Model m = CapacityModel.build(s, InstanceTypes.shipped());
        assertThat(m.partitions()).containsExactly("111111111111/eu-central-1", "111111111111/us-east-1",
                "222222222222/eu-central-1", "222222222222/us-east-1");
        assertThat(needs(s)).containsAllEntriesOf(Map.of(
                "111111111111/eu-central-1/ec2/L-1216C47A", "160→192",
                "111111111111/eu-central-1/ec2/L-34B43A08", "240→288",
                "111111111111/us-east-1/ec2/L-1216C47A", "48→58",
                "111111111111/us-east-1/ec2/L-DB2E81BA", "32→39",
                "222222222222/eu-central-1/ec2/L-1216C47A", "960→1152",
                "222222222222/eu-central-1/ec2/L-34B43A08", "640→768",
                "222222222222/us-east-1/ec2/L-1216C47A", "400→480",
                "222222222222/us-east-1/ec2/L-0263D0A3", "10→12",
                "111111111111/us-east-1/elasticloadbalancing/L-53DA6B97", "60→72"));
        assertThat(m.needs()).hasSize(13);
        assertThat(m.warnings()).isEmpty();
    }
}
