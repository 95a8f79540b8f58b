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
 *   <li>Derived (deriveFromNodePools): for every node pool of a Cluster in scope, (maxSize + upgrade surge) × vCPUs
 *   of its largest instance type, or a Karpenter pool's limits.cpu, per vCPU quota class of its types (standard,
 *   G/VT, P, Inf, X, F, HPC, ...) and capacity type (on-demand or spot quota code; both for a pool allowing both),
 *   summed per account/region (see derivePool).</li>
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
        final List<QuotaNeed.NodeStep> steps = new ArrayList<>();

        BigDecimal need() {
            return explicit == null ? derived : derived.max(explicit);
        }
    }

    public static Model build(DesiredState state, InstanceTypes types) {
        return build(state, types, Map.of(), List.of());
    }

    /**
     * @param clusterPools node pools read from the clusters (cluster name → Karpenter NodePools): added to the repo's,
     *                     replacing a repo pool of the same name
     * @param notes        warnings of reading them, reported with the model's
     */
    public static Model build(DesiredState state, InstanceTypes types, Map<String, List<ClusterSpec.NodePool>> clusterPools,
                              List<String> notes) {
        Map<QuotaKey, QuotaNeed> merged = new TreeMap<>();
        Set<String> warnings = new LinkedHashSet<>(notes);
        types = types.withOverrides(overrides(state));
        int maxRequests = Integer.MAX_VALUE;
        for (Resource<QuotaPolicySpec> policy : state.quotaPolicies()) {
            QuotaPolicySpec spec = policy.spec();
            maxRequests = Math.min(maxRequests, spec.maxRequestsPerRun());
            Set<String> scope = scope(spec, state.clusters());
            Map<QuotaKey, Acc> acc = new LinkedHashMap<>();
            if (spec.deriveFromNodePools()) {
                derive(state.clusters(), spec.karpenterFromClusters() ? clusterPools : Map.of(), scope, types, acc,
                        warnings);
            }
            explicit(policy, scope, acc);
            for (Map.Entry<QuotaKey, Acc> e : acc.entrySet()) {
                QuotaNeed n = new QuotaNeed(e.getKey(), e.getValue().description, e.getValue().need(),
                        spec.headroomPercent(), spec.maxIncreaseFactor(), List.of(policy.name()), e.getValue().sources,
                        spec.reaskAfterDays(), spec.escalatePendingAfterDays(), e.getValue().steps);
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
                earliest(a.escalatePendingAfterDays(), b.escalatePendingAfterDays()),
                java.util.stream.Stream.concat(a.nodeSteps().stream(), b.nodeSteps().stream()).distinct().toList());
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

    private static void derive(List<Resource<ClusterSpec>> clusters, Map<String, List<ClusterSpec.NodePool>> read,
                               Set<String> scope, InstanceTypes types, Map<QuotaKey, Acc> acc, Set<String> warnings) {
        for (Resource<ClusterSpec> c : clusters) {
            ClusterSpec.AwsPlacement aws = c.spec().aws();
            if (aws == null || !scope.contains(QuotaKey.partition(aws.accountId(), aws.region()))) continue;
            List<ClusterSpec.NodePool> fromCluster = read.getOrDefault(c.name(), List.of());
            Set<String> names = new java.util.HashSet<>();
            fromCluster.forEach(p -> names.add(p.name()));
            for (ClusterSpec.NodePool pool : c.spec().nodePools()) {
                if (!names.contains(pool.name())) derivePool(c.name(), aws, pool, types, acc, warnings);
            }
            for (ClusterSpec.NodePool pool : fromCluster) derivePool(c.name(), aws, pool, types, acc, warnings);
        }
    }

    /** Clusters whose Karpenter NodePools a policy asks to read (deriveFromNodePools + karpenterFromClusters). */
    public static List<Resource<ClusterSpec>> clustersToRead(DesiredState state) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Resource<QuotaPolicySpec> policy : state.quotaPolicies()) {
            if (!policy.spec().deriveFromNodePools() || !policy.spec().karpenterFromClusters()) continue;
            Set<String> scope = scope(policy.spec(), state.clusters());
            for (Resource<ClusterSpec> c : state.clusters()) {
                ClusterSpec.AwsPlacement aws = c.spec().aws();
                if (aws != null && scope.contains(QuotaKey.partition(aws.accountId(), aws.region()))) names.add(c.name());
            }
        }
        return state.clusters().stream().filter(c -> names.contains(c.name())).toList();
    }

    /**
     * One node pool's need, per vCPU quota class of the types it may launch and per capacity type it allows:
     * <ul>
     *   <li>node group: (maxSize + upgrade surge) x vCPUs of its largest type in that class ({@link UpgradeSurge});</li>
     *   <li>Karpenter pool (cpuLimit): spec.limits.cpu in every class it may launch — Karpenter stops launching once
     *   the pool's nodes reach the limit, so the limit is the most the pool can hold (Karpenter docs, NodePools,
     *   spec.limits); entries may be types, families (m6i) or categories (c) since requirements use all three;</li>
     *   <li>capacity types: a pool allowing both spot and on-demand counts its whole need in both quotas — Karpenter
     *   prefers spot and falls back to on-demand when spot capacity is short (Karpenter docs, NodePools,
     *   karpenter.sh/capacity-type), so either bucket may have to hold all of it.</li>
     * </ul>
     */
    private static void derivePool(String cluster, ClusterSpec.AwsPlacement aws, ClusterSpec.NodePool pool,
                                   InstanceTypes types, Map<QuotaKey, Acc> acc, Set<String> warnings) {
        String region = aws.region();
        String label = cluster + "/" + pool.name();
        boolean karpenter = pool.cpuLimit() != null;
        // the largest type per quota class: the pool may scale out entirely on it ("" = a class known only by a
        // Karpenter family/category, without vCPUs)
        Map<InstanceTypes.QuotaClass, String> largest = new LinkedHashMap<>();
        for (String type : pool.instanceTypes()) {
            boolean isType = type.contains(".");
            var vcpus = isType ? types.vcpus(region, type) : java.util.Optional.<Integer>empty();
            var cls = types.quotaClass(type);
            if (isType && vcpus.isEmpty() && !karpenter) {
                warnings.add("cluster " + cluster + " node pool " + pool.name() + ": instance type " + type
                        + " is unknown to EC2 DescribeInstanceTypes" + (types.liveRegions().contains(region)
                        ? " in " + region : " (not read)") + ", the shipped table ("
                        + InstanceTypes.TYPES_RESOURCE + ") and QuotaPolicy spec.instanceTypes: its vCPU quota"
                        + " is not derived");
                continue;
            }
            if (cls.isEmpty()) {
                warnings.add("cluster " + cluster + " node pool " + pool.name() + ": instance type " + type
                        + " belongs to no vCPU quota class (" + InstanceTypes.CLASSES_RESOURCE
                        + "): its vCPU quota is not derived");
                continue;
            }
            if (isType && types.notOffered(region, type)) {
                warnings.add("cluster " + cluster + " node pool " + pool.name() + ": instance type " + type
                        + " is not offered in " + region + " (EC2 DescribeInstanceTypes); derived from "
                        + types.source(null, type));
            }
            String t = vcpus.isPresent() ? type : "";
            largest.merge(cls.get(), t, (x, y) -> vcpusOr0(types, region, y) > vcpusOr0(types, region, x) ? y : x);
        }
        if (karpenter && pool.instanceTypes().isEmpty()) {
            types.classes().stream().filter(k -> k.name().equals("standard")).findFirst()
                    .ifPresent(k -> largest.put(k, ""));
            warnings.add("cluster " + cluster + " Karpenter pool " + pool.name() + " names no instance type, family"
                    + " or category: its limits.cpu is counted against the Standard vCPU quotas only");
        }
        List<String> capacity = pool.effectiveCapacityTypes().stream().distinct().toList();
        boolean both = capacity.contains("spot") && capacity.contains("on-demand");
        int surge = UpgradeSurge.nodes(pool);
        if (!karpenter && pool.updateConfig() != null && pool.availabilityZones() == null) {
            warnings.add("cluster " + cluster + " node pool " + pool.name() + ": updateConfig without availabilityZones:"
                    + " the upgrade surge counts maxUnavailable only (EKS may add up to 2 nodes per zone)");
        }
        for (Map.Entry<InstanceTypes.QuotaClass, String> e : largest.entrySet()) {
            InstanceTypes.QuotaClass cls = e.getKey();
            for (String capacityType : capacity) {
                boolean spot = "spot".equalsIgnoreCase(capacityType);
                if (cls.code(spot).isEmpty()) {
                    warnings.add("cluster " + cluster + " node pool " + pool.name() + ": " + cls.name()
                            + " instances have no " + (spot ? "spot" : "on-demand") + " vCPU quota to derive");
                    continue;
                }
                String type = e.getValue();
                int vcpus = vcpusOr0(types, region, type);
                long total;
                String source;
                if (karpenter) {
                    total = pool.cpuLimit();
                    source = label + ": Karpenter limits.cpu " + total + " (" + cls.name() + ")";
                } else {
                    total = (long) (pool.maxSize() + surge) * vcpus;
                    source = surge == 0
                            ? label + ": " + pool.maxSize() + " x " + type + " (" + vcpus + " vCPU) = " + total
                            : label + ": (" + pool.maxSize() + " + " + surge + " upgrade surge "
                            + UpgradeSurge.explain(pool) + ") x " + type + " (" + vcpus + " vCPU) = " + total;
                }
                if (both) source += " — spot with on-demand fallback: counted in both";
                QuotaKey key = new QuotaKey(aws.accountId(), region, EC2, cls.code(spot).get());
                Acc a = acc.computeIfAbsent(key, k -> new Acc());
                a.derived = a.derived.add(BigDecimal.valueOf(total));
                if (a.description == null) a.description = cls.quotaName(spot);
                a.sources.add(source);
                if (vcpus > 0) a.steps.add(new QuotaNeed.NodeStep(label, type, vcpus));
            }
        }
    }

    private static int vcpusOr0(InstanceTypes types, String region, String type) {
        return type == null || type.isEmpty() ? 0 : types.vcpus(region, type).orElse(0);
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
