package io.kubechores.quotas;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What AWS says about one quota in one account/region (collected by the job, then handed to the pure planner).
 *
 * @param name             the quota's name in Service Quotas
 * @param applied          the applied value (or the AWS default when the account has none)
 * @param adjustable       whether an increase can be requested
 * @param awsDefault       applied came from GetAWSDefaultServiceQuota
 * @param history          increase requests, newest first
 * @param cases            support cases of CASE_OPENED requests by case id
 * @param casesUnavailable why cases could not be read (no Support plan...), null otherwise
 */
public record ObservedQuota(String name, Double applied, boolean adjustable, boolean awsDefault,
                           List<QuotaRequest> history, Map<String, CaseStatus> cases, String casesUnavailable) {
    public ObservedQuota {
        history = history == null ? List.of() : List.copyOf(history);
        cases = cases == null ? Map.of() : Map.copyOf(cases);
    }

    /** One increase request (ListRequestedServiceQuotaChangeHistoryByQuota). */
    public record QuotaRequest(String id, String caseId, Double desiredValue, String status, Instant created) {
        /** PENDING or CASE_OPENED: AWS is still working on it. */
        public boolean open() {
            return "PENDING".equals(status) || "CASE_OPENED".equals(status);
        }
    }

    /** The AWS Support case behind a CASE_OPENED request. */
    public record CaseStatus(String caseId, String displayId, String status, String latestCommunication,
                             String latestCommunicationAt) {}
}
