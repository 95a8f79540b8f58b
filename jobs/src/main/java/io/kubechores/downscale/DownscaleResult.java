package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

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
