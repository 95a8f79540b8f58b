package io.kubechores.desiredstate;

import java.util.List;

/**
 * AWS capacity wanted (quotas/*.yaml).
 *
 * @param accounts             account/regions in scope (empty = every account/region of the clusters)
 * @param quotas               explicit wanted values
 * @param deriveFromNodePools  derive EC2 vCPU quotas from Cluster node pools (max size x vCPUs of largest type)
 * @param headroomPercent      added on top of derived/explicit needs
 * @param maxIncreaseFactor    never ask for more than this factor of the applied value in one run (default 2)
 * @param maxRequestsPerRun    safety limit on increase requests per run
 */
public record QuotaPolicySpec(
        List<AccountScope> accounts,
        List<Quota> quotas,
        boolean deriveFromNodePools,
        Integer headroomPercent,
        Double maxIncreaseFactor,
        Integer maxRequestsPerRun) {

    public QuotaPolicySpec {
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        quotas = quotas == null ? List.of() : List.copyOf(quotas);
        headroomPercent = headroomPercent == null ? 20 : headroomPercent;
        maxIncreaseFactor = maxIncreaseFactor == null ? 2.0 : maxIncreaseFactor;
        maxRequestsPerRun = maxRequestsPerRun == null ? 10 : maxRequestsPerRun;
    }

    public record AccountScope(String accountId, List<String> regions) {
        public AccountScope {
            regions = regions == null ? List.of() : List.copyOf(regions);
        }
    }

    /**
     * @param serviceCode e.g. ec2, vpc, elasticloadbalancing
     * @param quotaCode   e.g. L-1216C47A
     * @param value       wanted value
     * @param accountId   optional: only this account
     * @param region      optional: only this region
     * @param description human label
     */
    public record Quota(String serviceCode, String quotaCode, double value, String accountId, String region,
                        String description) {}
}
