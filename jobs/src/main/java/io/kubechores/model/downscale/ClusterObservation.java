package io.kubechores.model.downscale;

import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.NamespaceInfo;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one cluster looks like right now (one LIST per kind).
 *
 * @param namespaces   by name
 * @param workloads    every object of the listed kinds
 * @param missingKinds kinds whose API is not served (e.g. no Argo Rollouts CRD): skipped, not an error
 * @param gitOpsOwners Flux Kustomizations / HelmReleases and Argo CD Applications (empty where not installed)
 */
public record ClusterObservation(Map<String, NamespaceInfo> namespaces, List<Workload> workloads,
                                 Set<WorkloadKind> missingKinds, List<GitOpsOwner> gitOpsOwners) {
    public ClusterObservation {
        namespaces = Map.copyOf(namespaces);
        workloads = List.copyOf(workloads);
        missingKinds = Set.copyOf(missingKinds);
        gitOpsOwners = gitOpsOwners == null ? List.of() : List.copyOf(gitOpsOwners);
    }

    public ClusterObservation(Map<String, NamespaceInfo> namespaces, List<Workload> workloads,
                              Set<WorkloadKind> missingKinds) {
        this(namespaces, workloads, missingKinds, List.of());
    }
}
