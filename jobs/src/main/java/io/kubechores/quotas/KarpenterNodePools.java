package io.kubechores.quotas;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.platform.kube.QuotasKube;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Karpenter NodePool read from a cluster as a node pool of the capacity model (pure):
 * <ul>
 *   <li>need: spec.limits.cpu (a pool without a CPU limit can grow without bound: not derived, warned);</li>
 *   <li>capacity types: karpenter.sh/capacity-type In [...] (NotIn removes values); without the requirement the pool
 *   may launch either — Karpenter docs, NodePools: "If a requirement is not defined for a well known label, any value
 *   available to the cloud provider may be chosen", and Karpenter's NodeClaimTemplate.ToNodeClaim takes the capacity
 *   types of the compatible offerings (kubernetes-sigs/karpenter, pkg/controllers/provisioning/scheduling/
 *   nodeclaimtemplate.go): so both quotas count it, like an explicit [spot, on-demand];</li>
 *   <li>what it may launch, the most specific requirement In [...] that is present: node.kubernetes.io/instance-type,
 *   else karpenter.k8s.aws/instance-family, else karpenter.k8s.aws/instance-category (each maps to its vCPU quota
 *   class by prefix); none = unrestricted, counted as Standard with a warning.</li>
 * </ul>
 */
final class KarpenterNodePools {
    static final String CAPACITY_TYPE = "karpenter.sh/capacity-type";
    static final List<String> INSTANCE_KEYS = List.of("node.kubernetes.io/instance-type",
            "karpenter.k8s.aws/instance-family", "karpenter.k8s.aws/instance-category");

    private KarpenterNodePools() {}

    /** The node pool, or null (with a warning) when it cannot be derived. */
    static ClusterSpec.NodePool toNodePool(String cluster, QuotasKube.KarpenterNodePool p, List<String> warnings) {
        if (p.cpuLimit() == null) {
            warnings.add("cluster " + cluster + " Karpenter NodePool " + p.name() + " has no spec.limits.cpu: it can"
                    + " grow without bound, its vCPU quota is not derived (set a limit, or a node pool in the repo)");
            return null;
        }
        Set<String> capacity = new LinkedHashSet<>(List.of("spot", "on-demand"));
        for (QuotasKube.Requirement r : p.requirements()) {
            if (!r.key().equals(CAPACITY_TYPE)) continue;
            if (r.operator().equals("In")) capacity = new LinkedHashSet<>(r.values());
            else if (r.operator().equals("NotIn")) {
                capacity = new LinkedHashSet<>(List.of("on-demand", "spot"));
                r.values().forEach(capacity::remove);
            }
        }
        capacity.retainAll(Set.of("on-demand", "spot"));
        if (capacity.isEmpty()) {
            warnings.add("cluster " + cluster + " Karpenter NodePool " + p.name() + " allows neither on-demand nor spot"
                    + " (capacity types " + p.requirements() + "): not derived");
            return null;
        }
        List<String> launches = List.of();
        for (String key : INSTANCE_KEYS) {
            List<String> in = p.requirements().stream().filter(r -> r.key().equals(key) && r.operator().equals("In"))
                    .flatMap(r -> r.values().stream()).distinct().toList();
            if (!in.isEmpty()) {
                launches = in;
                break;
            }
        }
        return new ClusterSpec.NodePool(p.name(), new ArrayList<>(launches), null, 0, 0, new ArrayList<>(capacity),
                p.cpuLimit(), null, null);
    }
}
