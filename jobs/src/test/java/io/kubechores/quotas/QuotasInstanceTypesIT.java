package io.kubechores.quotas;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.aws.AwsCallPolicy;
import io.kubechores.testkit.aws.AwsWireStubs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.kubechores.quotas.QuotasFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instance data for the vCPU derivation: EC2 DescribeInstanceTypes per region (Query protocol, XML, MaxResults/
 * NextToken pagination, VCpuInfo.DefaultVCpus — EC2 API reference, DescribeInstanceTypes and VCpuInfo), read once per
 * run; the shipped CSV table when EC2 cannot be asked; QuotaPolicy spec.instanceTypes over both.
 */
class QuotasInstanceTypesIT {
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final String EU = "eu-central-1";
    static final String STD = "L-1216C47A";
    static WireMockServer wm;
    AwsWireStubs aws;
    @TempDir
    Path out;

    @BeforeAll
    static void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
        aws = new AwsWireStubs(wm);
        for (String acct : List.of(A, B)) {
            aws.assumeRole(acct, ROLE.replace("{accountId}", acct));
            aws.appliedQuota(acct, EU, "ec2", STD, "Running On-Demand Standard instances", 10_000, true);
            aws.history(acct, EU, "ec2", STD, List.of());
        }
    }

    static DesiredState fleet(QuotaPolicySpec policy, String... types) {
        return state(List.of(cluster("a", A, EU, pool("general", "on-demand", 10, types)),
                        cluster("b", B, EU, pool("general", "on-demand", 2, types))),
                List.of(Resource.of(Kind.QUOTA_POLICY, "p", policy)));
    }

    static QuotaPolicySpec derive(List<QuotaPolicySpec.InstanceType> types) {
        return new QuotaPolicySpec(List.of(), List.of(), true, 0, 2.0, 10, null, types);
    }

    ChoreRunner.Outcome<?> run(DesiredState s) throws Exception {
        QuotasChore chore = new QuotasChore(new AwsCallPolicy(2, Duration.ofMillis(2), Duration.ofMillis(5), 0),
                InstanceTypes.shipped(), ActiveRequests.Limits.AWS, true);
        return ChoreRunner.run(chore, context(s, platform(wm.baseUrl()), true, SafetyLimit.unlimited(), new Audit(), out), 4);
    }

    static List<LoggedRequest> describeInstanceTypes() {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeInstanceTypes")));
    }

    static String detail(ChoreRunner.Outcome<?> o, String account) {
        return o.allActions().stream().filter(a -> a.target().startsWith(account + "/")).findFirst().orElseThrow()
                .reason();
    }

    @Test
    void vcpusComeFromDescribeInstanceTypesAllPagesOncePerRegion() throws Exception {
        // c7i-flex.4xlarge is not in the shipped table; EC2 knows it
        aws.instanceTypes(A, EU, Map.of("c7i-flex.4xlarge", 16, "m7i.metal-24xl", 96, "m6i.2xlarge", 8,
                "m6i.large", 2, "r8g.48xlarge", 192), 2);

        ChoreRunner.Outcome<?> o = run(fleet(derive(List.of()), "c7i-flex.4xlarge", "m6i.large"));

        assertThat(detail(o, A)).contains("a/general: 10 x c7i-flex.4xlarge (16 vCPU) = 160");
        assertThat(detail(o, B)).contains("b/general: 2 x c7i-flex.4xlarge (16 vCPU) = 32");
        List<LoggedRequest> calls = describeInstanceTypes();
        assertThat(calls).as("3 pages, read once for both accounts of the region").hasSize(3);
        assertThat(calls).allSatisfy(r -> {
            assertThat(r.getBodyAsString()).contains("Version=2016-11-15", "MaxResults=100");
            assertThat(r.getHeader("Authorization")).contains("/eu-central-1/ec2/aws4_request");
        });
        assertThat(calls).filteredOn(r -> r.getBodyAsString().contains("NextToken=")).hasSize(2);
        assertThat(o.partitions()).allSatisfy(p -> assertThat(p.warnings()).noneMatch(w -> w.contains("instance type")));
        assertThat(java.nio.file.Files.readString(out.resolve("quotas-report.txt"))).doesNotContain("DescribeInstanceTypes failed");
    }

    @Test
    void withoutEc2TheShippedTableIsTheFallbackAndSaysSo() throws Exception {
        aws.instanceTypesDenied(A, EU);

        ChoreRunner.Outcome<?> o = run(fleet(derive(List.of()), "m6i.2xlarge", "c7i-flex.4xlarge"));

        assertThat(detail(o, A)).contains("a/general: 10 x m6i.2xlarge (8 vCPU) = 80");
        String report = java.nio.file.Files.readString(out.resolve("quotas-report.txt"));
        assertThat(report).contains("eu-central-1: EC2 DescribeInstanceTypes failed (UnauthorizedOperation",
                "vCPUs from QuotaPolicy instanceTypes and the shipped table quotas/ec2-instance-types.csv");
        assertThat(report).contains("instance type c7i-flex.4xlarge is unknown to EC2 DescribeInstanceTypes (not read),"
                + " the shipped table");
        assertThat(o.exitCode()).isZero();
    }

    @Test
    void theRepoOverridesBothEc2AndTheShippedTable() throws Exception {
        aws.instanceTypesDenied(A, EU);

        ChoreRunner.Outcome<?> o = run(fleet(derive(List.of(new QuotaPolicySpec.InstanceType("c7i-flex.4xlarge", 16),
                new QuotaPolicySpec.InstanceType("m6i.2xlarge", 4))), "m6i.2xlarge", "c7i-flex.4xlarge"));

        assertThat(detail(o, A)).contains("a/general: 10 x c7i-flex.4xlarge (16 vCPU) = 160");
        assertThat(java.nio.file.Files.readString(out.resolve("quotas-report.txt"))).doesNotContain("c7i-flex.4xlarge is unknown");
    }

    @Test
    void aTypeEc2DoesNotOfferInTheRegionIsWarnedAbout() throws Exception {
        aws.instanceTypes(A, EU, Map.of("m6i.2xlarge", 8), 100);

        ChoreRunner.Outcome<?> o = run(fleet(derive(List.of()), "m6i.2xlarge", "m5.large"));

        assertThat(java.nio.file.Files.readString(out.resolve("quotas-report.txt")))
                .contains("instance type m5.large is not offered in eu-central-1 (EC2 DescribeInstanceTypes); derived from"
                        + " shipped table");
        assertThat(detail(o, A)).contains("10 x m6i.2xlarge (8 vCPU) = 80");
    }
}
