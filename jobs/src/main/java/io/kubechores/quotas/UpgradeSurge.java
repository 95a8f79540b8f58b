package io.kubechores.quotas;

import io.kubechores.desiredstate.ClusterSpec;

/**
 * The extra nodes an EKS managed node group launches during a rolling upgrade (pure). Amazon EKS user guide, "Understand
 * each phase of node updates", scale up phase: the Auto Scaling group's maximum and desired size grow by the larger of
 * up to twice the number of Availability Zones the group is deployed in, and the upgrade's maximum unavailable
 * (updateConfig.maxUnavailable, or maxUnavailablePercentage of the nodes; at most 100 nodes; default 1 node). The
 * quota must hold those nodes on top of the group's maxSize, so they count in the need (the upper bound: 2 per zone).
 * <p>
 * Only pools the repo declares as managed node groups (availabilityZones or updateConfig set) surge; Karpenter pools
 * (cpuLimit) do not: their limit already bounds every node they launch.
 */
public final class UpgradeSurge {
    /** EKS: "The maximum unavailable has a quota of 100 nodes." */
    public static final int MAX_UNAVAILABLE_CAP = 100;

    private UpgradeSurge() {}

    /** Extra nodes during an upgrade; 0 for a pool that is not declared as an EKS managed node group. */
    public static int nodes(ClusterSpec.NodePool pool) {
        if (pool.cpuLimit() != null) return 0;
        if (pool.availabilityZones() == null && pool.updateConfig() == null) return 0;
        int azs = pool.availabilityZones() == null ? 0 : pool.availabilityZones();
        return Math.max(2 * azs, maxUnavailable(pool));
    }

    /** Nodes upgraded in parallel: maxUnavailable, else maxUnavailablePercentage of maxSize (rounded up), else 1. */
    public static int maxUnavailable(ClusterSpec.NodePool pool) {
        ClusterSpec.UpdateConfig u = pool.updateConfig();
        int n = 1;
        if (u != null && u.maxUnavailable() != null) {
            n = u.maxUnavailable();
        } else if (u != null && u.maxUnavailablePercentage() != null) {
            n = (int) Math.ceil(pool.maxSize() * u.maxUnavailablePercentage() / 100.0);
        }
        return Math.max(1, Math.min(MAX_UNAVAILABLE_CAP, n));
    }

    /** "max(2 x 3 AZs, maxUnavailable 1)" for the report. */
    public static String explain(ClusterSpec.NodePool pool) {
        int azs = pool.availabilityZones() == null ? 0 : pool.availabilityZones();
        ClusterSpec.UpdateConfig u = pool.updateConfig();
        String unavailable = u != null && u.maxUnavailable() == null && u.maxUnavailablePercentage() != null
                ? "maxUnavailablePercentage " + u.maxUnavailablePercentage() + "% of " + pool.maxSize() + " = "
                + maxUnavailable(pool) : "maxUnavailable " + maxUnavailable(pool);
        return "max(2 x " + azs + " AZs, " + unavailable + ")";
    }
}
