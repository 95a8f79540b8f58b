package io.kubechores.platform.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quotas job's only cluster read: Karpenter NodePools (karpenter.sh/v1, cluster-scoped, read as generic resources:
 * no Karpenter model needed). Returns plain records: the pool's spec.limits.cpu and its requirements on capacity type
 * and instance type/family/category (Karpenter docs, "NodePools": spec.limits, spec.template.spec.requirements with
 * the well-known labels karpenter.sh/capacity-type, node.kubernetes.io/instance-type,
 * karpenter.k8s.aws/instance-family, karpenter.k8s.aws/instance-category).
 */
public final class QuotasKube {
    public static final ResourceDefinitionContext NODE_POOLS = new ResourceDefinitionContext.Builder()
            .withGroup("karpenter.sh").withVersion("v1").withKind("NodePool").withPlural("nodepools")
            .withNamespaced(false).build();

    private final KubernetesClient client;

    public QuotasKube(KubernetesClient client) {
        this.client = client;
    }

    /** One requirement of a NodePool's template (key, operator In/NotIn/Exists/DoesNotExist/Gt/Lt, values). */
    public record Requirement(String key, String operator, List<String> values) {}

    /**
     * @param cpuLimit spec.limits.cpu in whole vCPUs (rounded up), null when the pool has no CPU limit
     */
    public record KarpenterNodePool(String name, Integer cpuLimit, List<Requirement> requirements) {}

    /** Every NodePool of the cluster; a cluster without the Karpenter CRD answers an empty list. */
    public List<KarpenterNodePool> karpenterNodePools() {
        List<KarpenterNodePool> out = new ArrayList<>();
        List<GenericKubernetesResource> items;
        try {
            items = client.genericKubernetesResources(NODE_POOLS).list().getItems();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 404) return out; // no Karpenter (CRD not installed)
            throw e;
        }
        for (GenericKubernetesResource r : items) {
            Map<String, Object> spec = map(r.getAdditionalProperties().get("spec"));
            Integer cpu = null;
            Object c = map(spec.get("limits")).get("cpu");
            if (c != null) {
                BigDecimal cores = Quantity.parse(String.valueOf(c)).getNumericalAmount();
                cpu = cores.setScale(0, RoundingMode.CEILING).intValueExact();
            }
            List<Requirement> reqs = new ArrayList<>();
            Object rs = map(map(spec.get("template")).get("spec")).get("requirements");
            if (rs instanceof List<?> l) {
                for (Object o : l) {
                    Map<String, Object> m = map(o);
                    List<String> values = m.get("values") instanceof List<?> v
                            ? v.stream().map(String::valueOf).toList() : List.of();
                    reqs.add(new Requirement(String.valueOf(m.get("key")), String.valueOf(m.get("operator")), values));
                }
            }
            out.add(new KarpenterNodePool(r.getMetadata().getName(), cpu, reqs));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
