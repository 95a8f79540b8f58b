package io.kubechores.quotas;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What AWS says about one quota in one account/region (collected by the job, then handed to the pure planner).
 *
 * @param name             the quota's name in Service Quotas
 * @param applied          the applied value (or the AWS default when the account has none); null when unknown
 * @param adjustable       whether an increase can be requested
 * @param awsDefault       applied came from GetAWSDefaultServiceQuota
 * @param history          increase requests, newest first
 * @param cases            support cases of the requests, keyed by the request's CaseId (the Support display id)
 * @param casesUnavailable why cases could not be read (no Support plan...), null otherwise
 * @param blocked          an AWS error that needs a human before this quota can be read or raised
 *                         (DependencyAccessDeniedException, InvalidResourceStateException...), null otherwise
 */
public record ObservedQuota(String name, Double applied, boolean adjustable, boolean awsDefault,
                           List<QuotaRequest> history, Map<String, CaseStatus> cases, String casesUnavailable,
                           String blocked) {
    public ObservedQuota {
        history = history == null ? List.of() : List.copyOf(history);
        cases = cases == null ? Map.of() : Map.copyOf(cases);
    }

    public ObservedQuota(String name, Double applied, boolean adjustable, boolean awsDefault,
                         List<QuotaRequest> history, Map<String, CaseStatus> cases, String casesUnavailable) {
        this(name, applied, adjustable, awsDefault, history, cases, casesUnavailable, null);
    }

    /** A quota that could not be read because of an error a human must fix. */
    public static ObservedQuota blocked(String error) {
        return new ObservedQuota(null, null, false, false, List.of(), Map.of(), null, error);
    }

    /**
     * One increase request (ListRequestedServiceQuotaChangeHistoryByQuota).
     *
     * @param caseId      the request's CaseId: the AWS Support case number shown in the Support Center (display id)
     * @param lastUpdated when the status last changed (the decision date of a DENIED request); may be null
     */
    public record QuotaRequest(String id, String caseId, Double desiredValue, String status, Instant created,
                               Instant lastUpdated) {
        public QuotaRequest(String id, String caseId, Double desiredValue, String status, Instant created) {
            this(id, caseId, desiredValue, status, created, created);
        }

        /** PENDING or CASE_OPENED: AWS is still working on it. */
        public boolean open() {
            return isOpen(status);
        }

        public static boolean isOpen(String status) {
            return "PENDING".equals(status) || "CASE_OPENED".equals(status);
        }

        /** When the request reached its current status (lastUpdated, else created). */
        public Instant decided() {
            return lastUpdated != null ? lastUpdated : created;
        }
    }

    /** The AWS Support case behind a request. */
    public record CaseStatus(String caseId, String displayId, String status, String latestCommunication,
                             String latestCommunicationAt) {}
}
