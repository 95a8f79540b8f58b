package io.kubechores.model.downscale;

import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import java.time.Instant;
import java.util.Map;

/**
 * One observed object the downscaler may change (read from a cluster; no fabric8 types).
 *
 * @param kind            kind
 * @param namespace       namespace
 * @param name            name
 * @param uid             metadata.uid (for Events)
 * @param resourceVersion metadata.resourceVersion when it was read (the write is conditional on it)
 * @param created         metadata.creationTimestamp
 * @param labels          labels
 * @param annotations     annotations
 * @param value           see {@link WorkloadKind}
 * @param cpuPerReplica   CPU requested by one pod, in cores (0 when unknown)
 * @param memoryPerReplica memory requested by one pod, in bytes (0 when unknown)
 * @param scaleTarget     HorizontalPodAutoscaler / ScaledObject only: spec.scaleTargetRef as "Kind/name" (same
 *                        namespace), null for other kinds
 */
public record Workload(WorkloadKind kind, String namespace, String name, String uid, String resourceVersion,
                       Instant created, Map<String, String> labels, Map<String, String> annotations, int value,
                       double cpuPerReplica, double memoryPerReplica, String scaleTarget) {
    public Workload {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** A workload that targets nothing (every kind but HorizontalPodAutoscaler and ScaledObject). */
    public Workload(WorkloadKind kind, String namespace, String name, String uid, String resourceVersion,
                    Instant created, Map<String, String> labels, Map<String, String> annotations, int value,
                    double cpuPerReplica, double memoryPerReplica) {
        this(kind, namespace, name, uid, resourceVersion, created, labels, annotations, value, cpuPerReplica,
                memoryPerReplica, null);
    }

    /** Kind/name, the form of {@link #scaleTarget()}. */
    public String kindAndName() {
        return kind.kindName() + "/" + name;
    }

    /** namespace/Kind/name */
    public String ref() {
        return namespace + "/" + kind.kindName() + "/" + name;
    }
}
