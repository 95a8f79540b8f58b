package io.kubechores.quotas;

import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.Problem;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks of QuotaPolicy documents, run before any job:
 * <ul>
 *   <li>an explicit quota that matches no account/region of the policy's scope would never be requested;</li>
 *   <li>the same quota listed twice for the same account/region with different values is ambiguous;</li>
 *   <li>deriveFromNodePools with no Cluster in scope that has an AWS placement derives nothing;</li>
 *   <li>the same instance type given different vCPUs in spec.instanceTypes (of any policy) is ambiguous.</li>
 * </ul>
 */
@Component
public class QuotasRules implements DesiredStateRule {

    @Override
    public void check(DesiredState state, List<Problem> problems) {
        Map<String, Integer> vcpusByType = new HashMap<>();
        Map<String, String> whereType = new HashMap<>();
        for (Resource<QuotaPolicySpec> policy : state.quotaPolicies()) {
            QuotaPolicySpec spec = policy.spec();
            List<QuotaPolicySpec.InstanceType> types = spec.instanceTypes();
            for (int i = 0; i < types.size(); i++) {
                QuotaPolicySpec.InstanceType t = types.get(i);
                Integer before = vcpusByType.putIfAbsent(t.name(), t.vcpus());
                if (before == null) {
                    whereType.put(t.name(), policy.name() + " spec.instanceTypes[" + i + "]");
                } else if (before != t.vcpus()) {
                    problems.add(new Problem(policy.locationOf("/spec/instanceTypes/" + i + "/vcpus#value"),
                            "spec.instanceTypes[" + i + "].vcpus", "instance type " + t.name() + " already has "
                            + before + " vCPUs in QuotaPolicy " + whereType.get(t.name())));
                }
            }
            Set<String> scope = CapacityModel.scope(spec, state.clusters());
            if (spec.deriveFromNodePools() && scope.isEmpty()) {
                problems.add(new Problem(policy.locationOf("/spec/deriveFromNodePools#value"),
                        "spec.deriveFromNodePools", "no Cluster with spec.aws (account and region) is in this policy's"
                        + " scope: nothing can be derived"));
            }
            Map<String, Integer> seen = new HashMap<>();
            List<QuotaPolicySpec.Quota> quotas = spec.quotas();
            for (int i = 0; i < quotas.size(); i++) {
                QuotaPolicySpec.Quota q = quotas.get(i);
                boolean fullySpecified = q.accountId() != null && q.region() != null;
                boolean matches = fullySpecified || scope.stream().anyMatch(p -> {
                    String[] ar = p.split("/", 2);
                    return (q.accountId() == null || q.accountId().equals(ar[0]))
                            && (q.region() == null || q.region().equals(ar[1]));
                });
                if (fullySpecified && !spec.accounts().isEmpty()
                        && spec.accounts().stream().noneMatch(a -> a.accountId().equals(q.accountId()))) {
                    matches = false;
                }
                if (!matches) {
                    String field = q.accountId() != null ? "accountId" : q.region() != null ? "region" : "quotaCode";
                    problems.add(new Problem(policy.locationOf("/spec/quotas/" + i + "/" + field + "#value"),
                            "spec.quotas[" + i + "]." + field, "quota " + q.serviceCode() + "/" + q.quotaCode()
                            + " matches no account/region in this policy's scope " + scope + ": it would never be requested"));
                }
                String key = q.serviceCode() + "/" + q.quotaCode() + "@" + q.accountId() + "/" + q.region();
                Integer first = seen.putIfAbsent(key, i);
                if (first != null && quotas.get(first).value() != q.value()) {
                    problems.add(new Problem(policy.locationOf("/spec/quotas/" + i + "/value#value"),
                            "spec.quotas[" + i + "].value", "quota " + q.serviceCode() + "/" + q.quotaCode()
                            + " is already wanted with value " + CapacityModel.strip(java.math.BigDecimal.valueOf(
                            quotas.get(first).value())) + " in spec.quotas[" + first + "] for the same account/region"));
                }
            }
        }
    }
}
