package io.kubechores.testkit.kube;

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
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.verticalpodautoscaler.client.VerticalPodAutoscalerClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Seeds right-sizing inputs into a simulated cluster: workloads with resources, recommend-only VPAs, HPAs. */
public final class RightsizeSeeds {
    private RightsizeSeeds() {}

    /** requests/limits of one container as Kubernetes quantity strings (null = not set). */
    public record Resources(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {}

    /** A VPA recommendation amount: CPU in millicores, memory in bytes (null = absent). */
    public record Amount(Long cpuMillis, Long memoryBytes) {
        public static final Amount NONE = new Amount(null, null);
    }

    /** One container's VPA status recommendation. */
    public record ContainerRecommendation(String container, Amount target, Amount lowerBound, Amount upperBound,
                                          Amount uncappedTarget) {
        public ContainerRecommendation {
            target = target == null ? Amount.NONE : target;
            lowerBound = lowerBound == null ? Amount.NONE : lowerBound;
            upperBound = upperBound == null ? Amount.NONE : upperBound;
            uncappedTarget = uncappedTarget == null ? Amount.NONE : uncappedTarget;
        }
    }


    /** A workload to create in a simulated cluster. */
    public record WorkloadSeed(String namespace, String kind, String name, int replicas, Map<String, String> labels,
                               Map<String, String> annotations, Map<String, Resources> containers) {}

    /** Creates (or replaces) the namespace and the workload. */
    public static void seedWorkload(KubernetesClient client, WorkloadSeed s) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(s.namespace()).endMetadata()
                .build()).createOr(existing -> existing.update());
        Map<String, String> selector = Map.of("app.kubernetes.io/name", s.name());
        List<Container> containers = new ArrayList<>();
        s.containers().forEach((name, r) -> containers.add(new io.fabric8.kubernetes.api.model.ContainerBuilder()
                .withName(name).withImage("registry.example/" + name + ":1").withResources(requirements(r)).build()));
        PodTemplateSpec template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(selector).endMetadata()
                .withNewSpec().withContainers(containers).endSpec().build();
        HasMetadata w = switch (s.kind()) {
            case "StatefulSet" -> new StatefulSetBuilder().withNewMetadata().withNamespace(s.namespace())
                    .withName(s.name()).withLabels(s.labels()).withAnnotations(s.annotations()).endMetadata()
                    .withNewSpec().withReplicas(s.replicas()).withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template).endSpec().build();
            case "DaemonSet" -> new DaemonSetBuilder().withNewMetadata().withNamespace(s.namespace())
                    .withName(s.name()).withLabels(s.labels()).withAnnotations(s.annotations()).endMetadata()
                    .withNewSpec().withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template).endSpec().build();
            default -> new DeploymentBuilder().withNewMetadata().withNamespace(s.namespace())
                    .withName(s.name()).withLabels(s.labels()).withAnnotations(s.annotations()).endMetadata()
                    .withNewSpec().withReplicas(s.replicas()).withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template).endSpec().build();
        };
        client.resource(w).createOr(existing -> existing.update());
    }

    /** A recommend-only VPA (updateMode "Off") named after its target, with status recommendations. */
    public static void seedVpa(KubernetesClient client, String namespace, String kind, String name,
                               List<ContainerRecommendation> recommendations) {
        seedVpa(client, namespace, kind, name, recommendations, SEEDED_VPA_CREATED);
    }

    /** When seeded VPAs were created unless told (well past rightsize's 7-day confidence wait in the demo and ITs). */
    public static final Instant SEEDED_VPA_CREATED = Instant.parse("2026-10-01T00:00:00Z");

    /** A VPA created at {@code created} (the simulated API server keeps a creationTimestamp it is given). */
    public static void seedVpa(KubernetesClient client, String namespace, String kind, String name,
                               List<ContainerRecommendation> recommendations, Instant created) {
        VerticalPodAutoscaler vpa = new VerticalPodAutoscalerBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name)
                .withCreationTimestamp(created.toString()).endMetadata()
                .withNewSpec().withNewTargetRef("apps/v1", kind, name)
                .withNewUpdatePolicy().withUpdateMode("Off").endUpdatePolicy().endSpec()
                .withNewStatus().withNewRecommendation()
                .withContainerRecommendations(recommendations.stream().map(RightsizeSeeds::toModel).toList())
                .endRecommendation().endStatus().build();
        var op = client.adapt(VerticalPodAutoscalerClient.class).v1().verticalpodautoscalers();
        op.resource(vpa).createOr(existing -> existing.update());
        VerticalPodAutoscaler stored = op.inNamespace(namespace).withName(name).get();
        if (stored.getStatus() == null || stored.getStatus().getRecommendation() == null) {
            stored.setStatus(vpa.getStatus());
            op.resource(stored).updateStatus();
        }
    }

    /** An autoscaling/v2 HPA on the workload scaling on CPU utilisation, without status (not yet reconciled). */
    public static void seedHpaOnCpu(KubernetesClient client, String namespace, String kind, String name,
                                    int minReplicas, int maxReplicas, int cpuUtilization) {
        seedHpaOnCpu(client, namespace, kind, name, minReplicas, maxReplicas, cpuUtilization, null);
    }

    /**
     * As above with the status the HPA controller writes: currentReplicas/desiredReplicas and the ScalingLimited
     * condition (True with TooFewReplicas/TooManyReplicas at a bound, False with DesiredWithinRange between them).
     */
    public static void seedHpaOnCpu(KubernetesClient client, String namespace, String kind, String name,
                                    int minReplicas, int maxReplicas, int cpuUtilization, Integer currentReplicas) {
        HorizontalPodAutoscaler h = new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind(kind).withName(name)
                .endScaleTargetRef().withMinReplicas(minReplicas).withMaxReplicas(maxReplicas)
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization").withAverageUtilization(cpuUtilization).endTarget().endResource().endMetric()
                .endSpec().build();
        if (currentReplicas != null) {
            boolean atMin = currentReplicas <= minReplicas;
            boolean atMax = currentReplicas >= maxReplicas;
            h.setStatus(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder()
                    .withCurrentReplicas(currentReplicas).withDesiredReplicas(currentReplicas)
                    .addNewCondition().withType("ScalingLimited").withStatus(atMin || atMax ? "True" : "False")
                    .withReason(atMax ? "TooManyReplicas" : atMin ? "TooFewReplicas" : "DesiredWithinRange")
                    .endCondition().build());
        }
        client.resource(h).createOr(existing -> existing.update());
        if (currentReplicas != null) {
            HorizontalPodAutoscaler stored = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                    .withName(name).get();
            if (stored.getStatus() == null || stored.getStatus().getCurrentReplicas() == null) {
                stored.setStatus(h.getStatus());
                client.resource(stored).updateStatus();
            }
        }
    }

    private static RecommendedContainerResources toModel(ContainerRecommendation r) {
        RecommendedContainerResources m = new RecommendedContainerResources();
        m.setContainerName(r.container());
        m.setTarget(quantities(r.target()));
        m.setLowerBound(quantities(r.lowerBound()));
        m.setUpperBound(quantities(r.upperBound()));
        m.setUncappedTarget(quantities(r.uncappedTarget()));
        return m;
    }

    private static Map<String, Quantity> quantities(Amount a) {
        Map<String, Quantity> m = new LinkedHashMap<>();
        if (a.cpuMillis() != null) m.put("cpu", new Quantity(a.cpuMillis() + "m"));
        if (a.memoryBytes() != null) m.put("memory", new Quantity(Long.toString(a.memoryBytes())));
        return m;
    }

    private static ResourceRequirements requirements(Resources r) {
        ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
        if (r.cpuRequest() != null) b.addToRequests("cpu", new Quantity(r.cpuRequest()));
        if (r.memoryRequest() != null) b.addToRequests("memory", new Quantity(r.memoryRequest()));
        if (r.cpuLimit() != null) b.addToLimits("cpu", new Quantity(r.cpuLimit()));
        if (r.memoryLimit() != null) b.addToLimits("memory", new Quantity(r.memoryLimit()));
        return b.build();
    }
}
