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
 */
public record Observation(String cluster, String namespace, String kind, String name, int replicas,
                          Map<String, String> labels, Map<String, String> annotations,
                          String vpaName, String vpaUpdateMode, String hpaName, boolean hpaOnCpu,
                          Map<String, ResourceValues> live, List<ContainerRecommendation> recommendations,
                          java.time.Instant vpaCreated, Map<String, Boolean> initContainers) {
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
