package io.kubechores.desiredstate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Rules across documents: duplicate names, references to clusters and environments, selectors that match nothing,
 * quota accounts that belong to no cluster. Documents that failed schema validation are not in the state; their names
 * (in {@code invalid}) are treated as existing, so one broken Cluster does not also make every policy naming it fail.
 */
final class CrossFileRules {
    /** Marker in the invalid-names set: some document of the kind could not be read at all (name unknown). */
    static final String UNREADABLE = "\u0000unreadable";

    private CrossFileRules() {}

    static void check(DesiredState s, List<Problem> problems) {
        Map<Kind, Set<String>> none = new HashMap<>();
        for (Kind k : Kind.values()) none.put(k, Set.of());
        check(s, none, problems);
    }

    /** @param s the state; its fleet is null when the Fleet document is missing or invalid */
    static void check(DesiredState s, Map<Kind, Set<String>> invalid, List<Problem> problems) {
        duplicates(s.clusters(), problems);
        duplicates(s.downscalePolicies(), problems);
        duplicates(s.rightsizePolicies(), problems);
        duplicates(s.quotaPolicies(), problems);
        duplicates(s.certificatePolicies(), problems);
        duplicates(s.tools(), problems);

        Set<String> invalidClusters = invalid.getOrDefault(Kind.CLUSTER, Set.of());
        List<String> envs = s.fleet() == null ? null : s.fleetSpec().environments();
        if (envs != null) {
            for (Resource<ClusterSpec> c : s.clusters()) {
                if (!envs.contains(c.spec().environment())) {
                    problems.add(new Problem(c.locationOf("/spec/environment#value"), "spec.environment",
                            notAnEnvironment(c.spec().environment(), envs)));
                }
            }
            for (Resource<ToolSpec> t : s.tools()) {
                for (String env : t.spec().versions().keySet()) {
                    if (!envs.contains(env)) {
                        String ptr = "/spec/versions/" + env.replace("~", "~0").replace("/", "~1");
                        problems.add(new Problem(t.locationOf(ptr), "spec.versions." + env, notAnEnvironment(env, envs)));
                    }
                }
            }
        }
        for (Resource<DownscalePolicySpec> p : s.downscalePolicies()) selector(s, envs, invalidClusters, p, p.spec().clusters(), problems);
        for (Resource<RightsizePolicySpec> p : s.rightsizePolicies()) selector(s, envs, invalidClusters, p, p.spec().clusters(), problems);
        for (Resource<CertificatePolicySpec> p : s.certificatePolicies()) selector(s, envs, invalidClusters, p, p.spec().clusters(), problems);

        if (invalidClusters.isEmpty()) {
            Set<String> accounts = s.clusters().stream()
                    .filter(c -> c.spec().aws() != null)
                    .map(c -> c.spec().aws().accountId()).collect(Collectors.toSet());
            String known = String.join(", ", accounts.stream().sorted().toList());
            for (Resource<QuotaPolicySpec> q : s.quotaPolicies()) {
                List<QuotaPolicySpec.AccountScope> scopes = q.spec().accounts();
                for (int i = 0; i < scopes.size(); i++) {
                    account(q, "/spec/accounts/" + i + "/accountId", scopes.get(i).accountId(), accounts, known, problems);
                }
                List<QuotaPolicySpec.Quota> quotas = q.spec().quotas();
                for (int i = 0; i < quotas.size(); i++) {
                    if (quotas.get(i).accountId() == null) continue;
                    account(q, "/spec/quotas/" + i + "/accountId", quotas.get(i).accountId(), accounts, known, problems);
                }
            }
        }
    }

    private static void account(Resource<?> policy, String pointer, String accountId, Set<String> accounts,
                                String known, List<Problem> problems) {
        if (!accounts.contains(accountId)) {
            problems.add(new Problem(policy.locationOf(pointer + "#value"), FieldLocations.fieldPath(pointer),
                    "account " + accountId + " is not the aws.accountId of any Cluster (known: " + known + ")"));
        }
    }

    private static String notAnEnvironment(String env, List<String> envs) {
        return "environment '" + env + "' is not in the Fleet's environments (" + String.join(", ", envs) + ")"
                + SchemaMessages.didYouMean(env, envs);
    }

    private static void duplicates(List<? extends Resource<?>> resources, List<Problem> problems) {
        Map<String, Resource<?>> seen = new HashMap<>();
        for (Resource<?> r : resources) {
            Resource<?> first = seen.putIfAbsent(r.name(), r);
            if (first != null) {
                problems.add(new Problem(r.locationOf("/metadata/name#value"), "metadata.name",
                        "duplicate " + r.kind().kindName() + " name '" + r.name() + "' (first defined at "
                                + first.locationOf("/metadata/name#value") + ")"));
            }
        }
    }

    private static void selector(DesiredState s, List<String> envs, Set<String> invalidClusters, Resource<?> policy,
                                 ClusterSelector sel, List<Problem> problems) {
        boolean dangling = false;
        List<String> known = s.clusters().stream().map(Resource::name).sorted().toList();
        for (int i = 0; i < sel.names().size(); i++) {
            String n = sel.names().get(i);
            if (s.cluster(n).isEmpty()) {
                dangling = true;
                if (invalidClusters.contains(n) || invalidClusters.contains(UNREADABLE)) continue;
                problems.add(new Problem(policy.locationOf("/spec/clusters/names/" + i + "#value"),
                        "spec.clusters.names[" + i + "]", "unknown cluster '" + n + "'"
                        + SchemaMessages.didYouMean(n, known) + " (known: " + String.join(", ", known) + ")"));
            }
        }
        if (envs != null) {
            for (int i = 0; i < sel.environments().size(); i++) {
                String e = sel.environments().get(i);
                if (!envs.contains(e)) {
                    dangling = true;
                    problems.add(new Problem(policy.locationOf("/spec/clusters/environments/" + i + "#value"),
                            "spec.clusters.environments[" + i + "]", notAnEnvironment(e, envs)));
                }
            }
        }
        if (!dangling && invalidClusters.isEmpty() && envs != null && s.clustersMatching(sel).isEmpty()) {
            problems.add(new Problem(policy.locationOf("/spec/clusters"), "spec.clusters",
                    "selector matches no cluster (" + describe(sel) + ")"));
        }
    }

    private static String describe(ClusterSelector sel) {
        StringBuilder sb = new StringBuilder();
        if (!sel.names().isEmpty()) sb.append("names ").append(String.join(", ", sel.names()));
        if (!sel.environments().isEmpty()) {
            sb.append(sb.isEmpty() ? "" : "; ").append("environments ").append(String.join(", ", sel.environments()));
        }
        if (!sel.labels().isEmpty()) {
            sb.append(sb.isEmpty() ? "" : "; ").append("labels ").append(sel.labels().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        return sb.append(" must all hold").toString();
    }
}
