package io.kubechores.quotas;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * How much of a quota the fleet needs in one account/region, and why.
 *
 * @param key               the quota
 * @param description       human name (from the policy or the vCPU class)
 * @param need              capacity needed before headroom (vCPUs for EC2 instance quotas)
 * @param headroomPercent   added on top
 * @param maxIncreaseFactor never request more than this factor of the applied value in one run
 * @param policies          QuotaPolicy names that asked for it
 * @param sources           where the need comes from (node pools, explicit values), for the report
 * @param reaskAfterDays    after a DENIED / NOT_APPROVED request (or a support case closed without the increase), ask
 *                          again once this many days have passed since AWS decided; null = never by itself
 * @param escalatePendingAfterDays an open request older than this is escalated to Slack; null = never
 * @param nodeSteps         per node pool counted here, one node of its largest type (for "can it still scale")
 */
public record QuotaNeed(QuotaKey key, String description, BigDecimal need, int headroomPercent,
                        double maxIncreaseFactor, List<String> policies, List<String> sources,
                        Integer reaskAfterDays, Integer escalatePendingAfterDays, List<NodeStep> nodeSteps) {
    public QuotaNeed {
        policies = List.copyOf(policies);
        sources = List.copyOf(sources);
        nodeSteps = nodeSteps == null ? List.of() : List.copyOf(nodeSteps);
        if (reaskAfterDays != null && reaskAfterDays <= 0) reaskAfterDays = null;
        if (escalatePendingAfterDays != null && escalatePendingAfterDays <= 0) escalatePendingAfterDays = null;
    }

    /**
     * The smallest amount of this quota a node pool needs free to add one node: one node of the largest instance
     * type it may launch in this quota's class (vCPUs for EC2 vCPU quotas).
     *
     * @param pool cluster/pool
     */
    public record NodeStep(String pool, String instanceType, int units) {}

    public QuotaNeed(QuotaKey key, String description, BigDecimal need, int headroomPercent,
                     double maxIncreaseFactor, List<String> policies, List<String> sources, Integer reaskAfterDays,
                     Integer escalatePendingAfterDays) {
        this(key, description, need, headroomPercent, maxIncreaseFactor, policies, sources, reaskAfterDays,
                escalatePendingAfterDays, List.of());
    }

    public QuotaNeed(QuotaKey key, String description, BigDecimal need, int headroomPercent,
                     double maxIncreaseFactor, List<String> policies, List<String> sources, Integer reaskAfterDays) {
        this(key, description, need, headroomPercent, maxIncreaseFactor, policies, sources, reaskAfterDays, null);
    }

    public QuotaNeed(QuotaKey key, String description, BigDecimal need, int headroomPercent,
                     double maxIncreaseFactor, List<String> policies, List<String> sources) {
        this(key, description, need, headroomPercent, maxIncreaseFactor, policies, sources, null);
    }

    /** need + headroom %, rounded up to a whole unit (quotas are counts). */
    public long wanted() {
        return wanted(need, headroomPercent);
    }

    public static long wanted(BigDecimal need, int headroomPercent) {
        return need.multiply(BigDecimal.valueOf(100L + headroomPercent))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).longValueExact();
    }
}
