package io.kubechores.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.NamespaceInfo;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import io.kubechores.desiredstate.ClusterSelector;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.NamespaceSelector;
import io.kubechores.desiredstate.Resource;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builders for planner tests (records only, no cluster). */
final class PlannerFixtures {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");

    private PlannerFixtures() {}

    static Resource<ClusterSpec> cluster(String name, String env) {
        return Resource.of(Kind.CLUSTER, name, new ClusterSpec(env, null, null, null, null));
    }

    static Resource<DownscalePolicySpec> officeHours(int budget) {
        return policy("staging-office-hours", "Mon-Fri 07:30-20:30 Europe/Berlin", null, List.of(), budget,
                List.of(new DownscalePolicySpec.WorkloadRef("payments", "StatefulSet", "ledger-db")));
    }

    static Resource<DownscalePolicySpec> policy(String name, String uptime, String downtime, List<LocalDate> holidays,
                                                int budget, List<DownscalePolicySpec.WorkloadRef> exclusions) {
        return policy(name, uptime, downtime, holidays, budget, exclusions, 0);
    }

    static Resource<DownscalePolicySpec> policy(String name, String uptime, String downtime, List<LocalDate> holidays,
                                                int budget, List<DownscalePolicySpec.WorkloadRef> exclusions,
                                                int downtimeReplicas) {
        return Resource.of(Kind.DOWNSCALE_POLICY, name, new DownscalePolicySpec(
                new ClusterSelector(List.of(), List.of("staging"), Map.of()),
                new NamespaceSelector(List.of(), List.of("monitoring")),
                uptime, downtime, holidays, downtimeReplicas, "15m", List.of(), exclusions,
                new DownscalePolicySpec.Upscale(budget)));
    }

    /** An HPA or ScaledObject whose spec.scaleTargetRef is target ("Kind/name"). */
    static Workload autoscaler(WorkloadKind kind, String ns, String name, int value, String annotations, String target) {
        return new Workload(kind, ns, name, ns + "-" + name + "-uid", "1", LONG_AGO, Map.of(), ann(annotations), value,
                0, 0, target);
    }

    static Workload deployment(String ns, String name, int replicas, String annotations) {
        return workload(WorkloadKind.DEPLOYMENT, ns, name, replicas, annotations, LONG_AGO);
    }

    static Workload workload(WorkloadKind kind, String ns, String name, int value, String annotations, Instant created) {
        return new Workload(kind, ns, name, ns + "-" + name + "-uid", "1", created, Map.of(), ann(annotations), value,
                0.5, 1024.0 * 1024 * 1024);
    }

    /** "a=b; c=d" → map (values may contain spaces and commas, not ';'). */
    static Map<String, String> ann(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return m;
        for (String part : spec.split(";")) {
            int eq = part.indexOf('=');
            m.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return m;
    }

    static DownscalePlan plan(List<Resource<DownscalePolicySpec>> policies, Map<String, String> nsAnnotations,
                              List<Workload> workloads, String at, List<LocalDate> fleetHolidays, int budgetUsed) {
        Map<String, NamespaceInfo> nss = new HashMap<>();
        for (Workload w : workloads) {
            nss.put(w.namespace(), new NamespaceInfo(w.namespace(),
                    w.namespace().equals("shop") ? nsAnnotations : Map.of()));
        }
        ClusterObservation obs = new ClusterObservation(nss, workloads, Set.of());
        DownscalePlanner.Input in = new DownscalePlanner.Input(cluster("staging-eu-1", "staging"), BERLIN,
                fleetHolidays, policies, Set.of("kube-system", "kubechores"), obs, budgetUsed);
        return DownscalePlanner.plan(in, Clock.fixed(OffsetDateTime.parse(at).toInstant(), ZoneOffset.UTC));
    }

    static DownscalePlan plan(List<Resource<DownscalePolicySpec>> policies, List<Workload> workloads, String at) {
        return plan(policies, Map.of(), workloads, at, List.of(), 0);
    }
}
