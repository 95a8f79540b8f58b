package io.kubechores.downscale;

import java.util.Set;

/**
 * What one cluster hands to the report: the plan (savings, unchanged/excluded counts), how many workloads were read,
 * and the kinds the cluster does not serve.
 */
public record DownscaleResult(DownscalePlan plan, int workloads, Set<WorkloadKind> missingKinds) {
    static DownscaleResult of(DownscalePlan plan, ClusterObservation observed) {
        return new DownscaleResult(plan, observed.workloads().size(), observed.missingKinds());
    }
}
