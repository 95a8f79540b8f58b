package io.kubechores.desiredstate;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Rules across documents: names, references, environments, selectors, time zones. */
final class CrossFileRules {
    private CrossFileRules() {}

    static void check(DesiredState s, List<Problem> problems) {
        FleetSpec fleet = s.fleetSpec();
        try {
            ZoneId.of(fleet.timeZone());
        } catch (DateTimeException e) {
            problems.add(new Problem(s.fleet().locationOf("/spec/timeZone#value"), "spec.timeZone",
                    "unknown time zone '" + fleet.timeZone() + "' (use an IANA name such as Europe/Berlin)"));
        }
        Set<String> envs = Set.copyOf(fleet.environments());

        duplicates(s.clusters(), problems);
        duplicates(s.downscalePolicies(), problems);
        duplicates(s.rightsizePolicies(), problems);
        duplicates(s.quotaPolicies(), problems);
        duplicates(s.certificatePolicies(), problems);
        duplicates(s.tools(), problems);

        for (Resource<ClusterSpec> c : s.clusters()) {
            if (!envs.contains(c.spec().environment())) {
                problems.add(new Problem(c.locationOf("/spec/environment#value"), "spec.environment",
                        "environment '" + c.spec().environment() + "' is not in the Fleet's environments "
                                + fleet.environments()));
            }
        }
        for (Resource<DownscalePolicySpec> p : s.downscalePolicies()) selector(s, p, p.spec().clusters(), problems);
        for (Resource<RightsizePolicySpec> p : s.rightsizePolicies()) selector(s, p, p.spec().clusters(), problems);
        for (Resource<CertificatePolicySpec> p : s.certificatePolicies()) selector(s, p, p.spec().clusters(), problems);
        for (Resource<ToolSpec> t : s.tools()) {
            for (String env : t.spec().versions().keySet()) {
                if (!envs.contains(env)) {
                    problems.add(new Problem(t.locationOf("/spec/versions/" + env), "spec.versions." + env,
                            "environment '" + env + "' is not in the Fleet's environments " + fleet.environments()));
                }
            }
        }
        Set<String> accounts = s.clusters().stream()
                .filter(c -> c.spec().aws() != null)
                .map(c -> c.spec().aws().accountId()).collect(Collectors.toSet());
        for (Resource<QuotaPolicySpec> q : s.quotaPolicies()) {
            List<QuotaPolicySpec.AccountScope> scopes = q.spec().accounts();
            for (int i = 0; i < scopes.size(); i++) {
                if (!accounts.contains(scopes.get(i).accountId())) {
                    problems.add(new Problem(q.locationOf("/spec/accounts/" + i + "/accountId#value"),
                            "spec.accounts[" + i + "].accountId",
                            "account " + scopes.get(i).accountId() + " is not the account of any Cluster"));
                }
            }
        }
    }

    private static void duplicates(List<? extends Resource<?>> resources, List<Problem> problems) {
        Map<String, Resource<?>> seen = new HashMap<>();
        for (Resource<?> r : resources) {
            Resource<?> first = seen.putIfAbsent(r.name(), r);
            if (first != null) {
                problems.add(new Problem(r.locationOf("/metadata/name#value"), "metadata.name",
                        "duplicate " + r.kind().kindName() + " name '" + r.name() + "' (first defined at "
                                + first.location() + ")"));
            }
        }
    }

    private static void selector(DesiredState s, Resource<?> policy, ClusterSelector sel, List<Problem> problems) {
        boolean dangling = false;
        for (int i = 0; i < sel.names().size(); i++) {
            String n = sel.names().get(i);
            if (s.cluster(n).isEmpty()) {
                dangling = true;
                problems.add(new Problem(policy.locationOf("/spec/clusters/names/" + i), "spec.clusters.names[" + i + "]",
                        "unknown cluster '" + n + "' (known: " + s.clusters().stream().map(Resource::name).toList() + ")"));
            }
        }
        for (int i = 0; i < sel.environments().size(); i++) {
            String e = sel.environments().get(i);
            if (!s.fleetSpec().environments().contains(e)) {
                dangling = true;
                problems.add(new Problem(policy.locationOf("/spec/clusters/environments/" + i),
                        "spec.clusters.environments[" + i + "]",
                        "environment '" + e + "' is not in the Fleet's environments " + s.fleetSpec().environments()));
            }
        }
        if (!dangling && s.clustersMatching(sel).isEmpty()) {
            problems.add(new Problem(policy.locationOf("/spec/clusters"), "spec.clusters",
                    "selector matches no cluster"));
        }
    }
}
