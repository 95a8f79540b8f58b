package io.kubechores.desiredstate;

import java.util.List;
import java.util.Map;

/**
 * Which clusters a policy applies to. Empty selector = every cluster. Criteria are ANDed; list entries are ORed.
 *
 * @param names        cluster names (metadata.name)
 * @param environments environments from the Fleet order (e.g. staging)
 * @param labels       labels every selected Cluster must carry
 */
public record ClusterSelector(List<String> names, List<String> environments, Map<String, String> labels) {
    public static final ClusterSelector ALL = new ClusterSelector(List.of(), List.of(), Map.of());

    public ClusterSelector {
        names = names == null ? List.of() : List.copyOf(names);
        environments = environments == null ? List.of() : List.copyOf(environments);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public boolean matches(Resource<ClusterSpec> cluster) {
        if (!names.isEmpty() && !names.contains(cluster.name())) return false;
        if (!environments.isEmpty() && !environments.contains(cluster.spec().environment())) return false;
        return cluster.metadata().labels().entrySet().containsAll(labels.entrySet());
    }
}
