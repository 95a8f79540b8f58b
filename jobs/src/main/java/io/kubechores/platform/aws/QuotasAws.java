package io.kubechores.platform.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.servicequotas.model.GetAwsDefaultServiceQuotaResponse;
import software.amazon.awssdk.services.servicequotas.model.IllegalArgumentException;
import software.amazon.awssdk.services.servicequotas.model.ListRequestedServiceQuotaChangeHistoryByQuotaResponse;
import software.amazon.awssdk.services.servicequotas.model.ListRequestedServiceQuotaChangeHistoryResponse;
import software.amazon.awssdk.services.servicequotas.model.RequestStatus;
import software.amazon.awssdk.services.servicequotas.model.NoSuchResourceException;
import software.amazon.awssdk.services.servicequotas.model.QuotaExceededException;
import software.amazon.awssdk.services.servicequotas.model.RequestServiceQuotaIncreaseResponse;
import software.amazon.awssdk.services.servicequotas.model.RequestedServiceQuotaChange;
import software.amazon.awssdk.services.servicequotas.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.servicequotas.model.ServiceQuota;
import software.amazon.awssdk.services.support.model.CaseDetails;
import software.amazon.awssdk.services.support.model.Communication;
import software.amazon.awssdk.services.support.model.DescribeCasesResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quotas job's AWS adapter for one account/region: Service Quotas reads and increase requests, and following
 * the support cases AWS opens for large requests (Support DescribeCases). Plain records out, no SDK types.
 * Increase requests are only ever filed with RequestServiceQuotaIncrease — Support CreateCase cannot request limit
 * increases and is never used. AccessDenied (and other unexpected errors) propagate so the account fails alone.
 */
public final class QuotasAws implements AutoCloseable {
    /** DescribeCases accepts at most 100 case ids per call. */
    static final int MAX_CASE_IDS = 100;
    private final AwsClientFactory.AccountClients clients;
    private final AwsCalls calls;

    private QuotasAws(AwsClientFactory.AccountClients clients, AwsCalls calls) {
        this.clients = clients;
        this.calls = calls;
    }

    /** Opens the clients of an account/region and assumes its role right away (a denied role fails here). */
    public static QuotasAws open(AwsClientFactory factory, AwsCallPolicy policy, String accountId, String region) {
        AwsClientFactory.AccountClients c = factory.forAccount(accountId, region);
        AwsCalls calls = new AwsCalls(policy);
        try {
            calls.call("sts:AssumeRole", () -> {
                c.resolveCredentials();
                return null;
            });
        } catch (RuntimeException e) {
            c.close();
            String code = e instanceof AwsServiceException ase ? AwsCalls.code(ase) + ": " : "";
            throw new IllegalStateException("cannot get credentials for account " + accountId
                    + (c.roleArn() == null ? "" : " (AssumeRole " + c.roleArn() + ")") + ": " + code
                    + (e instanceof AwsServiceException ase2 && ase2.awsErrorDetails() != null
                    ? ase2.awsErrorDetails().errorMessage() : e.getMessage()), e);
        }
        return new QuotasAws(c, calls);
    }

    /**
     * A quota's applied value.
     *
     * @param awsDefault true when GetServiceQuota had no applied value (NoSuchResource) and the AWS default was read
     */
    public record Quota(String serviceCode, String quotaCode, String name, Double value, boolean adjustable,
                        boolean awsDefault, String blocked) {
        public Quota(String serviceCode, String quotaCode, String name, Double value, boolean adjustable,
                     boolean awsDefault) {
            this(serviceCode, quotaCode, name, value, adjustable, awsDefault, null);
        }
    }

    /**
     * One increase request from a history.
     *
     * @param caseId the request's CaseId: the AWS Support case number (display id) when AWS opened a case
     */
    public record ChangeRequest(String id, String caseId, Double desiredValue, String status, Instant created,
                                Instant lastUpdated, String serviceCode, String quotaCode) {
        public ChangeRequest(String id, String caseId, Double desiredValue, String status, Instant created) {
            this(id, caseId, desiredValue, status, created, created, null, null);
        }
    }

    /**
     * Service Quotas errors that a human must resolve before anything can be requested, answered as a row rather
     * than failing the account: DependencyAccessDeniedException ("a dependency does not have access": typically the
     * Service Quotas service-linked role is missing, or the caller may not create it) and
     * InvalidResourceStateException ("the resource is in an invalid state"). Service Quotas API reference,
     * RequestServiceQuotaIncrease, Errors.
     */
    static final java.util.Map<String, String> NEEDS_HUMAN = java.util.Map.of(
            "DependencyAccessDeniedException", "a human must let Service Quotas reach its dependencies: create the"
                    + " service-linked role AWSServiceRoleForServiceQuotas (or allow iam:CreateServiceLinkedRole for"
                    + " servicequotas.amazonaws.com) and check the role's permissions",
            "InvalidResourceStateException", "a human must check the quota's state in the Service Quotas console"
                    + " (e.g. a quota request template or organization setting in the way)");

    /** "ErrorCode: message" of an AWS error (else the exception's class and message), at most 200 characters. */
    public static String describe(RuntimeException e) {
        String s = e instanceof AwsServiceException ase ? AwsCalls.code(ase) + ": " + message(ase)
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** The reason a human must act, or null when the error is of another kind. */
    public static String needsHuman(AwsServiceException e) {
        String code = AwsCalls.code(e);
        String hint = NEEDS_HUMAN.get(code);
        return hint == null ? null : code + ": " + message(e) + " — " + hint;
    }

    /** What AWS Support says about a case opened for a request. */
    public record SupportCase(String caseId, String displayId, String status, String latestCommunication,
                              String latestCommunicationAt) {}

    /**
     * Result of DescribeCases.
     *
     * @param unavailable why cases could not be read (e.g. no Support plan), null when they could
     */
    public record CaseLookup(Map<String, SupportCase> cases, String unavailable) {}

    /** The outcome of RequestServiceQuotaIncrease. */
    public record Increase(Kind kind, String requestId, String status, String message) {
        public enum Kind {
            /** filed now */
            FILED,
            /** ResourceAlreadyExistsException: a request for this quota is already open */
            ALREADY_OPEN,
            /** IllegalArgumentException "must be greater than current": the quota is already at least that high */
            NOT_GREATER,
            /** QuotaExceededException: too many active requests (per Region / per account limits) */
            QUOTA_EXCEEDED,
            /** DependencyAccessDeniedException / InvalidResourceStateException: a human must act first */
            NEEDS_HUMAN,
            /** any other client error for this request (the account goes on) */
            REJECTED
        }
    }

    /** GetServiceQuota, or GetAWSDefaultServiceQuota when the account has no applied value; null when neither exists. */
    public Quota quota(String serviceCode, String quotaCode) {
        try {
            return readQuota(serviceCode, quotaCode);
        } catch (AwsServiceException e) {
            String human = needsHuman(e);
            if (human == null) throw e;
            return new Quota(serviceCode, quotaCode, null, null, false, false, human);
        }
    }

    private Quota readQuota(String serviceCode, String quotaCode) {
        ServiceQuotasClient sq = clients.serviceQuotas();
        try {
            ServiceQuota q = calls.call("servicequotas:GetServiceQuota",
                    () -> sq.getServiceQuota(r -> r.serviceCode(serviceCode).quotaCode(quotaCode)).quota());
            return toQuota(q, serviceCode, quotaCode, false);
        } catch (NoSuchResourceException e) {
            try {
                GetAwsDefaultServiceQuotaResponse d = calls.call("servicequotas:GetAWSDefaultServiceQuota",
                        () -> sq.getAWSDefaultServiceQuota(r -> r.serviceCode(serviceCode).quotaCode(quotaCode)));
                return toQuota(d.quota(), serviceCode, quotaCode, true);
            } catch (NoSuchResourceException e2) {
                return null;
            }
        }
    }

    private static Quota toQuota(ServiceQuota q, String serviceCode, String quotaCode, boolean awsDefault) {
        return new Quota(serviceCode, quotaCode, q.quotaName(), q.value(), Boolean.TRUE.equals(q.adjustable()),
                awsDefault);
    }

    /** Every increase request of the quota in this account/region, newest first. */
    public List<ChangeRequest> history(String serviceCode, String quotaCode) {
        ServiceQuotasClient sq = clients.serviceQuotas();
        List<ChangeRequest> out = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListRequestedServiceQuotaChangeHistoryByQuotaResponse page = calls.call(
                    "servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota",
                    () -> sq.listRequestedServiceQuotaChangeHistoryByQuota(r -> r.serviceCode(serviceCode)
                            .quotaCode(quotaCode).nextToken(t)));
            for (RequestedServiceQuotaChange c : page.requestedQuotas()) {
                out.add(change(c));
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty() && ++pages < 50);
        out.sort(Comparator.comparing(ChangeRequest::created, Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed());
        return out;
    }

    private static ChangeRequest change(RequestedServiceQuotaChange c) {
        return new ChangeRequest(c.id(), c.caseId(), c.desiredValue(), c.statusAsString(), c.created(),
                c.lastUpdated(), c.serviceCode(), c.quotaCode());
    }

    /**
     * The active (PENDING and CASE_OPENED) requests of this account in this region, for every quota
     * (ListRequestedServiceQuotaChangeHistory with a Status filter; its Status takes one value per call). AWS allows
     * 2 active requests per Region and 20 per account (Service Quotas user guide, "Service quotas for Service Quotas").
     */
    public List<ChangeRequest> activeRequests() {
        ServiceQuotasClient sq = clients.serviceQuotas();
        List<ChangeRequest> out = new ArrayList<>();
        for (RequestStatus status : List.of(RequestStatus.PENDING, RequestStatus.CASE_OPENED)) {
            String token = null;
            int pages = 0;
            do {
                String t = token;
                ListRequestedServiceQuotaChangeHistoryResponse page = calls.call(
                        "servicequotas:ListRequestedServiceQuotaChangeHistory",
                        () -> sq.listRequestedServiceQuotaChangeHistory(r -> r.status(status).nextToken(t)));
                for (RequestedServiceQuotaChange c : page.requestedQuotas()) out.add(change(c));
                token = page.nextToken();
            } while (token != null && !token.isEmpty() && ++pages < 50);
        }
        return out;
    }

    /**
     * Every instance type offered in this region with its default vCPUs: EC2 DescribeInstanceTypes (Query protocol,
     * {@link Ec2InstanceTypes}), MaxResults 100 per page, following NextToken; VCpuInfo.DefaultVCpus is the vCPU
     * count the EC2 vCPU quotas count (EC2 API reference, DescribeInstanceTypes / VCpuInfo).
     */
    public Map<String, Integer> instanceTypes() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            Ec2InstanceTypes.Page page = calls.call("ec2:DescribeInstanceTypes", () -> clients.ec2().page(t));
            out.putAll(page.vcpus());
            token = page.nextToken();
        } while (token != null && !token.isEmpty() && ++pages < 100);
        return out;
    }

    /** RequestServiceQuotaIncrease; the request-specific errors of the issue are mapped, the rest propagate. */
    public Increase requestIncrease(String serviceCode, String quotaCode, double desiredValue) {
        ServiceQuotasClient sq = clients.serviceQuotas();
        try {
            RequestServiceQuotaIncreaseResponse r = calls.call("servicequotas:RequestServiceQuotaIncrease",
                    () -> sq.requestServiceQuotaIncrease(b -> b.serviceCode(serviceCode).quotaCode(quotaCode)
                            .desiredValue(desiredValue)));
            RequestedServiceQuotaChange c = r.requestedQuota();
            return new Increase(Increase.Kind.FILED, c == null ? null : c.id(), c == null ? null : c.statusAsString(),
                    null);
        } catch (ResourceAlreadyExistsException e) {
            return new Increase(Increase.Kind.ALREADY_OPEN, null, null, message(e));
        } catch (IllegalArgumentException e) {
            String m = message(e);
            boolean notGreater = m.toLowerCase(Locale.ROOT).contains("greater than");
            return new Increase(notGreater ? Increase.Kind.NOT_GREATER : Increase.Kind.REJECTED, null, null, m);
        } catch (QuotaExceededException e) {
            return new Increase(Increase.Kind.QUOTA_EXCEEDED, null, null, message(e));
        } catch (AwsServiceException e) {
            String human = needsHuman(e);
            if (human == null) throw e;
            return new Increase(Increase.Kind.NEEDS_HUMAN, null, null, human);
        }
    }

    /**
     * Support DescribeCases (with communications, resolved cases included) for the cases of requests, keyed by the
     * reference the request carried. A request's CaseId is the case number shown in the Support Center, which
     * DescribeCases takes as {@code displayId} (one per call); {@code caseIdList} takes only ids of the form
     * case-12345678910-2013-c4c1d2bf33c5cf47 (AWS Support API reference, DescribeCases / CaseDetails), so such ids
     * (should a request carry one) go there, up to 100 per call. An account without a Business/Enterprise Support
     * plan answers SubscriptionRequiredException: then the lookup says so and the run goes on.
     */
    public CaseLookup describeCases(Collection<String> caseRefs) {
        if (caseRefs.isEmpty()) return new CaseLookup(Map.of(), null);
        List<String> caseIds = caseRefs.stream().filter(QuotasAws::isCaseId).distinct().toList();
        List<String> displayIds = caseRefs.stream().filter(r -> !isCaseId(r)).distinct().toList();
        Map<String, SupportCase> out = new LinkedHashMap<>();
        try {
            for (int from = 0; from < caseIds.size(); from += MAX_CASE_IDS) {
                List<String> chunk = caseIds.subList(from, Math.min(caseIds.size(), from + MAX_CASE_IDS));
                DescribeCasesResponse r = calls.call("support:DescribeCases",
                        () -> clients.support().describeCases(b -> b.caseIdList(chunk)
                                .includeCommunications(true).includeResolvedCases(true)));
                for (SupportCase c : collect(r)) out.put(c.caseId(), c);
            }
            for (String displayId : displayIds) {
                DescribeCasesResponse r = calls.call("support:DescribeCases",
                        () -> clients.support().describeCases(b -> b.displayId(displayId)
                                .includeCommunications(true).includeResolvedCases(true)));
                for (SupportCase c : collect(r)) {
                    if (displayId.equals(c.displayId())) out.put(displayId, c);
                }
            }
            return new CaseLookup(out, null);
        } catch (AwsServiceException e) {
            String code = AwsCalls.code(e);
            if ("SubscriptionRequiredException".equals(code)) {
                return new CaseLookup(out, "no AWS Support plan in this account (SubscriptionRequiredException):"
                        + " case status unavailable, see the Support Center");
            }
            if (e.statusCode() == 400 || e.statusCode() == 403) {
                return new CaseLookup(out, "support cases unavailable: " + code + " " + message(e));
            }
            throw e;
        }
    }

    /** case-12345678910-2013-c4c1d2bf33c5cf47 (a DescribeCases caseIdList id) rather than a numeric display id. */
    static boolean isCaseId(String ref) {
        return ref.startsWith("case-");
    }

    private static List<SupportCase> collect(DescribeCasesResponse r) {
        List<SupportCase> out = new ArrayList<>();
        for (CaseDetails d : r.cases()) {
            Communication latest = null;
            if (d.recentCommunications() != null && d.recentCommunications().hasCommunications()) {
                latest = d.recentCommunications().communications().stream()
                        .max(Comparator.comparing(c -> c.timeCreated() == null ? "" : c.timeCreated()))
                        .orElse(null);
            }
            out.add(new SupportCase(d.caseId(), d.displayId(), d.status(),
                    latest == null ? null : oneLine(latest.body()), latest == null ? null : latest.timeCreated()));
        }
        return out;
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
    }

    private static String oneLine(String s) {
        if (s == null) return null;
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "…" : t;
    }

    @Override
    public void close() {
        clients.close();
    }
}
