package io.kubechores.desiredstate;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole validated desired-state repo at one revision.
 *
 * @param root     checked-out folder
 * @param revision commit id (or "working-tree" for a plain folder)
 */
public record DesiredState(
        Path root,
        String revision,
        Resource<FleetSpec> fleet,
        List<Resource<ClusterSpec>> clusters,
        List<Resource<DownscalePolicySpec>> downscalePolicies,
        List<Resource<RightsizePolicySpec>> rightsizePolicies,
        List<Resource<QuotaPolicySpec>> quotaPolicies,
        List<Resource<CertificatePolicySpec>> certificatePolicies,
        List<Resource<ToolSpec>> tools) {

    public DesiredState {
        clusters = List.copyOf(clusters);
        downscalePolicies = List.copyOf(downscalePolicies);
        rightsizePolicies = List.copyOf(rightsizePolicies);
        quotaPolicies = List.copyOf(quotaPolicies);
        certificatePolicies = List.copyOf(certificatePolicies);
        tools = List.copyOf(tools);
    }

    public FleetSpec fleetSpec() {
        return fleet.spec();
    }

    public Optional<Resource<ClusterSpec>> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<Resource<ClusterSpec>> clustersMatching(ClusterSelector selector) {
        return clusters.stream().filter(selector::matches).toList();
    }

    /** Same state restricted to the named clusters (the CLI's --cluster filter); empty = all. */
    public DesiredState onlyClusters(java.util.Collection<String> names) {
        return names == null || names.isEmpty() ? this : withExactlyClusters(names);
    }

    /** Same state with exactly the named clusters (none when names is empty): a shard of a run. */
    public DesiredState withExactlyClusters(java.util.Collection<String> names) {
        return new DesiredState(root, revision, fleet,
                clusters.stream().filter(c -> names.contains(c.name())).toList(),
                downscalePolicies, rightsizePolicies, quotaPolicies, certificatePolicies, tools);
    }
}
