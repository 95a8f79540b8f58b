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

    ChoreRunner.Outcome run(DesiredState s, boolean dryRun) throws Exception {
        return run(s, dryRun, SafetyLimit.unlimited());
    }

    ChoreRunner.Outcome run(DesiredState s, boolean dryRun, SafetyLimit limit) throws Exception {
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

    static Action only(ChoreRunner.Outcome o) {
        assertThat(o.allActions()).hasSize(1);
        return o.allActions().getFirst();
    }

    @Test
    void filesOneIncreaseWithTheExactWireRequestsAndASecondRunFilesNothing() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.acceptsOneRequest(A, REGION, "ec2", STD, List.of(), 92, NOW);

        ChoreRunner.Outcome first = run(state(2, 10), false);

        assertThat(first.exitCode()).isZero();
        Action a = only(first);
        assertThat(a.target()).isEqualTo(A + "/" + REGION + "/ec2/" + STD);
        assertThat(a.verb()).isEqualTo("request-increase");
        assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
        assertThat(a.detail()).startsWith("64 → 92");
        assertThat(a.reason()).contains("need 80 + 15% headroom", "c1/general: 10 x m6i.2xlarge (8 vCPU) = 80");

        List<String> wire = wire();
        assertThat(wire).hasSize(5);
        // STS Query protocol: AssumeRole of the account's role from the Fleet's pattern
        Map<String, String> form = form(wm.getAllServeEvents().getLast().getRequest().getBodyAsString());
        assertThat(form).containsEntry("Action", "AssumeRole").containsEntry("Version", "2011-06-15")
                .containsEntry("RoleArn", "arn:aws:iam::111111111111:role/kubechores")
                .containsEntry("RoleSessionName", "kubechores-quotas");
        assertThat(wire.subList(1, 5)).extracting(w -> w.substring(0, w.indexOf(' '))).containsExactly(
                "ServiceQuotasV20190624.GetServiceQuota",
                "ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistoryByQuota",
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
        ChoreRunner.Outcome second = run(state(2, 10), false);
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

    @Test
    void caseOpenedRequestIsFollowedInAwsSupport() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-2", "case-111-abc", 92, "CASE_OPENED", NOW.minus(Duration.ofDays(2)))));
        aws.supportCase(A, "case-111-abc", "175001", "pending-customer-action", "Limit increase: EC2 vCPU",
                "Please describe your use case for 92 vCPUs.", NOW.minus(Duration.ofHours(5)));

        ChoreRunner.Outcome o = run(state(2, 10), false);

        assertThat(only(o).verb()).isEqualTo("await-request");
        JsonNode dc = bodies("AWSSupport_20130415.DescribeCases").getFirst();
        assertThat(dc.get("caseIdList").get(0).asText()).isEqualTo("case-111-abc");
        assertThat(dc.get("includeCommunications").asBoolean()).isTrue();
        LoggedRequest support = wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("AWSSupport_20130415.DescribeCases"))).getFirst();
        assertThat(support.getHeader("Content-Type")).isEqualTo("application/x-amz-json-1.1");
        assertThat(support.getHeader("Authorization")).contains("Credential=ASIA111111111111/", "/us-east-1/support/aws4_request");
        assertThat(Files.readString(out.resolve("quotas-report.md")))
                .contains("CASE_OPENED 92 (r-2, 2026-11-22); case 175001: pending-customer-action — latest 2026-11-24T05:00:00Z: \"Please describe your use case for 92 vCPUs.\"");
        assertThat(Files.readString(out.resolve("quotas-report.html")))
                .contains("case 175001: pending-customer-action — latest 2026-11-24T05:00:00Z: &quot;Please describe your use case");
        assertThat(Files.readString(out.resolve("quotas-report.json"))).contains("\"openRequest\" : \"CASE_OPENED 92 (r-2");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void noSupportPlanDegradesToAWarning() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-3", "case-111-def", 92, "CASE_OPENED", NOW)));
        aws.noSupportPlan(A);

        ChoreRunner.Outcome o = run(state(2, 10), false);

        assertThat(o.exitCode()).isZero();
        assertThat(only(o).verb()).isEqualTo("await-request");
        assertThat(o.partitions().getFirst().warnings()).anyMatch(w -> w.contains("SubscriptionRequiredException"));
        assertThat(Files.readString(out.resolve("quotas-report.md"))).contains("case case-111-def: no AWS Support plan");
    }

    @Test
    void lastRequestAlreadyAskedForTheTarget() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of(new Req("r-4", null, 100, "DENIED", NOW.minus(Duration.ofDays(9))),
                new Req("r-0", null, 10, "APPROVED", NOW.minus(Duration.ofDays(90)))));

        Action a = only(run(state(2, 10), false));

        assertThat(a.verb()).isEqualTo("await-request");
        assertThat(a.reason()).isEqualTo("the last request r-4 (DENIED) already asked for 100 ≥ 92: not asking again");
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    @Test
    void notAdjustableIsReportedForAHuman() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, false);
        aws.history(A, REGION, "ec2", STD, List.of());

        ChoreRunner.Outcome o = run(state(2, 10), false);

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
    void quotaExceededFailsTheRequestButNotTheAccount() throws Exception {
        aws.appliedQuota(A, REGION, "ec2", STD, STD_NAME, 64, true);
        aws.history(A, REGION, "ec2", STD, List.of());
        aws.quotaError("RequestServiceQuotaIncrease", A, REGION, "ec2", STD, "QuotaExceededException",
                "You have exceeded your service quota for open requests.");

        ChoreRunner.Outcome o = run(state(2, 10), false);

        assertThat(only(o).status()).isEqualTo(Action.Status.FAILED);
        assertThat(only(o).detail()).contains("QuotaExceededException");
        assertThat(o.partitions().getFirst().isFailed()).isFalse();
        assertOneIncreaseRequestFor(92);
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

        ChoreRunner.Outcome o = run(s, false);

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

        ChoreRunner.Outcome o = run(s, false);

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
        ChoreRunner.Outcome limited = run(QuotasFixtures.state(s.clusters(), List.of(policy("p", true, 15, 2, 10))),
                false, new SafetyLimit(0));
        assertThat(limited.allActions()).extracting(Action::status).containsOnly(Action.Status.LIMITED);
        assertThat(count("RequestServiceQuotaIncrease")).isZero();
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        Arrays.stream(body.split("&")).map(kv -> kv.split("=", 2)).forEach(kv -> m.put(
                URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : ""));
        return m;
    }
}
