package io.kubechores.desiredstate;

import java.time.LocalDate;
import java.util.List;

/**
 * Off-hours downscaling (downscaling/*.yaml). Schedules use kube-downscaler's grammar,
 * e.g. "Mon-Fri 07:30-20:30 Europe/Berlin", comma-separated ranges, "always", "never", or absolute ISO ranges.
 *
 * @param clusters          clusters in scope
 * @param namespaces        namespaces in scope
 * @param uptime            when workloads run (mutually exclusive with downtime)
 * @param downtime          when workloads are scaled down
 * @param holidays          whole days of downtime, in addition to the Fleet's
 * @param downtimeReplicas  replicas during downtime (default 0)
 * @param gracePeriod       workloads created more recently are left alone (e.g. 15m)
 * @param kinds             kinds handled (default Deployment, StatefulSet, CronJob, HorizontalPodAutoscaler, ScaledObject, Rollout)
 * @param exclusions        workloads never touched
 * @param upscale           staggered restore settings
 */
public record DownscalePolicySpec(
        ClusterSelector clusters,
        NamespaceSelector namespaces,
        String uptime,
        String downtime,
        List<LocalDate> holidays,
        Integer downtimeReplicas,
        String gracePeriod,
        List<String> kinds,
        List<WorkloadRef> exclusions,
        Upscale upscale) {

    public DownscalePolicySpec {
        clusters = clusters == null ? ClusterSelector.ALL : clusters;
        namespaces = namespaces == null ? NamespaceSelector.ALL : namespaces;
        holidays = holidays == null ? List.of() : List.copyOf(holidays);
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    }

    /** A workload pattern: any field may be omitted or a glob. */
    public record WorkloadRef(String namespace, String kind, String name) {}

    /**
     * @param maxReplicasPerMinute budget of replicas restored per minute across a cluster (0 = unlimited)
     * @param paceFor              how long one run keeps restoring what the budget deferred, minute by minute
     *                             (duration, default 10m; "0m" = deferred restores wait for the next run)
     */
    public record Upscale(int maxReplicasPerMinute, String paceFor) {
        public static final String DEFAULT_PACE_FOR = "10m";

        public Upscale(int maxReplicasPerMinute) {
            this(maxReplicasPerMinute, null);
        }
    }
}
