package io.kubechores.platform.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubechores.model.rightsize.JvmHeapFlags;
import io.kubechores.model.rightsize.Observation.ContainerRuntime;
import io.kubechores.model.rightsize.Quantities;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pods of a workload showed, per container, for rightsize's memory floor ({@code MemorySafety}): the last
 * OOM kill and restart count from pod status, the working set from metrics.k8s.io PodMetrics, and JVM heap flags
 * from the pod template.
 * <p>
 * The Metrics API keeps no history: metrics-server reports memory as "the working set at the instant the metric was
 * collected" (kubernetes-sigs/metrics-server FAQ, "How memory usage is calculated?"). The "peak" here is therefore
 * the largest working set over the workload's pods at collection time, not a peak over days; the last OOM kill
 * (pod status) is the longer memory.
 * <p>
 * Pods are joined to their workload by owner reference, the way the controllers create them: a StatefulSet's or
 * DaemonSet's pods name it as owner; a Deployment's pods name a ReplicaSet {@code <deployment>-<pod-template-hash>}
 * (the Deployment controller names its ReplicaSets so and labels their pods with {@code pod-template-hash}), so no
 * ReplicaSet list is needed.
 * <p>
 * Pod status (core/v1 ContainerStatus): {@code lastState.terminated.reason} is {@code OOMKilled} when the kernel's
 * OOM killer ended the previous run of the container, {@code restartCount} counts restarts; native sidecars report in
 * {@code initContainerStatuses}. The limit it was killed at is the pod's limit for that container
 * ({@code status.containerStatuses[].resources} when the kubelet reports it, in-place resize; else the pod spec).
 */
final class RightsizeKubePods { // a part of the rightsize adapter (ArchitectureTest names RightsizeKube*)
    /** workload key (kind/ns/name) → container → running facts. */
    private final Map<String, Map<String, Facts>> byWorkload = new HashMap<>();
    /** ns/pod → workload key, to attach metrics. */
    private final Map<String, String> podOwner = new HashMap<>();
    private final Map<String, Map<String, Long>> workingSet = new HashMap<>();
    /** ns/vpa → container → recent memory peak from the VPA checkpoint's histogram. */
    private final Map<String, Map<String, Long>> checkpointPeak = new HashMap<>();

    private static final class Facts {
        Long oomLimit;
        String oomAt;
        int restarts;
    }

    void addPods(List<Pod> pods) {
        for (Pod p : pods) {
            String owner = owner(p);
            if (owner == null) continue;
            podOwner.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), owner);
            Map<String, Facts> cs = byWorkload.computeIfAbsent(owner, k -> new HashMap<>());
            if (p.getStatus() == null) continue;
            Map<String, Container> specs = new HashMap<>();
            if (p.getSpec() != null) {
                if (p.getSpec().getContainers() != null) p.getSpec().getContainers().forEach(c -> specs.put(c.getName(), c));
                if (p.getSpec().getInitContainers() != null) p.getSpec().getInitContainers().forEach(c -> specs.put(c.getName(), c));
            }
            List<ContainerStatus> statuses = new ArrayList<>();
            if (p.getStatus().getContainerStatuses() != null) statuses.addAll(p.getStatus().getContainerStatuses());
            if (p.getStatus().getInitContainerStatuses() != null) statuses.addAll(p.getStatus().getInitContainerStatuses());
            for (ContainerStatus s : statuses) {
                Facts f = cs.computeIfAbsent(s.getName(), k -> new Facts());
                if (s.getRestartCount() != null) f.restarts = Math.max(f.restarts, s.getRestartCount());
                var term = s.getLastState() == null ? null : s.getLastState().getTerminated();
                if (term == null || !"OOMKilled".equals(term.getReason())) continue;
                Long limit = memoryLimit(s, specs.get(s.getName()));
                if (limit != null && (f.oomLimit == null || limit > f.oomLimit)) {
                    f.oomLimit = limit;
                    f.oomAt = term.getFinishedAt();
                }
            }
        }
    }

    /** PodMetrics items: containers[].usage.memory is the container's working set (metrics-server). */
    @SuppressWarnings("unchecked")
    void addMetrics(List<GenericKubernetesResource> metrics) {
        for (GenericKubernetesResource m : metrics) {
            String owner = podOwner.get(m.getMetadata().getNamespace() + "/" + m.getMetadata().getName());
            if (owner == null) continue;
            Object containers = m.getAdditionalProperties().get("containers");
            if (!(containers instanceof List<?> list)) continue;
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> c) || !(c.get("usage") instanceof Map<?, ?> usage)) continue;
                Object mem = usage.get("memory");
                if (mem == null) continue;
                Long bytes;
                try {
                    bytes = Quantities.memoryBytes(mem.toString());
                } catch (RuntimeException e) {
                    continue;
                }
                if (bytes == null) continue;
                workingSet.computeIfAbsent(owner, k -> new HashMap<>())
                        .merge(String.valueOf(c.get("name")), bytes, Math::max);
            }
        }
    }

    void dropMetrics() {
        workingSet.clear();
    }

    /** VerticalPodAutoscalerCheckpoints: spec.vpaObjectName/containerName, status.memoryHistogram. */
    void addCheckpoints(List<io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscalerCheckpoint> checkpoints) {
        for (var c : checkpoints) {
            if (c.getSpec() == null || c.getStatus() == null || c.getStatus().getMemoryHistogram() == null) continue;
            Long peak = io.kubechores.model.rightsize.VpaMemoryHistogram.peakBytes(
                    c.getStatus().getMemoryHistogram().getBucketWeights());
            if (peak == null) continue;
            checkpointPeak.computeIfAbsent(c.getMetadata().getNamespace() + "/" + c.getSpec().getVpaObjectName(),
                    k -> new HashMap<>()).merge(c.getSpec().getContainerName(), peak, Math::max);
        }
    }

    /** Per container of the workload: what its pods showed, plus JVM heap flags of its template. */
    Map<String, ContainerRuntime> runtime(HasMetadata w, PodTemplateSpec template, String vpaName) {
        String key = w.getKind() + "/" + w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
        Map<String, Facts> facts = byWorkload.getOrDefault(key, Map.of());
        Map<String, Long> ws = workingSet.getOrDefault(key, Map.of());
        Map<String, Long> cp = checkpointPeak.getOrDefault(w.getMetadata().getNamespace() + "/" + vpaName, Map.of());
        Map<String, String> jvm = new LinkedHashMap<>();
        if (template != null && template.getSpec() != null) {
            List<Container> all = new ArrayList<>();
            if (template.getSpec().getContainers() != null) all.addAll(template.getSpec().getContainers());
            if (template.getSpec().getInitContainers() != null) all.addAll(template.getSpec().getInitContainers());
            for (Container c : all) {
                Map<String, String> env = new HashMap<>();
                if (c.getEnv() != null) {
                    for (EnvVar e : c.getEnv()) {
                        if (JvmHeapFlags.ENV.contains(e.getName())) env.put(e.getName(), e.getValueFrom() != null ? null
                                : e.getValue() == null ? "" : e.getValue());
                    }
                }
                String flags = JvmHeapFlags.detect(env, c.getCommand(), c.getArgs());
                if (flags != null) jvm.put(c.getName(), flags);
            }
        }
        Map<String, ContainerRuntime> out = new HashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>(facts.keySet());
        names.addAll(ws.keySet());
        names.addAll(cp.keySet());
        names.addAll(jvm.keySet());
        for (String n : names) {
            Facts f = facts.get(n);
            Long now = ws.get(n);
            Long recent = cp.get(n);
            // explicit branches: a ternary over Long and long would unbox a null
            Long peak = null;
            String from = null;
            if (recent != null && (now == null || recent >= now)) {
                peak = recent;
                from = "VPA checkpoint";
            } else if (now != null) {
                peak = now;
                from = "PodMetrics now";
            }
            out.put(n.intern(), new ContainerRuntime(peak, f == null ? null : f.oomLimit, f == null ? null : f.oomAt,
                    f == null ? 0 : f.restarts, jvm.get(n), from));
        }
        return out;
    }

    private static Long memoryLimit(ContainerStatus s, Container spec) {
        Quantity q = null;
        if (s.getResources() != null && s.getResources().getLimits() != null) q = s.getResources().getLimits().get("memory");
        if (q == null && spec != null && spec.getResources() != null && spec.getResources().getLimits() != null) {
            q = spec.getResources().getLimits().get("memory");
        }
        return q == null ? null : Quantities.memoryBytes(q.toString());
    }

    /** kind/ns/name of the workload that owns the pod (see the class comment), or null. */
    private static String owner(Pod p) {
        if (p.getMetadata().getOwnerReferences() == null) return null;
        String ns = p.getMetadata().getNamespace();
        for (OwnerReference r : p.getMetadata().getOwnerReferences()) {
            switch (r.getKind()) {
                case "StatefulSet", "DaemonSet" -> {
                    return r.getKind() + "/" + ns + "/" + r.getName();
                }
                case "ReplicaSet" -> {
                    String hash = p.getMetadata().getLabels() == null ? null
                            : p.getMetadata().getLabels().get("pod-template-hash");
                    String suffix = "-" + hash;
                    if (hash != null && r.getName().endsWith(suffix) && r.getName().length() > suffix.length()) {
                        return "Deployment/" + ns + "/" + r.getName().substring(0, r.getName().length() - suffix.length());
                    }
                }
                default -> { }
            }
        }
        return null;
    }
}
