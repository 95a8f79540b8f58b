package io.kubechores.platform.kube;

import io.fabric8.autoscaling.api.model.v1.RecommendedContainerResources;
import io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscaler;
import io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.verticalpodautoscaler.client.VerticalPodAutoscalerClient;
import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.Observation.Amount;
import io.kubechores.model.rightsize.Observation.ContainerRecommendation;
import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every fabric8 call of the rightsize job: reads VerticalPodAutoscalers (autoscaling.k8s.io/v1, typed model of
 * verticalpodautoscaler-client), the workloads they target with their containers' requests/limits, and HPAs
 * (autoscaling/v2) on the same workloads and whether they scale on CPU. Read-only: right-sizing changes git, not
 * clusters. Also seeds simulated clusters for the demo, tests and benchmarks.
 */
public final class RightsizeKube {
    /** updateMode values where the VPA only recommends (or sets requests at pod creation only). */
    static final Set<String> RECOMMEND_ONLY = Set.of("Off", "Initial");

    private RightsizeKube() {}

    /** Observations of one cluster plus warnings (VPA without recommendation, target missing, ...). */
    public record Collected(List<Observation> observations, List<String> warnings, int apiCalls) {}

    /**
     * Lists VPAs, HPAs and the targeted workload kinds once each (no per-object GETs, so a cluster with thousands
     * of VPAs costs a handful of calls) and joins them.
     */
    public static Collected collect(KubernetesClient client, String cluster, Predicate<String> namespaceInScope) {
        List<String> warnings = new ArrayList<>();
        int calls = 0;
        List<VerticalPodAutoscaler> vpas = client.adapt(VerticalPodAutoscalerClient.class).v1()
                .verticalpodautoscalers().inAnyNamespace().list().getItems();
        calls++;
        vpas = vpas.stream().filter(v -> namespaceInScope.test(v.getMetadata().getNamespace())).toList();
        if (vpas.isEmpty()) return new Collected(List.of(), warnings, calls);

        Set<String> kinds = new java.util.TreeSet<>();
        vpas.forEach(v -> { if (v.getSpec() != null && v.getSpec().getTargetRef() != null) kinds.add(v.getSpec().getTargetRef().getKind()); });
        Map<String, HasMetadata> workloads = new HashMap<>();
        for (String kind : kinds) {
            List<? extends HasMetadata> items = switch (kind) {
                case "Deployment" -> client.apps().deployments().inAnyNamespace().list().getItems();
                case "StatefulSet" -> client.apps().statefulSets().inAnyNamespace().list().getItems();
                case "DaemonSet" -> client.apps().daemonSets().inAnyNamespace().list().getItems();
                default -> List.of();
            };
            if (!items.isEmpty() || List.of("Deployment", "StatefulSet", "DaemonSet").contains(kind)) calls++;
            items.forEach(w -> workloads.put(key(w.getKind() == null ? kind : w.getKind(),
                    w.getMetadata().getNamespace(), w.getMetadata().getName()), w));
        }
        Map<String, HorizontalPodAutoscaler> hpas = new HashMap<>();
        for (HorizontalPodAutoscaler h : client.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().list()
                .getItems()) {
            var ref = h.getSpec() == null ? null : h.getSpec().getScaleTargetRef();
            if (ref != null) hpas.put(key(ref.getKind(), h.getMetadata().getNamespace(), ref.getName()), h);
        }
        calls++;
        // pods and their metrics, only in namespaces with a VPA in scope: OOM kills, restarts, peak working set
        Set<String> namespaces = new java.util.TreeSet<>();
        vpas.forEach(v -> namespaces.add(v.getMetadata().getNamespace()));
        RightsizeKubePods pods = new RightsizeKubePods();
        for (String ns : namespaces) {
            pods.addPods(client.pods().inNamespace(ns).list().getItems());
            calls++;
        }
        try {
            for (String ns : namespaces) {
                pods.addMetrics(client.genericKubernetesResources(POD_METRICS).inNamespace(ns).list().getItems());
                calls++;
            }
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // no metrics-server (404) or no RBAC for it (403): the floor then rests on pod status alone
            warnings.add(cluster + ": metrics.k8s.io PodMetrics not readable (HTTP " + e.getCode()
                    + "): peak working set unknown, the memory floor uses OOM kills only");
            pods.dropMetrics();
        }
        try {
            pods.addCheckpoints(client.adapt(VerticalPodAutoscalerClient.class).v1().verticalpodautoscalercheckpoints()
                    .inAnyNamespace().list().getItems());
            calls++;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            warnings.add(cluster + ": VerticalPodAutoscalerCheckpoints not readable (HTTP " + e.getCode()
                    + "): the recent memory peak is unknown, the floor uses PodMetrics and OOM kills");
        }

        List<Observation> out = new ArrayList<>();
        for (VerticalPodAutoscaler v : vpas) {
            String ns = v.getMetadata().getNamespace();
            String vpaId = cluster + "/" + ns + "/VerticalPodAutoscaler/" + v.getMetadata().getName();
            if (v.getSpec() == null || v.getSpec().getTargetRef() == null) {
                warnings.add(vpaId + ": no targetRef");
                continue;
            }
            String kind = v.getSpec().getTargetRef().getKind();
            String name = v.getSpec().getTargetRef().getName();
            String mode = v.getSpec().getUpdatePolicy() == null || v.getSpec().getUpdatePolicy().getUpdateMode() == null
                    ? "Auto" : v.getSpec().getUpdatePolicy().getUpdateMode();
            if (!RECOMMEND_ONLY.contains(mode)) {
                warnings.add(vpaId + ": updateMode " + mode + " — the VPA resizes " + kind + " " + name
                        + " itself; skipped");
                continue;
            }
            List<RecommendedContainerResources> recs = v.getStatus() == null || v.getStatus().getRecommendation() == null
                    || v.getStatus().getRecommendation().getContainerRecommendations() == null ? List.of()
                    : v.getStatus().getRecommendation().getContainerRecommendations();
            if (recs.isEmpty()) {
                warnings.add(vpaId + ": no recommendation yet");
                continue;
            }
            HasMetadata w = workloads.get(key(kind, ns, name));
            if (w == null) {
                warnings.add(vpaId + ": target " + kind + " " + ns + "/" + name + " not found");
                continue;
            }
            HorizontalPodAutoscaler h = hpas.get(key(kind, ns, name));
            out.add(new Observation(cluster, in(ns), in(kind), in(name), replicas(w), in(w.getMetadata().getLabels()),
                    in(w.getMetadata().getAnnotations()), in(v.getMetadata().getName()), in(mode),
                    h == null ? null : in(h.getMetadata().getName()), h != null && scalesOnCpu(h), live(template(w)),
                    recs.stream().map(RightsizeKube::recommendation).toList(), created(v), initContainers(template(w)),
                    h == null ? null : hpaCpu(h), pods.runtime(w, template(w), v.getMetadata().getName())));
        }
        return new Collected(out, warnings, calls);
    }

    /** metadata.creationTimestamp (RFC 3339) of the VPA, null when absent or unreadable. */
    private static Instant created(HasMetadata v) {
        String ts = v.getMetadata().getCreationTimestamp();
        if (ts == null) return null;
        try {
            return java.time.OffsetDateTime.parse(ts).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Canonical copies of the strings kept per observation: the same namespaces, names, labels and quantities repeat
     * on every cluster, so a fleet of 100,000 observations holds each of them once.
     */
    private static String in(String s) {
        return s == null ? null : s.intern();
    }

    private static Map<String, String> in(Map<String, String> m) {
        if (m == null || m.isEmpty()) return Map.of();
        Map<String, String> out = new HashMap<>();
        m.forEach((k, v) -> out.put(in(k), in(v)));
        return out;
    }

    /** metrics.k8s.io/v1beta1 PodMetrics (read generically: the typed metrics model is not in the jar). */
    static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext POD_METRICS =
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("metrics.k8s.io")
                    .withVersion("v1beta1").withKind("PodMetrics").withPlural("pods").withNamespaced(true).build();

    /**
     * The HPA's CPU metric (autoscaling/v2): a Resource metric (pod-wide) is preferred over a ContainerResource one;
     * target.averageUtilization or target.averageValue, min/max replicas and status.currentReplicas.
     */
    static Observation.HpaCpu hpaCpu(HorizontalPodAutoscaler h) {
        if (h.getSpec().getMetrics() == null) return null;
        MetricSpec chosen = null;
        for (MetricSpec m : h.getSpec().getMetrics()) {
            boolean resource = "Resource".equals(m.getType()) && m.getResource() != null
                    && "cpu".equals(m.getResource().getName());
            boolean container = "ContainerResource".equals(m.getType()) && m.getContainerResource() != null
                    && "cpu".equals(m.getContainerResource().getName());
            if (resource) {
                chosen = m;
                break;
            }
            if (container && chosen == null) chosen = m;
        }
        if (chosen == null) return null;
        var target = "Resource".equals(chosen.getType()) ? chosen.getResource().getTarget()
                : chosen.getContainerResource().getTarget();
        String container = "Resource".equals(chosen.getType()) ? null : chosen.getContainerResource().getContainer();
        Integer util = target == null ? null : target.getAverageUtilization();
        Long value = target == null || target.getAverageValue() == null ? null
                : Quantities.cpuMillis(target.getAverageValue().toString());
        int min = h.getSpec().getMinReplicas() == null ? 1 : h.getSpec().getMinReplicas();
        int max = h.getSpec().getMaxReplicas() == null ? min : h.getSpec().getMaxReplicas();
        Integer current = h.getStatus() == null ? null : h.getStatus().getCurrentReplicas();
        return new Observation.HpaCpu(in(h.getMetadata().getName()), in(container), util, value, min, max, current,
                h.getSpec().getMetrics().size() > 1);
    }

    static boolean scalesOnCpu(HorizontalPodAutoscaler h) {
        if (h.getSpec().getMetrics() == null) return false;
        for (MetricSpec m : h.getSpec().getMetrics()) {
            if ("Resource".equals(m.getType()) && m.getResource() != null && "cpu".equals(m.getResource().getName())) {
                return true;
            }
            if ("ContainerResource".equals(m.getType()) && m.getContainerResource() != null
                    && "cpu".equals(m.getContainerResource().getName())) {
                return true;
            }
        }
        return false;
    }

    private static ContainerRecommendation recommendation(RecommendedContainerResources r) {
        return new ContainerRecommendation(in(r.getContainerName()), amount(r.getTarget()), amount(r.getLowerBound()),
                amount(r.getUpperBound()), amount(r.getUncappedTarget()));
    }

    private static Amount amount(Map<String, Quantity> m) {
        if (m == null) return Amount.NONE;
        Quantity cpu = m.get("cpu");
        Quantity mem = m.get("memory");
        return new Amount(cpu == null ? null : Quantities.cpuMillis(cpu.toString()),
                mem == null ? null : Quantities.memoryBytes(mem.toString()));
    }

    private static int replicas(HasMetadata w) {
        return switch (w) {
            case Deployment d -> d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            case StatefulSet s -> s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            case DaemonSet d -> d.getStatus() == null || d.getStatus().getDesiredNumberScheduled() == null ? 1
                    : d.getStatus().getDesiredNumberScheduled();
            default -> 1;
        };
    }

    private static PodTemplateSpec template(HasMetadata w) {
        return switch (w) {
            case Deployment d -> d.getSpec().getTemplate();
            case StatefulSet s -> s.getSpec().getTemplate();
            case DaemonSet d -> d.getSpec().getTemplate();
            default -> null;
        };
    }

    private static Map<String, ResourceValues> live(PodTemplateSpec t) {
        Map<String, ResourceValues> out = new LinkedHashMap<>();
        if (t == null || t.getSpec() == null || t.getSpec().getContainers() == null) return out;
        for (Container c : t.getSpec().getContainers()) {
            ResourceRequirements r = c.getResources();
            Map<String, Quantity> req = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
            Map<String, Quantity> lim = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
            out.put(in(c.getName()), new ResourceValues(str(req.get("cpu")), str(req.get("memory")),
                    str(lim.get("cpu")), str(lim.get("memory"))));
        }
        return out;
    }

    /** Init containers: name → native sidecar (restartPolicy Always, Kubernetes 1.29+ SidecarContainers). */
    private static Map<String, Boolean> initContainers(PodTemplateSpec t) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (t == null || t.getSpec() == null || t.getSpec().getInitContainers() == null) return out;
        for (Container c : t.getSpec().getInitContainers()) out.put(in(c.getName()), "Always".equals(c.getRestartPolicy()));
        return out;
    }

    private static String str(Quantity q) {
        return q == null ? null : q.toString().intern();
    }

    private static String key(String kind, String ns, String name) {
        return kind + "/" + ns + "/" + name;
    }
}
