package io.kubechores.demo;

import io.kubechores.quotas.QuotasChore;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kubechores.demo.DemoContribution;
import io.kubechores.testkit.aws.AwsWireStubs;
import io.kubechores.testkit.aws.AwsWireStubs.Req;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * quotas in `kubechores demo`: WireMock plays Service Quotas, STS and AWS Support for the example fleet's two
 * accounts × two regions (repo-layout/example: node pools + quotas/ec2-capacity.yaml, 20% headroom, factor 2):
 * some quotas already suffice, one has a PENDING request, two have support cases (one account without a Support
 * plan), one is not adjustable, six are below need, of which one is deferred by AWS's limit of 2 active requests per
 * Region. Step 1 plans, step 2 files the five increase requests (the stubs are WireMock scenarios, so filed requests
 * appear in the history), step 3 — a day later — files nothing new (the deferred one still waits).
 */
@Component
public class QuotasDemo implements DemoContribution {
    public static final String STAGING = "111111111111";
    public static final String PROD = "222222222222";
    public static final String EU = "eu-central-1";
    public static final String US = "us-east-1";
    public static final String ROLE = "arn:aws:iam::%s:role/kubechores";
    /** The Support case number (display id) of prod's CASE_OPENED request. */
    public static final String PROD_CASE = "17654321002";

    public static final String STD = "L-1216C47A";
    public static final String STD_NAME = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances";
    public static final String SPOT = "L-34B43A08";
    public static final String SPOT_NAME = "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests";
    public static final String G = "L-DB2E81BA";
    public static final String G_NAME = "Running On-Demand G and VT instances";
    public static final String ALB = "L-53DA6B97";
    public static final String ALB_NAME = "Application Load Balancers per Region";
    public static final String EIP = "L-0263D0A3";
    public static final String EIP_NAME = "EC2-VPC Elastic IPs";

    /** Default vCPUs of the instance types the demo's EC2 offers (a few families, real values). */
    static final Map<String, Integer> DEMO_TYPES = Map.ofEntries(
            Map.entry("m6i.large", 2), Map.entry("m6i.xlarge", 4), Map.entry("m6i.2xlarge", 8),
            Map.entry("m6i.4xlarge", 16), Map.entry("m6i.8xlarge", 32), Map.entry("m7i.metal-24xl", 96),
            Map.entry("c5.2xlarge", 8), Map.entry("c6i.2xlarge", 8), Map.entry("c6i.4xlarge", 16),
            Map.entry("r6i.2xlarge", 8), Map.entry("r6i.4xlarge", 16), Map.entry("g5.xlarge", 4),
            Map.entry("g5.2xlarge", 8), Map.entry("g6e.12xlarge", 48));

    @Override
    public String job() {
        return QuotasChore.NAME;
    }

    /** When step 2 files its requests (the time filed requests carry in the stubbed history). */
    public static Instant filingTime(Clock clock) {
        return clock.instant().plus(Duration.ofMinutes(1));
    }

    @Override
    public void stubAws(WireMockServer server, Clock clock) {
        AwsWireStubs aws = new AwsWireStubs(server);
        Instant now = clock.instant();
        Instant filed = filingTime(clock);
        aws.assumeRole(STAGING, ROLE.formatted(STAGING));
        aws.assumeRole(PROD, ROLE.formatted(PROD));
        // EC2 DescribeInstanceTypes: the families the example fleet uses (2 pages each), in both regions
        for (String account : List.of(STAGING, PROD)) {
            for (String region : List.of(EU, US)) aws.instanceTypes(account, region, DEMO_TYPES, 10);
        }

        // staging, eu-central-1: on-demand suffices (256 ≥ 192); spot 128 < 288 → 256 (capped at 2×); ALB 50 < 72.
        // On-demand has its AWS/Usage metric: daily peaks 125 → 190 over 14 days (+5/day), so although the need is
        // met the report warns it runs out in (256 − 190) / 5 = 13.2 days
        aws.appliedQuotaWithUsage(STAGING, EU, "ec2", STD, STD_NAME, 256, "AWS/Usage", "ResourceCount",
                Map.of("Service", "EC2", "Type", "Resource", "Resource", "vCPU", "Class", "Standard/OnDemand"), "Maximum");
        Map<Instant, Double> peaks = new java.util.LinkedHashMap<>();
        for (int d = 0; d < 14; d++) peaks.put(now.minus(Duration.ofDays(14 - d)), 125.0 + 5 * d);
        aws.metricData(STAGING, EU, "q0", "ResourceCount", peaks);
        aws.history(STAGING, EU, "ec2", STD, List.of(new Req("req-s-eu-std-1", null, 256, "APPROVED", now.minus(Duration.ofDays(40)))));
        aws.appliedQuota(STAGING, EU, "ec2", SPOT, SPOT_NAME, 128, true);
        aws.acceptsOneRequest(STAGING, EU, "ec2", SPOT, List.of(), 256, filed);
        aws.appliedQuota(STAGING, EU, "elasticloadbalancing", ALB, ALB_NAME, 50, true);
        aws.acceptsOneRequest(STAGING, EU, "elasticloadbalancing", ALB, List.of(), 72, filed);

        // staging, us-east-1: on-demand suffices (64 ≥ 58); G has no applied value → AWS default 32 < 39;
        // ALB has a request in a support case, and the account has no Support plan
        aws.appliedQuota(STAGING, US, "ec2", STD, STD_NAME, 64, true);
        aws.history(STAGING, US, "ec2", STD, List.of());
        aws.defaultQuotaOnly(STAGING, US, "ec2", G, G_NAME, 32, true);
        aws.acceptsOneRequest(STAGING, US, "ec2", G, List.of(), 39, filed);
        aws.appliedQuota(STAGING, US, "elasticloadbalancing", ALB, ALB_NAME, 50, true);
        aws.history(STAGING, US, "elasticloadbalancing", ALB, List.of(
                new Req("req-s-us-alb-1", "17654321001", 72, "CASE_OPENED", now.minus(Duration.ofDays(6)))));
        aws.noSupportPlan(STAGING);

        // prod, eu-central-1: on-demand 640 < 1152 → 1152; spot has a PENDING request; ALB suffices;
        // Elastic IPs are not adjustable here (simulated) → for a human
        aws.appliedQuota(PROD, EU, "ec2", STD, STD_NAME, 640, true);
        aws.acceptsOneRequest(PROD, EU, "ec2", STD, List.of(
                new Req("req-p-eu-std-1", null, 640, "APPROVED", now.minus(Duration.ofDays(120)))), 1152, filed);
        aws.appliedQuota(PROD, EU, "ec2", SPOT, SPOT_NAME, 512, true);
        aws.history(PROD, EU, "ec2", SPOT, List.of(new Req("req-p-eu-spot-1", null, 768, "PENDING", now.minus(Duration.ofDays(2)))));
        aws.appliedQuota(PROD, EU, "elasticloadbalancing", ALB, ALB_NAME, 100, true);
        aws.history(PROD, EU, "elasticloadbalancing", ALB, List.of());
        aws.appliedQuota(PROD, EU, "ec2", EIP, EIP_NAME, 5, false);
        aws.history(PROD, EU, "ec2", EIP, List.of());

        // prod, us-east-1: on-demand request in a support case waiting for us; ALB 20 < 72 → 40 (capped);
        // Elastic IPs 8 < 12, deferred: with the case and the ALB request the region has AWS's 2 active requests
        aws.appliedQuota(PROD, US, "ec2", STD, STD_NAME, 320, true);
        aws.history(PROD, US, "ec2", STD, List.of(
                new Req("req-p-us-std-1", PROD_CASE, 480, "CASE_OPENED", now.minus(Duration.ofDays(3)))));
        // the request's CaseId is the Support case number (display id); the case's own id has the case-... shape
        aws.supportCase(PROD, AwsWireStubs.caseId(PROD, PROD_CASE, 2026), PROD_CASE, "pending-customer-action",
                "Service Quotas: Running On-Demand Standard instances, us-east-1",
                "Hello, to approve 480 vCPUs in us-east-1 please tell us about the workload and its growth.",
                now.minus(Duration.ofDays(1)));
        aws.appliedQuota(PROD, US, "elasticloadbalancing", ALB, ALB_NAME, 20, true);
        aws.acceptsOneRequest(PROD, US, "elasticloadbalancing", ALB, List.of(), 40, filed);
        aws.appliedQuota(PROD, US, "ec2", EIP, EIP_NAME, 8, true);
        aws.acceptsOneRequest(PROD, US, "ec2", EIP, List.of(), 12, filed);
    }

    @Override
    public List<Step> steps(Clock clock) {
        Instant now = clock.instant();
        return List.of(
                new Step("plan quota increases (dry run)", now, true),
                new Step("file increase requests", filingTime(clock), false),
                new Step("a day later: nothing new to file", now.plus(Duration.ofDays(1)), false));
    }
}
