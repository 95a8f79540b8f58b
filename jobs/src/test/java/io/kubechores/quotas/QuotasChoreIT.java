package io.kubechores.quotas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kubechores.core.Action;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.aws.AwsCallPolicy;
import io.kubechores.testkit.aws.AwsWireStubs;
import io.kubechores.testkit.aws.AwsWireStubs.Req;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.kubechores.testkit.aws.AwsWireStubs.json;
import static io.kubechores.testkit.aws.AwsWireStubs.serviceQuotas;
import static io.kubechores.quotas.QuotasFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quotas job against WireMock speaking the real Service Quotas / Support (AWS JSON 1.1) and STS (Query) wire
 * protocols: asserts the exact requests sent for every case of the issue, and that a second run files nothing.
 */
class QuotasChoreIT {
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final String REGION = "eu-central-1";
    static final String STD = "L-1216C47A";
    static final String STD_NAME = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances";
    static final ObjectMapper JSON = new ObjectMapper();

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
        aws.assumeRole(A, role(A));
    }

    static String role(String account) {
        return ROLE.replace("{accountId}", account);
    }

    /** 10 x m6i.2xlarge (8 vCPU) on-demand = 80 vCPU; +15% headroom = 92. */
    static DesiredState state(double factor, int maxRequests) {
        return QuotasFixtures.state(List.of(cluster("c1", A, REGION, pool("general", "on-demand", 10, "m6i.xlarge", "m6i.2xlarge"))),
                List.of(policy("p", true, 15, factor, maxRequests)));
    }

    ChoreRunner.Outcome<?> run(DesiredState s, boolean dryRun) throws Exception {
        return run(s, dryRun, SafetyLimit.unlimited());
    }

    ChoreRunner.Outcome<?> run(DesiredState s, boolean dryRun, SafetyLimit limit) throws Exception {
        QuotasChore chore = new QuotasChore(new AwsCallPolicy(4, Duration.ofMillis(2), Duration.ofMillis(10), 0),
                InstanceTypes.shipped());
        return ChoreRunner.run(chore, context(s, platform(wm.baseUrl()), dryRun, limit, new Audit(), out), 4);
    }

    /** Every request, in order, as "Target {json body}" (Service Quotas / Support) or "Action form" (STS). */
    static List<String> wire() {
        return wm.getAllServeEvents().reversed().stream().map(e -> describe(e.getRequest())).toList();
    }

    static String describe(LoggedRequest r) {
        String target = r.getHeader("X-Amz-Target");
        if (target != null) return target + " " + r.getBodyAsString();
        return "STS " + r.getBodyAsString();
    }

    static List<JsonNode> bodies(String target) {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo(target))).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.getBodyAsString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    static int count(String operation) {
        return bodies(AwsWireStubs.SERVICE_QUOTAS_PREFIX + operation).size();
    }

    /** Exactly one RequestServiceQuotaIncrease was sent, for ec2/L-1216C47A with this DesiredValue. */
    static void assertOneIncreaseRequestFor(double desired) {
        List<JsonNode> reqs = bodies("ServiceQuotasV20190624.RequestServiceQuotaIncrease");
        assertThat(reqs).hasSize(1);
        assertThat(reqs.getFirst().get("ServiceCode").asText()).isEqualTo("ec2");
        assertThat(reqs.getFirst().get("QuotaCode").asText()).isEqualTo(STD);
        assertThat(reqs.getFirst().get("DesiredValue").asDouble()).isEqualTo(desired);
        assertThat(reqs.getFirst().size()).as("no other fields").isEqualTo(3);
    }

    /** The one quota action of a run (the Slack escalation, if any, is a report action). */
    static Action only(ChoreRunner.Outcome<?> o) {
        List<Action> quota = o.partitions().stream().flatMap(p -> p.actions().stream()).toList();
        assertThat(quota).hasSize(1);
        return quota.getFirst();
    }

    @Test
    void filesOneIncreaseWithTheExactWireRequestsAndASecondRunFilesNothing() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 92, NOW);

        ChoreRunner.Outcome<?> first = run(state(2, 10), false);

        assertThat(first.exitCode()).isZero();
        Action a = only(first);
        assertThat(a.target()).isEqualTo(A + "/" + REGION + "/ec2/" + STD);
        assertThat(a.verb()).isEqualTo("request-increase");
        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(a.detail()).startsWith("64 → 92");
        assertThat(a.reason()).contains("need 80 + 15% headroom", "c1/general: 10 x m6i.2xlarge (8 vCPU) = 80");

        List<String> wire = wire();
        assertThat(wire).hasSize(7);
        // STS Query protocol: AssumeRole of the account's role from the Fleet's pattern
        Map<String, String> form = form(wm.getAllServeEvents().getLast().getRequest().getBodyAsString());
        assertThat(form).containsEntry("Action", "AssumeRole").containsEntry("Version", "2011-06-15")
                .containsEntry("RoleArn", "arn:aws:iam::111111111111:role/kubechores")
                .containsEntry("RoleSessionName", "kubechores-quotas");
        assertThat(wire.subList(1, 7)).extracting(w -> w.substring(0, w.indexOf(' '))).containsExactly(
                "ServiceQuotasV20190624.GetServiceQuota",
                "ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistoryByQuota",
                // the region's active requests (AWS allows 2 per Region), one call per Status filter
                "ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistory",
                "ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistory",
                "ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistoryByQuota", // re-read before writing
                "ServiceQuotasV20190624.RequestServiceQuotaIncrease");
        JsonNode get = bodies("ServiceQuotasV20190624.GetServiceQuota").getFirst();
        assertThat(get.get("ServiceCode").asText()).isEqualTo("ec2");
        assertThat(get.get("QuotaCode").asText()).isEqualTo(STD);
        assertOneIncreaseRequestFor(92);
        JsonNode hist = bodies("ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistoryByQuota").getFirst();
        assertThat(hist.get("ServiceCode").asText()).isEqualTo("ec2");
        assertThat(hist.get("QuotaCode").asText()).isEqualTo(STD);
        assertThat(wm.getAllServeEvents()).allSatisfy(e -> {
            if (e.getRequest().getHeader("X-Amz-Target") != null) {
                assertThat(e.getRequest().getHeader("Content-Type")).isEqualTo("application/x-amz-json-1.1");
                assertThat(e.getRequest().getHeader("Authorization"))
                        .contains("Credential=ASIA111111111111/", "/eu-central-1/servicequotas/aws4_request");
            }
        });

        // second run: the history now holds the PENDING request → nothing filed
        wm.resetRequests();
        ChoreRunner.Outcome<?> second = run(state(2, 10), false);
        Action again = only(second);
        assertThat(again.verb()).isEqualTo("await-request");
        assertThat(again.status()).isEqualTo(Action.Status.SKIPPED);
        assertThat(again.reason()).contains("PENDING", "never ask twice");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
        assertThat(Files.readString(out.resolve("quotas-report.txt")))
                .contains("ACCOUNT", "REGION", "QUOTA", "APPLIED", "WANTED", "OPEN REQUEST", "ACTION")
                .contains("PENDING 92 (req-111111111111-eu-central-1-l-1216c47a");
    }

    @Test
    void capsTheRequestAtMaxIncreaseFactorAndSaysSo() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 32, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 64, NOW);

        Action a = only(run(state(2, 10), false));

        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(a.detail()).startsWith("32 → 64 (wanted 92, capped)");
        assertThat(a.reason()).contains("capped at maxIncreaseFactor 2 × 32 = 64");
        assertOneIncreaseRequestFor(64);
    }

    @Test
    void fallsBackToTheAwsDefaultWhenNoValueIsApplied() throws Exception {
        aws.defaultQuotaOnly(A, REGION, "ec2", STD, STD_NAME, 5, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 10, NOW);

        Action a = only(run(state(2, 10), true));

        assertThat(a.status()).isEqualTo(Action.Status.PLANNED);
        assertThat(a.detail()).startsWith("5 → 10 (wanted 92, capped)");
        assertThat(a.reason()).contains("AWS default 5");
        JsonNode d = bodies("ServiceQuotasV20190624.GetAWSDefaultServiceQuota").getFirst();
        assertThat(d.get("ServiceCode").asText()).isEqualTo("ec2");
        assertThat(d.get("QuotaCode").asText()).isEqualTo(STD);
        assertThat(count("RequestServiceQuotaIncrease")).as("dry run files nothing").isZero();
    }

    @Test
    void pendingRequestIsNeverRepeated() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-1", null, 80, "PENDING", NOW.minus(Duration.ofDays(3)))));

        Action a = only(run(state(2, 10), false));

        assertThat(a.verb()).isEqualTo("await-request");
        assertThat(a.reason()).isEqualTo("request r-1 for 80 is PENDING since 2026-11-21 (3 days): never ask twice");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    /**
     * A request's CaseId is the Support case number (display id); DescribeCases takes it as displayId, while its
     * caseIdList takes only ids shaped case-12345678910-2013-c4c1d2bf33c5cf47 (AWS Support API reference,
     * DescribeCases request parameters and CaseDetails.caseId). The stub answers CaseIdNotFound for a display id sent
     * in caseIdList, as AWS does.
     */
    @Test
    void caseOpenedRequestIsFollowedInAwsSupportByItsDisplayId() throws Exception {
        String caseId = AwsWireStubs.caseId(A, "17500000001", 2026);
        assertThat(caseId).matches("case-[0-9]{11}-2026-[0-9a-f]{16}");
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-2", "17500000001", 92, "CASE_OPENED", NOW.minus(Duration.ofDays(2)))));
        aws.supportCase(A, caseId, "17500000001", "pending-customer-action", "Limit increase: EC2 vCPU",
                "Please describe your use case for 92 vCPUs.", NOW.minus(Duration.ofHours(5)));

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        assertThat(only(o).verb()).isEqualTo("await-request");
        JsonNode dc = bodies("AWSSupport_20130415.DescribeCases").getFirst();
        assertThat(dc.get("displayId").asText()).isEqualTo("17500000001");
        assertThat(dc.has("caseIdList")).as("a display id is not a caseIdList id").isFalse();
        assertThat(dc.get("includeCommunications").asBoolean()).isTrue();
        assertThat(dc.get("includeResolvedCases").asBoolean()).isTrue();
        assertThat(o.partitions().getFirst().warnings()).noneMatch(w -> w.contains("unavailable"));
        LoggedRequest support = wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("AWSSupport_20130415.DescribeCases"))).getFirst();
        assertThat(support.getHeader("Content-Type")).isEqualTo("application/x-amz-json-1.1");
        assertThat(support.getHeader("Authorization")).contains("Credential=ASIA111111111111/", "/us-east-1/support/aws4_request");
        assertThat(Files.readString(out.resolve("quotas-report.md")))
                .contains("CASE_OPENED 92 (r-2, 2026-11-22); case 17500000001: pending-customer-action — latest 2026-11-24T05:00:00Z: \"Please describe your use case for 92 vCPUs.\"");
        assertThat(Files.readString(out.resolve("quotas-report.html")))
                .contains("case 17500000001: pending-customer-action — latest 2026-11-24T05:00:00Z: &quot;Please describe your use case");
        assertThat(Files.readString(out.resolve("quotas-report.json"))).contains("\"openRequest\" : \"CASE_OPENED 92 (r-2");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void noSupportPlanDegradesToAWarning() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-3", "17500000002", 92, "CASE_OPENED", NOW)));
        aws.noSupportPlan(A);

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        assertThat(o.exitCode()).isZero();
        assertThat(only(o).verb()).isEqualTo("await-request");
        assertThat(o.partitions().getFirst().warnings()).anyMatch(w -> w.contains("SubscriptionRequiredException"));
        assertThat(Files.readString(out.resolve("quotas-report.md"))).contains("case 17500000002: no AWS Support plan");
    }

    /** DENIED: "can't be approved by Service Quotas. Contact AWS Support" (API reference, RequestedServiceQuotaChange). */
    @Test
    void deniedRequestNeedsAHumanAndTheExitStaysZero() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-4", null, 100, "DENIED", NOW.minus(Duration.ofDays(9))),
                new Req("r-0", null, 10, "APPROVED", NOW.minus(Duration.ofDays(90)))));

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        assertThat(o.exitCode()).isZero();
        Action a = only(o);
        assertThat(a.verb()).isEqualTo("ask-human");
        assertThat(a.reason()).startsWith("the last request r-4 for 100 was DENIED on 2026-11-15: Service Quotas can't"
                + " approve it, a human must contact AWS Support");
        assertThat(o.partitions().getFirst().warnings()).anyMatch(w -> w.contains("r-4") && w.contains("DENIED"));
        assertThat(Files.readString(out.resolve("quotas-report.txt"))).contains("1 for a human");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void deniedRequestIsAskedAgainAfterTheCoolDown() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(
                new Req("r-5", null, 92, "DENIED", NOW.minus(Duration.ofDays(40)), NOW.minus(Duration.ofDays(35)))), 92, NOW);
        DesiredState s = QuotasFixtures.state(state(2, 10).clusters(), List.of(Resource.of(
                io.kubechores.desiredstate.Kind.QUOTA_POLICY, "p", new QuotaPolicySpec(List.of(), List.of(), true, 15,
                        2.0, 10, 30, List.of()))));

        Action a = only(run(s, false));

        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(a.reason()).startsWith("the last request r-5 for 92 was DENIED on 2026-10-20, more than"
                + " reaskAfterDays 30 ago: asking again");
        assertOneIncreaseRequestFor(92);
    }

    /** CASE_CLOSED: "check the support case correspondence for the outcome": read the case, by its display id. */
    @Test
    void closedCaseBelowTheAskIsReportedWithTheCaseOutcome() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-6", "17500000003", 92, "CASE_CLOSED", NOW.minus(Duration.ofDays(6)))));
        aws.supportCase(A, AwsWireStubs.caseId(A, "17500000003", 2026), "17500000003", "resolved",
                "Limit increase: EC2 vCPU", "We could not approve the full amount at this time.", NOW.minus(Duration.ofDays(2)));

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        assertThat(o.exitCode()).isZero();
        Action a = only(o);
        assertThat(a.verb()).isEqualTo("ask-human");
        assertThat(a.reason()).contains("its support case was closed and applied is still 64",
                "17500000003 (resolved), latest: \"We could not approve the full amount at this time.\"");
        assertThat(bodies("AWSSupport_20130415.DescribeCases").getFirst().get("displayId").asText()).isEqualTo("17500000003");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void partialApprovalIsFlaggedAndTheRemainderRequested() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(
                new Req("r-7", null, 120, "APPROVED", NOW.minus(Duration.ofDays(20)))), 92, NOW);

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        Action a = only(o);
        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(a.reason()).contains("r-7 for 120 was APPROVED but applied is only 64", "requesting the remainder");
        assertThat(o.partitions().getFirst().warnings()).anyMatch(w -> w.contains("approved lower than asked"));
        assertOneIncreaseRequestFor(92);
    }

    @Test
    void invalidRequestIsRequestedAgain() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(
                new Req("r-8", null, 92, "INVALID_REQUEST", NOW.minus(Duration.ofDays(1)))), 92, NOW);

        Action a = only(run(state(2, 10), false));

        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(a.reason()).contains("was INVALID_REQUEST", "requesting again at account level");
        assertOneIncreaseRequestFor(92);
    }

    @Test
    void notAdjustableIsReportedForAHuman() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, false);
        aws.history(A, REGION, "ec2", STD, List.of());

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        Action a = only(o);
        assertThat(a.verb()).isEqualTo("ask-human");
        assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
        assertThat(o.partitions().getFirst().warnings()).anyMatch(w -> w.contains("not adjustable"));
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void resourceAlreadyExistsMeansAlreadyOpen() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of());
        aws.quotaError("RequestServiceQuotaIncrease", A, REGION, "ec2", STD, "ResourceAlreadyExistsException",
                "A request for this quota is already open.");

        Action a = only(run(state(2, 10), false));

        assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED);
        assertThat(a.detail()).contains("already open (ResourceAlreadyExistsException");
        assertOneIncreaseRequestFor(92); // not retried
    }

    @Test
    void mustBeGreaterThanCurrentMeansAlreadyHighEnough() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of());
        aws.quotaError("RequestServiceQuotaIncrease", A, REGION, "ec2", STD, "IllegalArgumentException",
                "The desired value must be greater than current value.");

        Action a = only(run(state(2, 10), false));

        assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED);
        assertThat(a.detail()).contains("already at or above 92");
        assertOneIncreaseRequestFor(92);
    }

    @Test
    void quotaExceededDefersTheRequestAndTheAccountGoesOn() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of());
        aws.quotaError("RequestServiceQuotaIncrease", A, REGION, "ec2", STD, "QuotaExceededException",
                "You have exceeded your service quota for open requests.");

        ChoreRunner.Outcome<?> o = run(state(2, 10), false);

        assertThat(o.exitCode()).isZero();
        assertThat(only(o).verb()).isEqualTo("request-deferred");
        assertThat(only(o).status()).isEqualTo(Action.Status.LIMITED);
        assertThat(only(o).detail()).contains("QuotaExceededException", "waits for a later run");
        assertThat(o.partitions().getFirst().isFailed()).isFalse();
        assertOneIncreaseRequestFor(92);
    }

    /** Three pools, three vCPU quotas below need in one region: standard on-demand, G and VT, standard spot. */
    static DesiredState threeDeficits(String account, String region) {
        return QuotasFixtures.state(List.of(cluster("c-" + region, account, region,
                        pool("general", "on-demand", 10, "m6i.2xlarge"), pool("gpu", "on-demand", 2, "g5.2xlarge"),
                        pool("batch", "spot", 10, "c6i.2xlarge"))),
                List.of(policy("p", true, 15, 2, 10)));
    }

    void stubThreeDeficits(String account, String region) {
        // urgency (share of wanted missing): G 8/19 → 0.58, spot 40/92 → 0.57, standard 64/92 → 0.30
        aws.appliedQuota(account, region, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(account, region, "ec2", STD, List.of(), 92, NOW);
        aws.appliedQuota(account, region, "ec2", G, "Running On-Demand G and VT instances", 8, true);
        aws.acceptsOneRequest(account, region, "ec2", G, List.of(), 16, NOW);
        aws.appliedQuota(account, region, "ec2", SPOT, "All Standard Spot Instance Requests", 40, true);
        aws.acceptsOneRequest(account, region, "ec2", SPOT, List.of(), 80, NOW);
    }

    static final String G = "L-DB2E81BA";
    static final String SPOT = "L-34B43A08";

    /**
     * AWS allows 2 active increase requests per Region and 20 per account, not adjustable (Service Quotas user
     * guide, "Service quotas for Service Quotas", https://docs.aws.amazon.com/servicequotas/latest/userguide/reference_limits.html).
     * The two most urgent are filed, the third is deferred with the reason, and nothing is sent for it.
     */
    @Test
    void twoActiveRequestsPerRegionFileTheMostUrgentAndDeferTheRest() throws Exception {
        stubThreeDeficits(A, REGION);

        ChoreRunner.Outcome<?> o = run(threeDeficits(A, REGION), false);

        assertThat(o.exitCode()).isZero();
        Map<String, String> byQuota = o.allActions().stream().collect(Collectors.toMap(
                a -> a.target().substring(a.target().lastIndexOf('/') + 1), a -> a.verb() + " " + a.status()));
        assertThat(byQuota).containsEntry(G, "request-increase APPLIED").containsEntry(SPOT, "request-increase APPLIED")
                .containsEntry(STD, "request-deferred LIMITED");
        assertThat(o.allActions()).filteredOn(a -> a.status() == Action.Status.LIMITED).singleElement()
                .satisfies(a -> assertThat(a.detail()).contains("deferred: 2 active requests in eu-central-1 (0 open"
                        + " before this run, 2 filed now; AWS allows 2 per Region)", "most urgent were filed first"));
        assertThat(bodies("ServiceQuotasV20190624.RequestServiceQuotaIncrease")).extracting(b -> b.get("QuotaCode").asText())
                .containsExactlyInAnyOrder(G, SPOT);
        // the region's active requests were counted (both statuses) before filing
        assertThat(bodies("ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistory"))
                .extracting(b -> b.get("Status").asText()).contains("PENDING", "CASE_OPENED");
        assertThat(Files.readString(out.resolve("quotas-report.txt")))
                .contains("2 increase requests filed", "1 deferred by AWS's active-request limits");

        // next run: the two filed are PENDING (the stub's region list is told so: its scenarios are per quota), so the
        // region is full and the third still waits
        wm.resetRequests();
        aws.activeRequest(A, REGION, "ec2", G, new Req("req-g", null, 16, "PENDING", NOW));
        aws.activeRequest(A, REGION, "ec2", SPOT, new Req("req-spot", null, 80, "PENDING", NOW));
        ChoreRunner.Outcome<?> next = run(threeDeficits(A, REGION), false);
        assertThat(next.allActions()).filteredOn(a -> a.target().endsWith(STD)).singleElement()
                .satisfies(a -> assertThat(a.verb()).isEqualTo("request-deferred"));
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void anOpenRequestOfAnotherQuotaTakesARegionSlot() throws Exception {
        stubThreeDeficits(A, REGION);
        aws.activeRequest(A, REGION, "elasticloadbalancing", "L-53DA6B97",
                new Req("r-alb", null, 80, "PENDING", NOW.minus(Duration.ofDays(1))));

        ChoreRunner.Outcome<?> o = run(threeDeficits(A, REGION), true);

        assertThat(o.allActions()).extracting(a -> a.target().substring(a.target().lastIndexOf('/') + 1) + " "
                + a.verb() + " " + a.status()).containsExactlyInAnyOrder(G + " request-increase PLANNED",
                SPOT + " request-deferred LIMITED", STD + " request-deferred LIMITED");
        assertThat(count("RequestServiceQuotaIncrease")).as("dry run").isZero();
    }

    @Test
    void theAccountWideLimitCountsEveryRegionOfTheAccount() throws Exception {
        String us = "us-east-1";
        stubThreeDeficits(A, REGION);
        stubThreeDeficits(A, us);
        aws.activeRequest(A, us, "elasticloadbalancing", "L-53DA6B97",
                new Req("r-alb", null, 80, "PENDING", NOW.minus(Duration.ofDays(1))));
        DesiredState s = QuotasFixtures.state(List.of(threeDeficits(A, REGION).clusters().getFirst(),
                threeDeficits(A, us).clusters().getFirst()), List.of(policy("p", true, 15, 2, 10)));
        QuotasChore chore = new QuotasChore(new AwsCallPolicy(4, Duration.ofMillis(2), Duration.ofMillis(10), 0),
                InstanceTypes.shipped(), new ActiveRequests.Limits(3, 2));

        ChoreRunner.Outcome<?> o = ChoreRunner.run(chore, context(s, platform(wm.baseUrl()), false,
                SafetyLimit.unlimited(), new Audit(), out), 4);

        assertThat(o.exitCode()).isZero();
        // 1 open in us-east-1 + 2 filed = the account's 3; whichever region went first, the rest is deferred
        assertThat(count("RequestServiceQuotaIncrease")).isEqualTo(2);
        assertThat(o.allActions()).filteredOn(a -> a.verb().equals("request-deferred")).hasSize(4)
                .anySatisfy(a -> assertThat(a.detail()).contains("3 active requests in account 111111111111 (1 open"
                        + " before this run, 2 filed now; AWS allows 3 per account)"));
    }

    /**
     * DependencyAccessDeniedException ("a dependency does not have access") and InvalidResourceStateException are
     * documented errors of RequestServiceQuotaIncrease (Service Quotas API reference, Errors): they become rows for a
     * human, the account and its other rows go on.
     */
    @Test
    void dependencyAccessDeniedAndInvalidResourceStateAreRowsForAHuman() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of());
        aws.quotaError("RequestServiceQuotaIncrease", A, REGION, "ec2", STD, "DependencyAccessDeniedException",
                "You can't perform this action because a dependency does not have access.");
        aws.quotaError("GetServiceQuota", A, REGION, "ec2", G, "InvalidResourceStateException",
                "The resource is in an invalid state.");
        aws.appliedQuota(A, REGION, "ec2", SPOT, "All Standard Spot Instance Requests", 40, true);
        aws.acceptsOneRequest(A, REGION, "ec2", SPOT, List.of(), 80, NOW);

        ChoreRunner.Outcome<?> o = run(threeDeficits(A, REGION), false);

        assertThat(o.exitCode()).isZero();
        assertThat(o.partitions().getFirst().isFailed()).isFalse();
        Map<String, Action> byQuota = o.allActions().stream().collect(Collectors.toMap(
                a -> a.target().substring(a.target().lastIndexOf('/') + 1), a -> a));
        assertThat(byQuota.get(STD).verb()).isEqualTo("ask-human");
        assertThat(byQuota.get(STD).detail()).contains("DependencyAccessDeniedException", "AWSServiceRoleForServiceQuotas");
        assertThat(byQuota.get(G).verb()).isEqualTo("ask-human");
        assertThat(byQuota.get(G).reason()).contains("InvalidResourceStateException");
        assertThat(byQuota.get(SPOT).status()).isEqualTo(Action.Status.APPLIED);
        assertThat(o.partitions().getFirst().warnings()).anyMatch(w -> w.contains("DependencyAccessDeniedException"))
                .anyMatch(w -> w.contains("InvalidResourceStateException"));
        assertThat(Files.readString(out.resolve("quotas-report.txt"))).contains("2 for a human")
                .doesNotContain("account-failed");
    }

    @Test
    void tooManyRequestsIsRetriedWithBackoff() throws Exception {
        String s = "throttle";
        wm.stubFor(serviceQuotas("GetServiceQuota", A, REGION, "ec2", STD).inScenario(s)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("once")
                .willReturn(AwsWireStubs.error("TooManyRequestsException", "Rate exceeded")));
        wm.stubFor(serviceQuotas("GetServiceQuota", A, REGION, "ec2", STD).inScenario(s)
                .whenScenarioStateIs("once").willSetStateTo("ok")
                .willReturn(AwsWireStubs.error("TooManyRequestsException", "Rate exceeded")));
        wm.stubFor(serviceQuotas("GetServiceQuota", A, REGION, "ec2", STD).inScenario(s)
                .whenScenarioStateIs("ok").willReturn(json(200, "{\"Quota\":{\"ServiceCode\":\"ec2\",\"QuotaCode\":\""
                        + STD + "\",\"QuotaName\":\"std\",\"Value\":64.0,\"Adjustable\":true}}")));
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 92, NOW);

        Action a = only(run(state(2, 10), false));

        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(count("GetServiceQuota")).isEqualTo(3);
        assertOneIncreaseRequestFor(92);
    }

    @Test
    void accessDeniedFailsOnlyThatAccountAndExits3() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 92, NOW);
        aws.assumeRoleDenied(role(B));
        String c = "333333333333";
        aws.assumeRole(c, role(c));
        aws.quotaError("GetServiceQuota", c, REGION, "ec2", STD, "AccessDeniedException",
                "You do not have sufficient access to perform this action.");
        DesiredState s = QuotasFixtures.state(List.of(
                        cluster("a", A, REGION, pool("general", "on-demand", 10, "m6i.2xlarge")),
                        cluster("b", B, REGION, pool("general", "on-demand", 10, "m6i.2xlarge")),
                        cluster("c", c, REGION, pool("general", "on-demand", 10, "m6i.2xlarge"))),
                List.of(policy("p", true, 15, 2, 10)));

        ChoreRunner.Outcome<?> o = run(s, false);

        assertThat(o.exitCode()).isEqualTo(3);
        Map<String, String> errors = o.partitions().stream().filter(p -> p.isFailed())
                .collect(Collectors.toMap(p -> p.partition(), p -> p.error()));
        assertThat(errors).containsOnlyKeys(B + "/" + REGION, c + "/" + REGION);
        assertThat(errors.get(B + "/" + REGION)).contains("AssumeRole arn:aws:iam::222222222222:role/kubechores", "AccessDenied");
        assertThat(errors.get(c + "/" + REGION)).contains("AccessDeniedException");
        assertThat(o.allActions()).singleElement().satisfies(a -> {
            assertThat(a.target()).startsWith(A);
            assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        });
        assertThat(Files.readString(out.resolve("quotas-report.txt"))).contains("FAILED account-failed");
    }

    @Test
    void maxRequestsPerRunAndTheSafetyLimitHoldRequestsBack() throws Exception {
        String g = "L-DB2E81BA";
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 92, NOW);
        aws.appliedQuota(A, REGION, "ec2", g, "Running On-Demand G and VT instances", 8, true);
        aws.acceptsOneRequest(A, REGION, "ec2", g, List.of(), 16, NOW);
        DesiredState s = QuotasFixtures.state(List.of(cluster("a", A, REGION,
                        pool("general", "on-demand", 10, "m6i.2xlarge"), pool("gpu", "on-demand", 2, "g5.2xlarge"))),
                List.of(policy("p", true, 15, 2, 1)));

        ChoreRunner.Outcome<?> o = run(s, false);

        assertThat(o.allActions()).extracting(Action::status)
                .containsExactlyInAnyOrder(Action.Status.APPLIED, Action.Status.LIMITED);
        assertThat(o.allActions()).filteredOn(a -> a.status() == Action.Status.LIMITED).singleElement()
                .satisfies(a -> assertThat(a.detail()).contains("maxRequestsPerRun 1 reached"));
        assertThat(count("RequestServiceQuotaIncrease")).isEqualTo(1);

        wm.resetAll();
        reset();
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 92, NOW);
        aws.appliedQuota(A, REGION, "ec2", g, "Running On-Demand G and VT instances", 8, true);
        aws.acceptsOneRequest(A, REGION, "ec2", g, List.of(), 16, NOW);
        ChoreRunner.Outcome<?> limited = run(QuotasFixtures.state(s.clusters(), List.of(policy("p", true, 15, 2, 10))),
                false, new SafetyLimit(0));
        assertThat(limited.allActions()).extracting(Action::status).containsOnly(Action.Status.LIMITED);
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    /**
     * AssumeRole ExternalId (the value a role's trust policy requires in sts:ExternalId) per account and
     * DurationSeconds (900..43200) from fleet.yaml aws.externalIds / sessionDurationSeconds (STS API reference,
     * AssumeRole request parameters); an account without an ExternalId sends none.
     */
    @Test
    void assumeRoleSendsTheAccountsExternalIdAndTheSessionLength() throws Exception {
        aws.assumeRole(B, role(B));
        for (String acct : List.of(A, B)) {
            aws.appliedQuota(acct, REGION, "ec2", STD, STD_NAME, 1000, true);
            aws.history(acct, REGION, "ec2", STD, List.of());
        }
        DesiredState s = QuotasFixtures.state(QuotasFixtures.fleet(new io.kubechores.desiredstate.FleetSpec.Aws(ROLE,
                        null, Map.of(B, "kubechores-prod-7f3a"), 7200)),
                List.of(cluster("a", A, REGION, pool("general", "on-demand", 10, "m6i.2xlarge")),
                        cluster("b", B, REGION, pool("general", "on-demand", 10, "m6i.2xlarge"))),
                List.of(policy("p", true, 15, 2, 10)));

        ChoreRunner.Outcome<?> o = run(s, true);

        assertThat(o.exitCode()).isZero();
        Map<String, Map<String, String>> byRole = wm.getAllServeEvents().stream()
                .map(e -> e.getRequest().getBodyAsString()).filter(b -> b.contains("Action=AssumeRole"))
                .map(QuotasChoreIT::form).collect(Collectors.toMap(f -> f.get("RoleArn"), f -> f, (x, y) -> x));
        assertThat(byRole.get(role(B))).containsEntry("ExternalId", "kubechores-prod-7f3a")
                .containsEntry("DurationSeconds", "7200");
        assertThat(byRole.get(role(A))).doesNotContainKey("ExternalId").containsEntry("DurationSeconds", "7200");
        assertThat(Files.readString(out.resolve("quotas-report.txt"))).doesNotContain("kubechores-prod-7f3a");
    }

    /**
     * Status-aware escalation: a DENIED request reaches Slack once with its reason; the next run (same request)
     * sends nothing; a PENDING request older than escalatePendingAfterDays is escalated with its support case text.
     */
    @Test
    void deniedAndLongPendingRequestsReachSlackOnce() throws Exception {
        String g = "L-DB2E81BA";
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-9", null, 100, "DENIED", NOW.minus(Duration.ofDays(3)))));
        aws.appliedQuota(A, REGION, "ec2", g, "Running On-Demand G and VT instances", 8, true);
        aws.history(A, REGION, "ec2", g, List.of(new Req("r-10", "17500000009", 16, "CASE_OPENED", NOW.minus(Duration.ofDays(20)))));
        aws.supportCase(A, AwsWireStubs.caseId(A, "17500000009", 2026), "17500000009", "pending-customer-action",
                "Limit increase: EC2 G vCPU", "Please tell us which workloads need 16 vCPUs.", NOW.minus(Duration.ofDays(1)));
        List<String> slack = new java.util.ArrayList<>();
        io.kubechores.platform.notify.Notifier notifier = new io.kubechores.platform.notify.Notifier() {
            @Override
            public void slack(String text) {
                slack.add(text);
            }

            @Override
            public void pushMetrics(String job, String exposition) {}
        };
        io.kubechores.desiredstate.FleetSpec fleet = new io.kubechores.desiredstate.FleetSpec("UTC", List.of("prod"),
                false, Map.of(), null, null, new io.kubechores.desiredstate.FleetSpec.Notifications("SLACK_URL",
                "#capacity", null), new io.kubechores.desiredstate.FleetSpec.Aws(ROLE, null), null, List.of(), List.of());
        DesiredState s = QuotasFixtures.state(fleet, List.of(cluster("a", A, REGION,
                        pool("general", "on-demand", 10, "m6i.2xlarge"), pool("gpu", "on-demand", 2, "g5.2xlarge"))),
                List.of(Resource.of(io.kubechores.desiredstate.Kind.QUOTA_POLICY, "p", new QuotaPolicySpec(List.of(),
                        List.of(), true, 15, 2.0, 10, null, List.of(), 14))));
        var base = platform(wm.baseUrl());
        var p = new io.kubechores.platform.Platform(null, null, base.aws(), null, notifier, base.state(),
                io.kubechores.desiredstate.SecretSource.of(Map.of("SLACK_URL", "https://hooks.slack.example/T/B/x")));
        QuotasChore chore = new QuotasChore(new AwsCallPolicy(4, Duration.ofMillis(2), Duration.ofMillis(10), 0),
                InstanceTypes.shipped());

        ChoreRunner.Outcome<?> first = ChoreRunner.run(chore, context(s, p, false, SafetyLimit.unlimited(), new Audit(), out), 4);

        assertThat(first.exitCode()).isZero();
        assertThat(slack).singleElement().satisfies(t -> assertThat(t).contains("2 quota(s) need a human",
                "`111111111111/eu-central-1/ec2/L-1216C47A` the last request r-9 for 100 was DENIED",
                "`111111111111/eu-central-1/ec2/L-DB2E81BA` CASE_OPENED for 20 days (escalatePendingAfterDays 14)",
                "Please tell us which workloads need 16 vCPUs."));
        assertThat(first.report().actions()).singleElement().satisfies(a -> {
            assertThat(a.verb()).isEqualTo("escalate");
            assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        });

        ChoreRunner.Outcome<?> second = ChoreRunner.run(chore, context(s, p, false, SafetyLimit.unlimited(), new Audit(), out), 4);
        assertThat(slack).as("deduplicated: nothing new").hasSize(1);
        assertThat(second.report().actions()).isEmpty();
        assertThat(second.report().summary()).contains("escalation: UNCHANGED nothing new for a human");
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        Arrays.stream(body.split("&")).map(kv -> kv.split("=", 2)).forEach(kv -> m.put(
                URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : ""));
        return m;
    }
}
