package io.kubechores.desiredstate;

import java.util.List;

/**
 * Right-sizing from VPA recommendations (rightsizing/*.yaml).
 *
 * @param clusters             clusters in scope
 * @param namespaces           namespaces in scope
 * @param basis                target | upperBound (which VPA field to start from)
 * @param rollup               max | percentile (how one workload is combined across clusters)
 * @param percentile           percentile for rollup=percentile (e.g. 90)
 * @param marginPercent        added on top of the rolled-up value
 * @param minChangePercent     changes smaller than this are skipped (default 15)
 * @param cpu                  floors/caps for CPU (millicores, e.g. "10m", "4")
 * @param memory               floors/caps for memory (e.g. "64Mi", "8Gi")
 * @param limits               keepRatio | memoryEqualsRequest | leave
 * @param touchCpuWithHpa      also change CPU where an HPA scales on CPU
 * @param grouping             namespace | team | app: one PR per group
 * @param teamLabel            label naming the team when grouping=team
 * @param sources              where manifests live in the repo and their shape
 * @param maxOpenPullRequests  cap on open right-sizing PRs
 * @param reopenThresholdPercent a PR closed by a human is reopened only when the recommendation moved more than this
 * @param labels               labels put on PRs
 * @param minObservationDays   a change waits until every VPA behind it has observed its workload this long
 *                             (default 7: the VPA recommender's confidence bounds take about 8 days to converge)
 * @param jvmMemory            leave | size: memory of containers with JVM heap flags (-Xmx, -XX:MaxRAMPercentage in
 *                             JAVA_OPTS/JAVA_TOOL_OPTIONS/JDK_JAVA_OPTIONS or the command line) is left to a human
 *                             (default leave) or sized, never below -Xmx
 */
public record RightsizePolicySpec(
        ClusterSelector clusters,
        NamespaceSelector namespaces,
        String basis,
        String rollup,
        Integer percentile,
        Integer marginPercent,
        Integer minChangePercent,
        Bounds cpu,
        Bounds memory,
        String limits,
        boolean touchCpuWithHpa,
        String grouping,
        String teamLabel,
        List<ManifestSource> sources,
        Integer maxOpenPullRequests,
        Integer reopenThresholdPercent,
        List<String> labels,
        Integer minObservationDays,
        String jvmMemory) {

    public RightsizePolicySpec(ClusterSelector clusters, NamespaceSelector namespaces, String basis, String rollup,
                               Integer percentile, Integer marginPercent, Integer minChangePercent, Bounds cpu,
                               Bounds memory, String limits, boolean touchCpuWithHpa, String grouping,
                               String teamLabel, List<ManifestSource> sources, Integer maxOpenPullRequests,
                               Integer reopenThresholdPercent, List<String> labels, Integer minObservationDays) {
        this(clusters, namespaces, basis, rollup, percentile, marginPercent, minChangePercent, cpu, memory, limits,
                touchCpuWithHpa, grouping, teamLabel, sources, maxOpenPullRequests, reopenThresholdPercent, labels,
                minObservationDays, null);
    }

    public RightsizePolicySpec(ClusterSelector clusters, NamespaceSelector namespaces, String basis, String rollup,
                               Integer percentile, Integer marginPercent, Integer minChangePercent, Bounds cpu,
                               Bounds memory, String limits, boolean touchCpuWithHpa, String grouping,
                               String teamLabel, List<ManifestSource> sources, Integer maxOpenPullRequests,
                               Integer reopenThresholdPercent, List<String> labels) {
        this(clusters, namespaces, basis, rollup, percentile, marginPercent, minChangePercent, cpu, memory, limits,
                touchCpuWithHpa, grouping, teamLabel, sources, maxOpenPullRequests, reopenThresholdPercent, labels,
                null, null);
    }

    public RightsizePolicySpec {
        clusters = clusters == null ? ClusterSelector.ALL : clusters;
        namespaces = namespaces == null ? NamespaceSelector.ALL : namespaces;
        basis = basis == null ? "target" : basis;
        rollup = rollup == null ? "max" : rollup;
        percentile = percentile == null ? 90 : percentile;
        marginPercent = marginPercent == null ? 10 : marginPercent;
        minChangePercent = minChangePercent == null ? 15 : minChangePercent;
        cpu = cpu == null ? new Bounds(null, null) : cpu;
        memory = memory == null ? new Bounds(null, null) : memory;
        limits = limits == null ? "keepRatio" : limits;
        grouping = grouping == null ? "namespace" : grouping;
        sources = sources == null ? List.of() : List.copyOf(sources);
        maxOpenPullRequests = maxOpenPullRequests == null ? 10 : maxOpenPullRequests;
        reopenThresholdPercent = reopenThresholdPercent == null ? 25 : reopenThresholdPercent;
        labels = labels == null ? List.of() : List.copyOf(labels);
        minObservationDays = minObservationDays == null ? 7 : minObservationDays;
        jvmMemory = jvmMemory == null ? "leave" : jvmMemory;
    }

    /** Kubernetes quantities. */
    public record Bounds(String min, String max) {}

    /**
     * @param path       glob of files in the repo (e.g. apps/*&#47;values.yaml)
     * @param shape      manifest | kustomize | helm
     * @param valuesPath for helm: dotted path of the resources block, {container} replaced (e.g. resources or {container}.resources)
     */
    public record ManifestSource(String path, String shape, String valuesPath) {}
}
