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
 * @param reaskAfterDays       after a DENIED / NOT_APPROVED request (or a support case closed without the increase),
 *                             ask again once this many days passed; null = never by itself (a human follows up)
 * @param instanceTypes        vCPUs of instance types, overriding EC2 DescribeInstanceTypes and the shipped table
 * @param escalatePendingAfterDays a PENDING / CASE_OPENED request older than this is escalated to Slack (once);
 *                             null = only denials, closed cases and blocking errors are
 * @param karpenterFromClusters with deriveFromNodePools: also read the Karpenter NodePools (karpenter.sh/v1) of every
 *                             Cluster in scope; a NodePool replaces the repo's node pool of the same name
 */
public record QuotaPolicySpec(
        List<AccountScope> accounts,
        List<Quota> quotas,
        boolean deriveFromNodePools,
        Integer headroomPercent,
        Double maxIncreaseFactor,
        Integer maxRequestsPerRun,
        Integer reaskAfterDays,
        List<InstanceType> instanceTypes,
        Integer escalatePendingAfterDays,
        boolean karpenterFromClusters) {

    public QuotaPolicySpec {
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        quotas = quotas == null ? List.of() : List.copyOf(quotas);
        headroomPercent = headroomPercent == null ? 20 : headroomPercent;
        maxIncreaseFactor = maxIncreaseFactor == null ? 2.0 : maxIncreaseFactor;
        maxRequestsPerRun = maxRequestsPerRun == null ? 10 : maxRequestsPerRun;
        instanceTypes = instanceTypes == null ? List.of() : List.copyOf(instanceTypes);
    }

    public QuotaPolicySpec(List<AccountScope> accounts, List<Quota> quotas, boolean deriveFromNodePools,
                           Integer headroomPercent, Double maxIncreaseFactor, Integer maxRequestsPerRun,
                           Integer reaskAfterDays, List<InstanceType> instanceTypes, Integer escalatePendingAfterDays) {
        this(accounts, quotas, deriveFromNodePools, headroomPercent, maxIncreaseFactor, maxRequestsPerRun,
                reaskAfterDays, instanceTypes, escalatePendingAfterDays, false);
    }

    public QuotaPolicySpec(List<AccountScope> accounts, List<Quota> quotas, boolean deriveFromNodePools,
                           Integer headroomPercent, Double maxIncreaseFactor, Integer maxRequestsPerRun) {
        this(accounts, quotas, deriveFromNodePools, headroomPercent, maxIncreaseFactor, maxRequestsPerRun, null, null);
    }

    public QuotaPolicySpec(List<AccountScope> accounts, List<Quota> quotas, boolean deriveFromNodePools,
                           Integer headroomPercent, Double maxIncreaseFactor, Integer maxRequestsPerRun,
                           Integer reaskAfterDays, List<InstanceType> instanceTypes) {
        this(accounts, quotas, deriveFromNodePools, headroomPercent, maxIncreaseFactor, maxRequestsPerRun,
                reaskAfterDays, instanceTypes, null);
    }

    /**
     * An instance type the repo describes itself (a type newer than the shipped table, read where EC2 can't be asked).
     *
     * @param name  e.g. m8g.48xlarge
     * @param vcpus default vCPUs (EC2 VCpuInfo.DefaultVCpus)
     */
    public record InstanceType(String name, int vcpus) {}

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
