package io.kubechores.quotas;

import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The capacity model (pure): what every QuotaPolicy wants, per account/region and quota code.
 * <ul>
 *   <li>Derived (deriveFromNodePools): for every node pool of a Cluster in scope, maxSize × vCPUs of its largest
 *   instance type, per vCPU quota class of that type (standard, G/VT, P, Inf, X, F, ...) and lifecycle (on-demand
 *   or spot quota code), summed per account/region.</li>
 *   <li>Explicit: quotas[].value, for every account/region in scope matching the entry's accountId/region.</li>
 *   <li>Both for the same quota: the larger need counts. Then headroom % is added (rounded up).</li>
 *   <li>Several policies for the same quota: the largest wanted value wins; the smallest maxIncreaseFactor, the
 *   smallest maxRequestsPerRun and the most cautious reaskAfterDays (unset = never, else the longest) apply.</li>
 * </ul>
 * Scope: the policy's accounts (regions listed, or every region that account's Clusters run in); no accounts =
 * every account/region of the Clusters.
 */
public final class CapacityModel {
    public static final String EC2 = "ec2";

    private CapacityModel() {}

    /**
     * @param needs             every quota wanted, sorted by target
     * @param warnings          things that make the derivation incomplete (unknown instance types, no spot quota)
     * @param maxRequestsPerRun the smallest maxRequestsPerRun of the policies (Integer.MAX_VALUE without policies)
     */
    public record Model(Map<QuotaKey, QuotaNeed> needs, List<String> warnings, int maxRequestsPerRun) {
        public Model {
            needs = java.util.Collections.unmodifiableMap(new TreeMap<>(needs));
            warnings = List.copyOf(warnings);
        }

        /** Partitions (account/region), sorted. */
        public List<String> partitions() {
            return needs.keySet().stream().map(QuotaKey::partition).distinct().sorted().toList();
        }

        public List<QuotaNeed> needsOf(String partition) {
            return needs.values().stream().filter(n -> n.key().partition().equals(partition)).toList();
        }
    }

    private static final class Acc {
        BigDecimal derived = BigDecimal.ZERO;
        BigDecimal explicit;
        String description;
        final List<String> sources = new ArrayList<>();

        BigDecimal need() {
            return explicit == null ? derived : derived.max(explicit);
        }
    }

    public static Model build(DesiredState state, InstanceTypes types) {
        Map<QuotaKey, QuotaNeed> merged = new TreeMap<>();
        Set<String> warnings = new LinkedHashSet<>();
        types = types.withOverrides(overrides(state));
        int maxRequests = Integer.MAX_VALUE;
        for (Resource<QuotaPolicySpec> policy : state.quotaPolicies()) {
            QuotaPolicySpec spec = policy.spec();
            maxRequests = Math.min(maxRequests, spec.maxRequestsPerRun());
            Set<String> scope = scope(spec, state.clusters());
            Map<QuotaKey, Acc> acc = new LinkedHashMap<>();
            if (spec.deriveFromNodePools()) derive(state.clusters(), scope, types, acc, warnings);
            explicit(policy, scope, acc);
            for (Map.Entry<QuotaKey, Acc> e : acc.entrySet()) {
                QuotaNeed n = new QuotaNeed(e.getKey(), e.getValue().description, e.getValue().need(),
                        spec.headroomPercent(), spec.maxIncreaseFactor(), List.of(policy.name()), e.getValue().sources,
                        spec.reaskAfterDays(), spec.escalatePendingAfterDays());
                merged.merge(e.getKey(), n, CapacityModel::merge);
            }
        }
        return new Model(merged, new ArrayList<>(warnings), maxRequests);
    }

    /** The repo's instance types (every QuotaPolicy's spec.instanceTypes; QuotasRules rejects conflicting values). */
    static Map<String, Integer> overrides(DesiredState state) {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (Resource<QuotaPolicySpec> p : state.quotaPolicies()) {
            for (QuotaPolicySpec.InstanceType t : p.spec().instanceTypes()) out.merge(t.name(), t.vcpus(), Math::max);
        }
        return out;
    }

    /** Regions whose instance types the model needs (Clusters with node pools in scope of a deriving policy). */
    public static Map<String, String> regionsToRead(DesiredState state) {
        Map<String, String> regionToAccount = new TreeMap<>();
        for (Resource<QuotaPolicySpec> policy : state.quotaPolicies()) {
            if (!policy.spec().deriveFromNodePools()) continue;
            Set<String> scope = scope(policy.spec(), state.clusters());
            for (Resource<ClusterSpec> c : state.clusters()) {
                ClusterSpec.AwsPlacement aws = c.spec().aws();
                if (aws == null || c.spec().nodePools().isEmpty()
                        || !scope.contains(QuotaKey.partition(aws.accountId(), aws.region()))) continue;
                regionToAccount.putIfAbsent(aws.region(), aws.accountId());
            }
        }
        return regionToAccount;
    }

    private static QuotaNeed merge(QuotaNeed a, QuotaNeed b) {
        QuotaNeed top = b.wanted() > a.wanted() ? b : a;
        List<String> policies = new ArrayList<>(a.policies());
        b.policies().stream().filter(p -> !policies.contains(p)).forEach(policies::add);
        List<String> sources = new ArrayList<>(a.sources());
        b.sources().stream().filter(s -> !sources.contains(s)).forEach(sources::add);
        return new QuotaNeed(top.key(), top.description() != null ? top.description()
                : (a.description() != null ? a.description() : b.description()), top.need(), top.headroomPercent(),
                Math.min(a.maxIncreaseFactor(), b.maxIncreaseFactor()), policies, sources,
                reask(a.reaskAfterDays(), b.reaskAfterDays()),
                earliest(a.escalatePendingAfterDays(), b.escalatePendingAfterDays()));
    }

    /** Several policies: the earliest escalation wins (unset counts as never). */
    static Integer earliest(Integer a, Integer b) {
        if (a == null) return b;
        if (b == null) return a;
        return Math.min(a, b);
    }

    /** Several policies: the most cautious re-ask wins (never, else the longest cool-down). */
    static Integer reask(Integer a, Integer b) {
        if (a == null || b == null) return null;
        return Math.max(a, b);
    }

    /** account/region pairs a policy covers. */
    static Set<String> scope(QuotaPolicySpec spec, List<Resource<ClusterSpec>> clusters) {
        Set<String> out = new TreeSet<>();
        if (spec.accounts().isEmpty()) {
            for (Resource<ClusterSpec> c : clusters) {
                if (c.spec().aws() != null) out.add(QuotaKey.partition(c.spec().aws().accountId(), c.spec().aws().region()));
            }
            return out;
        }
        for (QuotaPolicySpec.AccountScope s : spec.accounts()) {
            if (!s.regions().isEmpty()) {
                s.regions().forEach(r -> out.add(QuotaKey.partition(s.accountId(), r)));
            } else {
                for (Resource<ClusterSpec> c : clusters) {
                    if (c.spec().aws() != null && s.accountId().equals(c.spec().aws().accountId())) {
                        out.add(QuotaKey.partition(s.accountId(), c.spec().aws().region()));
                    }
                }
            }
        }
        return out;
    }

    private static void derive(List<Resource<ClusterSpec>> clusters, Set<String> scope, InstanceTypes types,
                               Map<QuotaKey, Acc> acc, Set<String> warnings) {
        for (Resource<ClusterSpec> c : clusters) {
            ClusterSpec.AwsPlacement aws = c.spec().aws();
            if (aws == null || !scope.contains(QuotaKey.partition(aws.accountId(), aws.region()))) continue;
            for (ClusterSpec.NodePool pool : c.spec().nodePools()) {
                boolean spot = "spot".equalsIgnoreCase(pool.lifecycle());
                // the largest type per quota class: the pool may scale out entirely on it
                Map<InstanceTypes.QuotaClass, String> largest = new LinkedHashMap<>();
                String region = aws.region();
                for (String type : pool.instanceTypes()) {
                    var vcpus = types.vcpus(region, type);
                    var cls = types.quotaClass(type);
                    if (vcpus.isEmpty()) {
                        warnings.add("cluster " + c.name() + " node pool " + pool.name() + ": instance type " + type
                                + " is unknown to EC2 DescribeInstanceTypes" + (types.liveRegions().contains(region)
                                ? " in " + region : " (not read)") + ", the shipped table ("
                                + InstanceTypes.TYPES_RESOURCE + ") and QuotaPolicy spec.instanceTypes: its vCPU quota"
                                + " is not derived");
                        continue;
                    }
                    if (cls.isEmpty()) {
                        warnings.add("cluster " + c.name() + " node pool " + pool.name() + ": instance type " + type
                                + " belongs to no vCPU quota class (" + InstanceTypes.CLASSES_RESOURCE
                                + "): its vCPU quota is not derived");
                        continue;
                    }
                    if (types.notOffered(region, type)) {
                        warnings.add("cluster " + c.name() + " node pool " + pool.name() + ": instance type " + type
                                + " is not offered in " + region + " (EC2 DescribeInstanceTypes); derived from "
                                + types.source(null, type));
                    }
                    largest.merge(cls.get(), type,
                            (x, y) -> types.vcpus(region, y).get() > types.vcpus(region, x).get() ? y : x);
                }
                for (Map.Entry<InstanceTypes.QuotaClass, String> e : largest.entrySet()) {
                    InstanceTypes.QuotaClass cls = e.getKey();
                    if (cls.code(spot).isEmpty()) {
                        warnings.add("cluster " + c.name() + " node pool " + pool.name() + ": " + cls.name()
                                + " instances have no " + (spot ? "spot" : "on-demand") + " vCPU quota to derive");
                        continue;
                    }
                    int vcpus = types.vcpus(aws.region(), e.getValue()).get();
                    long total = (long) pool.maxSize() * vcpus;
                    QuotaKey key = new QuotaKey(aws.accountId(), aws.region(), EC2, cls.code(spot).get());
                    Acc a = acc.computeIfAbsent(key, k -> new Acc());
                    a.derived = a.derived.add(BigDecimal.valueOf(total));
                    if (a.description == null) a.description = cls.quotaName(spot);
                    a.sources.add(c.name() + "/" + pool.name() + ": " + pool.maxSize() + " x " + e.getValue()
                            + " (" + vcpus + " vCPU) = " + total);
                }
            }
        }
    }

    private static void explicit(Resource<QuotaPolicySpec> policy, Set<String> scope, Map<QuotaKey, Acc> acc) {
        for (QuotaPolicySpec.Quota q : policy.spec().quotas()) {
            Set<String> partitions = new TreeSet<>();
            for (String p : scope) {
                String[] ar = p.split("/", 2);
                if ((q.accountId() == null || q.accountId().equals(ar[0]))
                        && (q.region() == null || q.region().equals(ar[1]))) {
                    partitions.add(p);
                }
            }
            if (q.accountId() != null && q.region() != null) partitions.add(QuotaKey.partition(q.accountId(), q.region()));
            for (String p : partitions) {
                String[] ar = p.split("/", 2);
                QuotaKey key = new QuotaKey(ar[0], ar[1], q.serviceCode(), q.quotaCode());
                Acc a = acc.computeIfAbsent(key, k -> new Acc());
                BigDecimal v = BigDecimal.valueOf(q.value());
                a.explicit = a.explicit == null ? v : a.explicit.max(v);
                if (q.description() != null) a.description = q.description();
                a.sources.add("QuotaPolicy " + policy.name() + ": " + strip(v));
            }
        }
    }

    static String strip(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }
}
