package io.kubechores.quotas;

import io.kubechores.core.ChoreContext;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.kube.QuotasKube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Karpenter NodePools of the Clusters a QuotaPolicy asks to read (karpenterFromClusters), once per run. A cluster
 * that cannot be read keeps its repo node pools and gives a warning; it never fails the run.
 */
final class ClusterNodePools {
    private ClusterNodePools() {}

    static Map<String, List<ClusterSpec.NodePool>> read(ChoreContext ctx, List<String> warnings) {
        Map<String, List<ClusterSpec.NodePool>> out = new LinkedHashMap<>();
        List<Resource<ClusterSpec>> clusters = CapacityModel.clustersToRead(ctx.state());
        if (clusters.isEmpty()) return out;
        if (ctx.platform() == null || ctx.platform().kube() == null) {
            warnings.add("Karpenter NodePools not read (no cluster access in this run): the repo's node pools count");
            return out;
        }
        for (Resource<ClusterSpec> c : clusters) {
            try {
                List<ClusterSpec.NodePool> pools = new ArrayList<>();
                for (QuotasKube.KarpenterNodePool p : new QuotasKube(ctx.platform().kube().client(c)).karpenterNodePools()) {
                    ClusterSpec.NodePool n = KarpenterNodePools.toNodePool(c.name(), p, warnings);
                    if (n != null) pools.add(n);
                }
                out.put(c.name(), pools);
            } catch (RuntimeException e) {
                warnings.add("cluster " + c.name() + ": Karpenter NodePools could not be read ("
                        + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst()
                        .orElse("") + "): its repo node pools count");
            }
        }
        return out;
    }
}
