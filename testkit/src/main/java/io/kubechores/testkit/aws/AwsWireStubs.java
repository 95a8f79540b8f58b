package io.kubechores.testkit.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Locale;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * WireMock stubs speaking the real AWS wire protocols, for the demo and tests: Service Quotas and Support are AWS
 * JSON 1.1 (POST /, X-Amz-Target: ServiceQuotasV20190624.* / AWSSupport_20130415.*, application/x-amz-json-1.1,
 * errors as HTTP 400 {"__type": ..., "message": ...}); STS is the Query protocol (form-encoded Action=AssumeRole,
 * XML answers). Requests are told apart by account through the access key the AssumeRole stub hands out
 * ({@link #accessKeyFor}) which appears in the SigV4 Authorization header, and by region through the credential
 * scope.
 */
public final class AwsWireStubs {
    public static final String SERVICE_QUOTAS_PREFIX = "ServiceQuotasV20190624.";
    public static final String SUPPORT_PREFIX = "AWSSupport_20130415.";
    public static final String JSON_11 = "application/x-amz-json-1.1";
    public static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    private final WireMockServer server;
    /** Open (PENDING / CASE_OPENED) requests stubbed per account/region, answered by ListRequestedServiceQuotaChangeHistory. */
    private final Map<String, List<String>> activeByRegion = new HashMap<>();
    /** account/region → (quota scenario → the request it files), for the region lists once a request is filed. */
    private final Map<String, Map<String, String>> filedByRegion = new HashMap<>();

    /**
     * Also stubs, at low priority, an empty ListRequestedServiceQuotaChangeHistory (no active requests) for every
     * account/region; the histories stubbed below add their open requests to it.
     */
    public AwsWireStubs(WireMockServer server) {
        this.server = server;
        server.stubFor(post(urlEqualTo("/")).atPriority(10)
                .withHeader("X-Amz-Target", equalTo(SERVICE_QUOTAS_PREFIX + "ListRequestedServiceQuotaChangeHistory"))
                .willReturn(json(200, "{\"RequestedQuotas\":[]}")));
    }

    /**
     * A Support case id of the documented shape, case-12345678910-2013-c4c1d2bf33c5cf47 (AWS Support API reference,
     * CaseDetails.caseId): "case-", 11 digits, the year, 16 hex digits. Deterministic per account and display id.
     */
    public static String caseId(String accountId, String displayId, int year) {
        String hex = String.format(Locale.ROOT, "%016x", (long) (accountId + "/" + displayId).hashCode() * 2654435761L);
        return "case-" + (accountId + "00000000000").substring(0, 11) + "-" + year + "-" + hex.substring(hex.length() - 16);
    }

    /** The access key id the STS stub issues for an account (signed requests carry it). */
    public static String accessKeyFor(String accountId) {
        return "ASIA" + accountId;
    }

    /** A request in a quota's history. */
    public record Req(String id, String caseId, double desiredValue, String status, Instant created,
                      Instant lastUpdated) {
        public Req(String id, String caseId, double desiredValue, String status, Instant created) {
            this(id, caseId, desiredValue, status, created, created);
        }
    }

    // ---------- STS (Query protocol) ----------

    /** AssumeRole of roleArn succeeds with credentials whose key id identifies the account. */
    public void assumeRole(String accountId, String roleArn) {
        Instant exp = Instant.now().plus(Duration.ofHours(12));
        String xml = """
                <AssumeRoleResponse xmlns="%s">
                  <AssumeRoleResult>
                    <Credentials>
                      <AccessKeyId>%s</AccessKeyId>
                      <SecretAccessKey>demo-secret-%s</SecretAccessKey>
                      <SessionToken>demo-session-%s</SessionToken>
                      <Expiration>%s</Expiration>
                    </Credentials>
                    <AssumedRoleUser>
                      <AssumedRoleId>AROADEMO%s:kubechores</AssumedRoleId>
                      <Arn>%s</Arn>
                    </AssumedRoleUser>
                  </AssumeRoleResult>
                  <ResponseMetadata><RequestId>req-assume-%s</RequestId></ResponseMetadata>
                </AssumeRoleResponse>
                """.formatted(STS_NS, accessKeyFor(accountId), accountId, accountId, exp, accountId,
                roleArn.replace(":role/", ":assumed-role/").replace("arn:aws:iam:", "arn:aws:sts:") + "/kubechores",
                accountId);
        server.stubFor(assumeRoleRequest(roleArn).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody(xml)));
    }

    /** AssumeRole of roleArn is denied (HTTP 403, Query error XML). */
    public void assumeRoleDenied(String roleArn) {
        String xml = """
                <ErrorResponse xmlns="%s">
                  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::000000000000:user/kubechores is not authorized to perform: sts:AssumeRole on resource: %s</Message></Error>
                  <RequestId>req-denied</RequestId>
                </ErrorResponse>
                """.formatted(STS_NS, roleArn);
        server.stubFor(assumeRoleRequest(roleArn).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "text/xml").withBody(xml)));
    }

    public static MappingBuilder assumeRoleRequest(String roleArn) {
        return post(urlEqualTo("/"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withRequestBody(containing("Action=AssumeRole"))
                .withRequestBody(containing("Version=2011-06-15"))
                .withRequestBody(containing("RoleArn=" + URLEncoder.encode(roleArn, StandardCharsets.UTF_8)));
    }

    // ---------- Service Quotas (JSON 1.1) ----------

    /** A Service Quotas operation called by an account in a region. */
    public static MappingBuilder serviceQuotas(String operation, String accountId, String region) {
        return post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(SERVICE_QUOTAS_PREFIX + operation))
                .withHeader("Content-Type", containing(JSON_11))
                .withHeader("Authorization", signedBy(accountId, region, "servicequotas"));
    }

    /** ... about one quota (ServiceCode and QuotaCode in the JSON body). */
    public static MappingBuilder serviceQuotas(String operation, String accountId, String region, String serviceCode,
                                               String quotaCode) {
        return serviceQuotas(operation, accountId, region)
                .withRequestBody(matchingJsonPath("$.ServiceCode", equalTo(serviceCode)))
                .withRequestBody(matchingJsonPath("$.QuotaCode", equalTo(quotaCode)));
    }

    /** GetServiceQuota answers an applied value. */
    public void appliedQuota(String accountId, String region, String serviceCode, String quotaCode, String name,
                             double value, boolean adjustable) {
        server.stubFor(serviceQuotas("GetServiceQuota", accountId, region, serviceCode, quotaCode)
                .willReturn(json(200, "{\"Quota\":" + quota(accountId, region, serviceCode, quotaCode, name, value,
                        adjustable) + "}")));
    }

    /** GetServiceQuota says NoSuchResource and GetAWSDefaultServiceQuota answers the default. */
    public void defaultQuotaOnly(String accountId, String region, String serviceCode, String quotaCode, String name,
                                 double value, boolean adjustable) {
        server.stubFor(serviceQuotas("GetServiceQuota", accountId, region, serviceCode, quotaCode)
                .willReturn(error("NoSuchResourceException", "The request failed because the specified service quota"
                        + " does not exist.")));
        server.stubFor(serviceQuotas("GetAWSDefaultServiceQuota", accountId, region, serviceCode, quotaCode)
                .willReturn(json(200, "{\"Quota\":" + quota("", region, serviceCode, quotaCode, name, value,
                        adjustable) + "}")));
    }

    /** The request history of a quota (same answer in every scenario state). */
    public void history(String accountId, String region, String serviceCode, String quotaCode, List<Req> requests) {
        server.stubFor(serviceQuotas("ListRequestedServiceQuotaChangeHistoryByQuota", accountId, region, serviceCode,
                quotaCode).willReturn(json(200, historyBody(accountId, region, serviceCode, quotaCode, requests))));
        active(accountId, region, serviceCode, quotaCode, requests);
    }

    /** An active request of a quota the test does not otherwise stub (it only counts towards the region's limit). */
    public void activeRequest(String accountId, String region, String serviceCode, String quotaCode, Req request) {
        active(accountId, region, serviceCode, quotaCode, List.of(request));
    }

    /**
     * Adds the open requests of a quota to the account/region's ListRequestedServiceQuotaChangeHistory answers
     * (filtered by $.Status as the real API does; one stub per account/region/status, replaced as requests are added).
     * Requests filed during a test are not added (the history-by-quota scenarios show them).
     */
    private void active(String accountId, String region, String serviceCode, String quotaCode, List<Req> requests) {
        for (String status : List.of("PENDING", "CASE_OPENED")) {
            String key = accountId + "/" + region + "/" + status;
            List<String> items = activeByRegion.computeIfAbsent(key, k -> new ArrayList<>());
            boolean added = false;
            for (Req r : requests) {
                if (r.status().equals(status)) {
                    items.add(historyItem(accountId, region, serviceCode, quotaCode, r));
                    added = true;
                }
            }
            if (added) restubActive(accountId, region, status);
        }
    }

    /**
     * (Re)writes the region's ListRequestedServiceQuotaChangeHistory answers for one status: the open requests, and,
     * for PENDING, one variant per quota that accepted a request (while that quota's scenario is "filed") which also
     * lists the request filed. WireMock scenarios are per quota, so with two quotas of a region filed in one run
     * the list shows one of them; a test that files several tells the stub with {@link #activeRequest}.
     */
    private void restubActive(String accountId, String region, String status) {
        String key = accountId + "/" + region + "/" + status;
        List<String> items = activeByRegion.getOrDefault(key, List.of());
        put(serviceQuotas("ListRequestedServiceQuotaChangeHistory", accountId, region)
                .withId(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)))
                .withRequestBody(matchingJsonPath("$.Status", equalTo(status)))
                .willReturn(json(200, "{\"RequestedQuotas\":[" + String.join(",", items) + "]}")));
        if (!status.equals("PENDING")) return;
        for (Map.Entry<String, String> f : filedByRegion.getOrDefault(accountId + "/" + region, Map.of()).entrySet()) {
            List<String> withFiled = new ArrayList<>(items);
            withFiled.add(f.getValue());
            put(serviceQuotas("ListRequestedServiceQuotaChangeHistory", accountId, region).atPriority(1)
                    .withId(UUID.nameUUIDFromBytes((key + "/" + f.getKey()).getBytes(StandardCharsets.UTF_8)))
                    .inScenario(f.getKey()).whenScenarioStateIs("filed")
                    .withRequestBody(matchingJsonPath("$.Status", equalTo(status)))
                    .willReturn(json(200, "{\"RequestedQuotas\":[" + String.join(",", withFiled) + "]}")));
        }
    }

    /** stubFor, or editStub when a stub of that id exists (WireMock refuses a duplicate id). */
    private void put(MappingBuilder stub) {
        UUID id = stub.build().getId();
        if (server.getStubMappings().stream().anyMatch(m -> id.equals(m.getId()))) server.editStub(stub);
        else server.stubFor(stub);
    }

    /**
     * A quota that accepts one increase request and remembers it (WireMock scenario "accountId/region/quotaCode"):
     * before, the history is {@code past} and RequestServiceQuotaIncrease answers PENDING (echoing the desired
     * value); after, the history also holds the filed request (PENDING, {@code filedValue}) and another request
     * answers ResourceAlreadyExistsException, as AWS does.
     */
    public void acceptsOneRequest(String accountId, String region, String serviceCode, String quotaCode,
                                  List<Req> past, double filedValue, Instant filedAt) {
        String scenario = accountId + "/" + region + "/" + serviceCode + "/" + quotaCode;
        String requestId = "req-" + accountId + "-" + region + "-" + quotaCode.toLowerCase(Locale.ROOT);
        server.stubFor(serviceQuotas("ListRequestedServiceQuotaChangeHistoryByQuota", accountId, region, serviceCode,
                quotaCode).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, historyBody(accountId, region, serviceCode, quotaCode, past))));
        active(accountId, region, serviceCode, quotaCode, past);
        List<Req> after = new ArrayList<>();
        after.add(new Req(requestId, null, filedValue, "PENDING", filedAt));
        after.addAll(past);
        server.stubFor(serviceQuotas("ListRequestedServiceQuotaChangeHistoryByQuota", accountId, region, serviceCode,
                quotaCode).inScenario(scenario).whenScenarioStateIs("filed")
                .willReturn(json(200, historyBody(accountId, region, serviceCode, quotaCode, after))));
        // once filed, the region's active requests include it
        filedByRegion.computeIfAbsent(accountId + "/" + region, k -> new LinkedHashMap<>())
                .put(scenario, historyItem(accountId, region, serviceCode, quotaCode, after.getFirst()));
        restubActive(accountId, region, "PENDING");
        String filed = """
                {"RequestedQuota":{"Id":"%s","ServiceCode":"%s","QuotaCode":"%s","DesiredValue":{{jsonPath request.body '$.DesiredValue'}},"Status":"PENDING","Created":%d,"LastUpdated":%d,"Requester":"arn:aws:sts::%s:assumed-role/kubechores/kubechores-quotas","QuotaArn":"%s","GlobalQuota":false,"Unit":"None"}}
                """.formatted(requestId, serviceCode, quotaCode, filedAt.getEpochSecond(), filedAt.getEpochSecond(),
                accountId, arn(accountId, region, serviceCode, quotaCode)).strip();
        server.stubFor(serviceQuotas("RequestServiceQuotaIncrease", accountId, region, serviceCode, quotaCode)
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("filed")
                .willReturn(json(200, filed).withTransformers("response-template")));
        server.stubFor(serviceQuotas("RequestServiceQuotaIncrease", accountId, region, serviceCode, quotaCode)
                .inScenario(scenario).whenScenarioStateIs("filed")
                .willReturn(error("ResourceAlreadyExistsException", "A request for this quota is already open.")));
    }

    /** An operation about one quota answers an AWS JSON error. */
    public void quotaError(String operation, String accountId, String region, String serviceCode, String quotaCode,
                           String type, String message) {
        server.stubFor(serviceQuotas(operation, accountId, region, serviceCode, quotaCode)
                .willReturn(error(type, message)));
    }

    // ---------- EC2 (Query protocol, XML answers) ----------

    public static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    /** An EC2 Query action called by an account in a region (form-encoded Action=..., Version=2016-11-15). */
    public static MappingBuilder ec2(String action, String accountId, String region) {
        return post(urlEqualTo("/"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withHeader("Authorization", signedBy(accountId, region, "ec2"))
                .withRequestBody(containing("Action=" + action))
                .withRequestBody(containing("Version=2016-11-15"));
    }

    /**
     * DescribeInstanceTypes of a region answers these types (type → default vCPUs), pageSize per page linked by
     * NextToken, in EC2's XML shape: DescribeInstanceTypesResponse / instanceTypeSet / item / instanceType and
     * vCpuInfo / defaultVCpus, nextToken on every page but the last (EC2 API reference, DescribeInstanceTypes,
     * InstanceTypeInfo, VCpuInfo).
     */
    public void instanceTypes(String accountId, String region, Map<String, Integer> types, int pageSize) {
        List<Map.Entry<String, Integer>> all = new ArrayList<>(new java.util.TreeMap<>(types).entrySet());
        int pages = Math.max(1, (all.size() + pageSize - 1) / pageSize);
        for (int p = 0; p < pages; p++) {
            StringBuilder xml = new StringBuilder("<DescribeInstanceTypesResponse xmlns=\"" + EC2_NS + "\">\n")
                    .append("  <requestId>req-dit-").append(region).append('-').append(p).append("</requestId>\n")
                    .append("  <instanceTypeSet>\n");
            for (Map.Entry<String, Integer> t : all.subList(p * pageSize, Math.min(all.size(), (p + 1) * pageSize))) {
                int v = t.getValue();
                xml.append("    <item>\n      <instanceType>").append(t.getKey()).append("</instanceType>\n")
                        .append("      <currentGeneration>true</currentGeneration>\n")
                        .append("      <vCpuInfo>\n        <defaultVCpus>").append(v).append("</defaultVCpus>\n")
                        .append("        <defaultCores>").append(Math.max(1, v / 2)).append("</defaultCores>\n")
                        .append("        <defaultThreadsPerCore>").append(v > 1 ? 2 : 1)
                        .append("</defaultThreadsPerCore>\n      </vCpuInfo>\n")
                        .append("      <memoryInfo><sizeInMiB>").append(v * 4096).append("</sizeInMiB></memoryInfo>\n")
                        .append("    </item>\n");
            }
            xml.append("  </instanceTypeSet>\n");
            if (p + 1 < pages) xml.append("  <nextToken>").append(token(region, p + 1)).append("</nextToken>\n");
            xml.append("</DescribeInstanceTypesResponse>\n");
            MappingBuilder m = ec2("DescribeInstanceTypes", accountId, region);
            m = p == 0 ? m.withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("NextToken="))
                    : m.withRequestBody(containing("NextToken=" + URLEncoder.encode(token(region, p), StandardCharsets.UTF_8)));
            server.stubFor(m.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml;charset=UTF-8")
                    .withBody(xml.toString())));
        }
    }

    private static String token(String region, int page) {
        return "AAEAAf" + Integer.toHexString((region + page).hashCode()) + "==";
    }

    /** DescribeInstanceTypes is refused (HTTP 403, EC2's Response/Errors/Error XML, UnauthorizedOperation). */
    public void instanceTypesDenied(String accountId, String region) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:sts::%s:assumed-role/kubechores/kubechores-quotas is not authorized to perform: ec2:DescribeInstanceTypes</Message></Error></Errors><RequestID>req-dit-denied</RequestID></Response>
                """.formatted(accountId).strip();
        server.stubFor(ec2("DescribeInstanceTypes", accountId, region).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "text/xml;charset=UTF-8").withBody(xml)));
    }

    // ---------- Service Quotas usage metric + CloudWatch (Query protocol, XML answers) ----------

    public static final String CLOUDWATCH_NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    /**
     * GetServiceQuota answers an applied value with its usage metric (ServiceQuota.UsageMetric: MetricNamespace,
     * MetricName, MetricDimensions, MetricStatisticRecommendation; Service Quotas API reference, MetricInfo).
     */
    public void appliedQuotaWithUsage(String accountId, String region, String serviceCode, String quotaCode,
                                      String name, double value, String namespace, String metricName,
                                      Map<String, String> dimensions, String statistic) {
        StringBuilder dims = new StringBuilder();
        new java.util.TreeMap<>(dimensions).forEach((k, v) -> dims.append(dims.isEmpty() ? "" : ",")
                .append('"').append(jsonEscape(k)).append("\":\"").append(jsonEscape(v)).append('"'));
        String q = quota(accountId, region, serviceCode, quotaCode, name, value, true);
        String usage = ",\"UsageMetric\":{\"MetricNamespace\":\"" + jsonEscape(namespace) + "\",\"MetricName\":\""
                + jsonEscape(metricName) + "\",\"MetricDimensions\":{" + dims + "},\"MetricStatisticRecommendation\":\""
                + statistic + "\"}";
        server.stubFor(serviceQuotas("GetServiceQuota", accountId, region, serviceCode, quotaCode)
                .willReturn(json(200, "{\"Quota\":" + q.substring(0, q.length() - 1) + usage + "}}")));
    }

    /** A CloudWatch Query action called by an account in a region (form-encoded, Version=2010-08-01, signed "monitoring"). */
    public static MappingBuilder cloudWatch(String action, String accountId, String region) {
        return post(urlEqualTo("/"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withHeader("Authorization", signedBy(accountId, region, "monitoring"))
                .withRequestBody(containing("Action=" + action))
                .withRequestBody(containing("Version=2010-08-01"));
    }

    /**
     * GetMetricData of an account/region answers, for the query with this Id, these points in CloudWatch's XML shape
     * (GetMetricDataResponse / GetMetricDataResult / MetricDataResults / member: Id, Label, Timestamps, Values,
     * StatusCode Complete; CloudWatch API reference, GetMetricData and MetricDataResult: Timestamps[x] is the time of
     * Values[x]), oldest first as ScanBy=TimestampAscending asks.
     */
    public void metricData(String accountId, String region, String id, String label, Map<Instant, Double> points) {
        StringBuilder ts = new StringBuilder();
        StringBuilder vs = new StringBuilder();
        new java.util.TreeMap<>(points).forEach((t, v) -> {
            ts.append("<member>").append(t).append("</member>");
            vs.append("<member>").append(v).append("</member>");
        });
        String xml = """
                <GetMetricDataResponse xmlns="%s">
                  <GetMetricDataResult>
                    <MetricDataResults>
                      <member>
                        <Timestamps>%s</Timestamps>
                        <StatusCode>Complete</StatusCode>
                        <Values>%s</Values>
                        <Id>%s</Id>
                        <Label>%s</Label>
                      </member>
                    </MetricDataResults>
                    <Messages/>
                  </GetMetricDataResult>
                  <ResponseMetadata><RequestId>req-gmd-%s-%s</RequestId></ResponseMetadata>
                </GetMetricDataResponse>
                """.formatted(CLOUDWATCH_NS, ts, vs, id, label, accountId, region);
        server.stubFor(cloudWatch("GetMetricData", accountId, region)
                .withRequestBody(containing("MetricDataQueries.member.1.Id=" + id))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(xml)));
    }

    /** GetMetricData is refused (HTTP 403, Query error XML, AccessDenied). */
    public void metricDataDenied(String accountId, String region) {
        String xml = """
                <ErrorResponse xmlns="%s">
                  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::%s:assumed-role/kubechores/kubechores-quotas is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action</Message></Error>
                  <RequestId>req-gmd-denied</RequestId>
                </ErrorResponse>
                """.formatted(CLOUDWATCH_NS, accountId);
        server.stubFor(cloudWatch("GetMetricData", accountId, region).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "text/xml").withBody(xml)));
    }

    // ---------- Support (JSON 1.1, global endpoint in us-east-1) ----------

    /** A Support operation called by an account (always signed for us-east-1). */
    public static MappingBuilder support(String operation, String accountId) {
        return post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(SUPPORT_PREFIX + operation))
                .withHeader("Content-Type", containing(JSON_11))
                .withHeader("Authorization", signedBy(accountId, "us-east-1", "support"));
    }

    /**
     * DescribeCases of an account returns a case with its latest communication when asked by its display id (the
     * numeric case number a Service Quotas request carries as CaseId) or by its case id; asked with the display id in
     * caseIdList it answers CaseIdNotFound, as AWS Support does for an id that is not of the form case-....
     */
    public void supportCase(String accountId, String caseId, String displayId, String status, String subject,
                            String latestBody, Instant latestAt) {
        String body = """
                {"cases":[{"caseId":"%s","displayId":"%s","subject":"%s","status":"%s","serviceCode":"service-limit-increase","categoryCode":"ec2-instances","severityCode":"normal","submittedBy":"kubechores-quotas","timeCreated":"%s","language":"en","recentCommunications":{"communications":[{"caseId":"%s","body":"%s","submittedBy":"Amazon Web Services","timeCreated":"%s"}]}}]}
                """.formatted(caseId, displayId, jsonEscape(subject), status, latestAt.minus(Duration.ofDays(1)),
                caseId, jsonEscape(latestBody), latestAt).strip();
        server.stubFor(support("DescribeCases", accountId)
                .withRequestBody(matchingJsonPath("$.displayId", equalTo(displayId)))
                .willReturn(json(200, body)));
        server.stubFor(support("DescribeCases", accountId)
                .withRequestBody(matchingJsonPath("$.caseIdList[0]", equalTo(caseId)))
                .willReturn(json(200, body)));
        server.stubFor(support("DescribeCases", accountId)
                .withRequestBody(matchingJsonPath("$.caseIdList[0]", equalTo(displayId)))
                .willReturn(error("CaseIdNotFound", "Invalid case ID: " + displayId)));
    }

    /** The account has no Business/Enterprise Support plan. */
    public void noSupportPlan(String accountId) {
        server.stubFor(support("DescribeCases", accountId).willReturn(error("SubscriptionRequiredException",
                "AWS Premium Support Subscription is required to use this service.")));
    }

    // ---------- wire helpers ----------

    /** SigV4 Authorization header of the account's credentials, scoped to region and signing service. */
    public static StringValuePattern signedBy(String accountId, String region, String service) {
        return matching(".*Credential=" + accessKeyFor(accountId) + "/[0-9]{8}/" + Pattern.quote(region) + "/"
                + service + "/aws4_request.*");
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", JSON_11)
                .withHeader("x-amzn-RequestId", "wiremock").withBody(body);
    }

    /** AWS JSON 1.1 error: HTTP 400 with {"__type": type, "message": message}. */
    public static ResponseDefinitionBuilder error(String type, String message) {
        return json(400, "{\"__type\":\"" + type + "\",\"message\":\"" + jsonEscape(message) + "\"}");
    }

    static String quota(String accountId, String region, String serviceCode, String quotaCode, String name,
                        double value, boolean adjustable) {
        return ("{\"ServiceCode\":\"%s\",\"ServiceName\":\"%s\",\"QuotaArn\":\"%s\",\"QuotaCode\":\"%s\","
                + "\"QuotaName\":\"%s\",\"Value\":%s,\"Unit\":\"None\",\"Adjustable\":%s,\"GlobalQuota\":false}")
                .formatted(serviceCode, serviceCode, arn(accountId, region, serviceCode, quotaCode), quotaCode,
                        jsonEscape(name), value, adjustable);
    }

    static String historyBody(String accountId, String region, String serviceCode, String quotaCode, List<Req> reqs) {
        StringBuilder sb = new StringBuilder("{\"RequestedQuotas\":[");
        for (int i = 0; i < reqs.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(historyItem(accountId, region, serviceCode, quotaCode, reqs.get(i)));
        }
        return sb.append("]}").toString();
    }

    static String historyItem(String accountId, String region, String serviceCode, String quotaCode, Req r) {
        StringBuilder sb = new StringBuilder();
        {
            sb.append("{\"Id\":\"").append(r.id()).append('"');
            if (r.caseId() != null) sb.append(",\"CaseId\":\"").append(r.caseId()).append('"');
            sb.append(",\"ServiceCode\":\"").append(serviceCode).append("\",\"QuotaCode\":\"").append(quotaCode)
                    .append("\",\"DesiredValue\":").append(r.desiredValue())
                    .append(",\"Status\":\"").append(r.status()).append('"')
                    .append(",\"Created\":").append(r.created().getEpochSecond())
                    .append(",\"LastUpdated\":").append(r.lastUpdated().getEpochSecond())
                    .append(",\"QuotaArn\":\"").append(arn(accountId, region, serviceCode, quotaCode)).append('"')
                    .append(",\"GlobalQuota\":false,\"Unit\":\"None\"}");
        }
        return sb.toString();
    }

    static String arn(String accountId, String region, String serviceCode, String quotaCode) {
        return "arn:aws:servicequotas:" + region + ":" + accountId + ":" + serviceCode + "/" + quotaCode;
    }

    static String jsonEscape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
