package io.kubechores.model.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.ResourceValues;

import java.util.List;
import java.util.Map;

/**
 * What was seen on one cluster for one workload that a VPA targets (collected by RightsizeKube, no fabric8 types).
 *
 * @param cluster          cluster name
 * @param namespace        namespace
 * @param kind             targetRef kind (Deployment, StatefulSet, DaemonSet)
 * @param name             targetRef name
 * @param replicas         spec.replicas (DaemonSets: desired scheduled pods) — weights the cost estimate
 * @param labels           workload labels (team/app grouping, app.kubernetes.io/instance)
 * @param annotations      workload annotations (tracking ids, kubechores.io/source)
 * @param vpaName          the VPA carrying the recommendation
 * @param vpaUpdateMode    its updatePolicy.updateMode ("Off" for recommend-only)
 * @param hpaName          an HPA targeting the same workload, or null
 * @param hpaOnCpu         that HPA scales on CPU (Resource/ContainerResource metric "cpu")
 * @param live             live requests/limits per container name
 * @param recommendations  VPA containerRecommendations
 * @param vpaCreated       the VPA's metadata.creationTimestamp: how long the recommender has observed the workload
 *                         (null when unknown)
 * @param initContainers   init containers of the pod template: name → true for a native sidecar
 *                         ({@code restartPolicy: Always}); never silently missed: without a VPA recommendation
 *                         the plan says so
 * @param hpaCpu           what the HPA's CPU metric says (target, replica bounds, current replicas), or null when
 *                         no HPA scales the workload on CPU; read by {@code rightsize.HpaCpuSizing}
 * @param runtime          per container: what its pods showed (peak working set, last OOMKilled limit, restarts,
 *                         JVM heap flags); read by {@code rightsize.MemorySafety}; absent = nothing seen
 */
public record Observation(String cluster, String namespace, String kind, String name, int replicas,
                          Map<String, String> labels, Map<String, String> annotations,
                          String vpaName, String vpaUpdateMode, String hpaName, boolean hpaOnCpu,
                          Map<String, ResourceValues> live, List<ContainerRecommendation> recommendations,
                          java.time.Instant vpaCreated, Map<String, Boolean> initContainers, HpaCpu hpaCpu,
                          Map<String, ContainerRuntime> runtime) {
    public Observation(String cluster, String namespace, String kind, String name, int replicas,
                       Map<String, String> labels, Map<String, String> annotations, String vpaName,
                       String vpaUpdateMode, String hpaName, boolean hpaOnCpu, Map<String, ResourceValues> live,
                       List<ContainerRecommendation> recommendations, java.time.Instant vpaCreated,
                       Map<String, Boolean> initContainers) {
        this(cluster, namespace, kind, name, replicas, labels, annotations, vpaName, vpaUpdateMode, hpaName, hpaOnCpu,
                live, recommendations, vpaCreated, initContainers, null, Map.of());
    }

    public Observation(String cluster, String namespace, String kind, String name, int replicas,
                       Map<String, String> labels, Map<String, String> annotations, String vpaName,
                       String vpaUpdateMode, String hpaName, boolean hpaOnCpu, Map<String, ResourceValues> live,
                       List<ContainerRecommendation> recommendations, java.time.Instant vpaCreated) {
        this(cluster, namespace, kind, name, replicas, labels, annotations, vpaName, vpaUpdateMode, hpaName, hpaOnCpu,
                live, recommendations, vpaCreated, Map.of());
    }

    public Observation(String cluster, String namespace, String kind, String name, int replicas,
                       Map<String, String> labels, Map<String, String> annotations, String vpaName,
                       String vpaUpdateMode, String hpaName, boolean hpaOnCpu, Map<String, ResourceValues> live,
                       List<ContainerRecommendation> recommendations) {
        this(cluster, namespace, kind, name, replicas, labels, annotations, vpaName, vpaUpdateMode, hpaName, hpaOnCpu,
                live, recommendations, null, Map.of());
    }

    public Observation {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        live = live == null ? Map.of() : Map.copyOf(live);
        recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
        initContainers = initContainers == null ? Map.of() : Map.copyOf(initContainers);
        runtime = runtime == null ? Map.of() : Map.copyOf(runtime);
    }

    /** What one container's pods showed: {@link ContainerRuntime#NONE} when nothing was seen. */
    public ContainerRuntime runtime(String container) {
        return runtime.getOrDefault(container, ContainerRuntime.NONE);
    }

    /**
     * The CPU metric of the HPA that scales this workload (autoscaling/v2 {@code spec.metrics[]} of type Resource or
     * ContainerResource named cpu) and where the HPA stands.
     *
     * @param hpaName            the HPA
     * @param container          null for a Resource metric (pod-wide: every container's request enters the ratio);
     *                           the container name for a ContainerResource metric
     * @param averageUtilization target.averageUtilization (percent of the request), null for an AverageValue target
     * @param averageValueMillis target.averageValue in millicores for an AverageValue target, else null
     * @param minReplicas        spec.minReplicas (default 1)
     * @param maxReplicas        spec.maxReplicas
     * @param currentReplicas    status.currentReplicas, null when the HPA has no status yet
     * @param otherMetrics       the HPA also scales on other metrics (it takes the largest proposal of all)
     */
    public record HpaCpu(String hpaName, String container, Integer averageUtilization, Long averageValueMillis,
                         int minReplicas, int maxReplicas, Integer currentReplicas, boolean otherMetrics) {}

    /**
     * What one container's pods showed at collection time.
     *
     * @param peakWorkingSetBytes the highest working set over the workload's pods at collection time
     *                            (metrics.k8s.io PodMetrics: metrics-server reports the working set at the instant
     *                            it was collected, no history), null when unknown
     * @param oomKilledLimitBytes the memory limit of a pod whose container's lastState.terminated.reason is
     *                            OOMKilled (the largest such limit over the pods), null when none was OOM-killed
     * @param oomKilledAt         lastState.terminated.finishedAt of that kill (RFC 3339 text), null when unknown
     * @param restarts            the largest containerStatuses[].restartCount over the pods
     * @param heapFlags           JVM heap flags found in env/args ({@link JvmHeapFlags}), null for none
     * @param peakFrom            where the peak comes from ("PodMetrics now", "VPA checkpoint"), null when unknown
     */
    public record ContainerRuntime(Long peakWorkingSetBytes, Long oomKilledLimitBytes, String oomKilledAt,
                                   int restarts, String heapFlags, String peakFrom) {
        public static final ContainerRuntime NONE = new ContainerRuntime(null, null, null, 0, null, null);

        public ContainerRuntime(Long peakWorkingSetBytes, Long oomKilledLimitBytes, String oomKilledAt, int restarts,
                                String heapFlags) {
            this(peakWorkingSetBytes, oomKilledLimitBytes, oomKilledAt, restarts, heapFlags, null);
        }
    }

    /** cluster/namespace/kind/name, used in logs, actions and reports. */
    public String id() {
        return cluster + "/" + namespace + "/" + kind + "/" + name;
    }

    /** One VPA bound: CPU millicores and memory bytes (null when the recommender gave none). */
    public record Amount(Long cpuMillis, Long memoryBytes) {
        public static final Amount NONE = new Amount(null, null);
    }

    /** status.recommendation.containerRecommendations[] of a VPA. */
    public record ContainerRecommendation(String container, Amount target, Amount lowerBound, Amount upperBound,
                                          Amount uncappedTarget) {
        public ContainerRecommendation {
            target = target == null ? Amount.NONE : target;
            lowerBound = lowerBound == null ? Amount.NONE : lowerBound;
            upperBound = upperBound == null ? Amount.NONE : upperBound;
            uncappedTarget = uncappedTarget == null ? Amount.NONE : uncappedTarget;
        }
    }
}
