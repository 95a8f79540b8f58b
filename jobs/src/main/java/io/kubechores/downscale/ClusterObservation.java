package io.kubechores.downscale;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one cluster looks like right now (one LIST per kind).
 *
 * @param namespaces   by name
 * @param workloads    every object of the listed kinds
 * @param missingKinds kinds whose API is not served (e.g. no Argo Rollouts CRD): skipped, not an error
 */
public record ClusterObservation(Map<String, NamespaceInfo> namespaces, List<Workload> workloads,
                                 Set<WorkloadKind> missingKinds) {
    public ClusterObservation {
        namespaces = Map.copyOf(namespaces);
        workloads = List.copyOf(workloads);
        missingKinds = Set.copyOf(missingKinds);
    }
}
