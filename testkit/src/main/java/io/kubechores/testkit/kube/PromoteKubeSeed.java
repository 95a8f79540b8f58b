package io.kubechores.testkit.kube;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.Map;

/**
 * Writes a tool's footprint (Helm release Secrets, a health-check workload and its pods) into a simulated cluster:
 * used by the promote demo and tests. Never used against real clusters.
 */
public final class PromoteKubeSeed {
    private PromoteKubeSeed() {}

    /** How the workload behaves. */
    public enum Health { HEALTHY, ROLLING, CRASH_LOOPING }

    /**
     * @param chartName   chart name (null: no Helm release is written)
     * @param chartVersion chart version of the deployed release (also helm.sh/chart label)
     * @param image       container image with tag
     * @param since       when the release was deployed / the rollout completed
     */
    public record Footprint(String namespace, String release, String chartName, String chartVersion, String appVersion,
                            String kind, String workload, String image, int replicas, Health health, Instant since) {}

    public static void seed(KubernetesClient c, Footprint f) {
        if (c.namespaces().withName(f.namespace()).get() == null) {
            c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(f.namespace()).endMetadata().build()).create();
        }
        if (f.chartName() != null) {
            // an older superseded revision, then the deployed one
            helmSecret(c, f, 1, "superseded", "0.0.1-old", f.since().minusSeconds(30L * 86400));
            helmSecret(c, f, 2, "deployed", f.chartVersion(), f.since());
        }
        Map<String, String> selector = Map.of("app.kubernetes.io/name", f.workload());
        Map<String, String> labels = new java.util.HashMap<>(selector);
        labels.put("app.kubernetes.io/instance", f.release());
        if (f.appVersion() != null) labels.put("app.kubernetes.io/version", f.appVersion());
        if (f.chartName() != null) labels.put("helm.sh/chart", f.chartName() + "-" + f.chartVersion());
        // platform add-ons stay up at night: the downscale demo must not scale them (a simulated cluster never
        // reconciles status.observedGeneration, so a scaled workload would stay "rollout not observed" forever)
        ObjectMeta meta = new ObjectMetaBuilder().withName(f.workload()).withNamespace(f.namespace())
                .withLabels(labels).withAnnotations(Map.of("downscaler/exclude", "true")).withGeneration(2L).build();
        PodTemplateSpec template = new PodTemplateSpecBuilder().withNewMetadata().withLabels(selector).endMetadata()
                .withNewSpec().addNewContainer().withName(f.workload()).withImage(f.image()).endContainer().endSpec().build();
        int n = f.replicas();
        int updated = f.health() == Health.ROLLING ? 1 : n;
        int ready = f.health() == Health.CRASH_LOOPING ? n - 1 : n;
        String t = f.since().toString();
        switch (f.kind()) {
            case "Deployment" -> {
                // the current revision's ReplicaSet, created when the rollout began (the rollout time promote reads);
                // the Progressing condition's lastUpdateTime is later, as after an HPA scale-up
                c.apps().replicaSets().inNamespace(f.namespace()).resource(new ReplicaSetBuilder()
                        .withNewMetadata().withName(f.workload() + "-5d8f7b9c4").withNamespace(f.namespace())
                        .withLabels(selector).withAnnotations(Map.of("deployment.kubernetes.io/revision", "2"))
                        .withCreationTimestamp(t)
                        .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName(f.workload())
                        .withUid("uid-" + f.workload()).withController(true).endOwnerReference().endMetadata()
                        .withNewSpec().withReplicas(n).withNewSelector().withMatchLabels(selector).endSelector()
                        .withTemplate(template).endSpec().build()).create();
                ObjectMeta dmeta = new ObjectMetaBuilder(meta).addToAnnotations("deployment.kubernetes.io/revision", "2").build();
                c.apps().deployments().inNamespace(f.namespace()).resource(new DeploymentBuilder()
                    .withMetadata(dmeta).withNewSpec().withReplicas(n).withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template).endSpec()
                    .withNewStatus().withObservedGeneration(2L).withReplicas(n).withUpdatedReplicas(updated)
                    .withReadyReplicas(ready).withAvailableReplicas(ready)
                    .addNewCondition().withType("Progressing").withStatus("True")
                    .withReason(f.health() == Health.ROLLING ? "ReplicaSetUpdated" : "NewReplicaSetAvailable")
                    .withLastUpdateTime(f.since().plusSeconds(3600).toString()).withLastTransitionTime(t).endCondition()
                    .endStatus().build()).create();
            }
            case "StatefulSet" -> c.apps().statefulSets().inNamespace(f.namespace()).resource(new StatefulSetBuilder()
                    .withMetadata(meta).withNewSpec().withReplicas(n).withServiceName(f.workload())
                    .withNewSelector().withMatchLabels(selector).endSelector().withTemplate(template).endSpec()
                    .withNewStatus().withObservedGeneration(2L).withReplicas(n).withUpdatedReplicas(updated)
                    .withReadyReplicas(ready).withCurrentReplicas(updated).endStatus().build()).create();
            case "DaemonSet" -> c.apps().daemonSets().inNamespace(f.namespace()).resource(new DaemonSetBuilder()
                    .withMetadata(meta).withNewSpec().withNewSelector().withMatchLabels(selector).endSelector()
                    .withTemplate(template).endSpec()
                    .withNewStatus().withObservedGeneration(2L).withDesiredNumberScheduled(n)
                    .withUpdatedNumberScheduled(updated).withNumberReady(ready).withCurrentNumberScheduled(n)
                    .withNumberMisscheduled(0).endStatus().build()).create();
            default -> throw new IllegalArgumentException(f.kind());
        }
        for (int i = 0; i < n; i++) {
            boolean crashing = f.health() == Health.CRASH_LOOPING && i == 0;
            var status = new ContainerStatusBuilder().withName(f.workload()).withImage(f.image())
                    .withReady(!crashing).withRestartCount(crashing ? 14 : 0);
            status = crashing
                    ? status.withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
                    : status.withNewState().withNewRunning().withStartedAt(t).endRunning().endState();
            c.pods().inNamespace(f.namespace()).resource(new PodBuilder()
                    .withNewMetadata().withName(f.workload() + "-" + i).withNamespace(f.namespace()).withLabels(selector).endMetadata()
                    .withNewSpec().addNewContainer().withName(f.workload()).withImage(f.image()).endContainer().endSpec()
                    .withNewStatus().withPhase("Running").withStartTime(t).withContainerStatuses(status.build()).endStatus()
                    .build()).create();
        }
    }

    private static void helmSecret(KubernetesClient c, Footprint f, int revision, String status, String version, Instant at) {
        String json = """
                {"name":"%s","namespace":"%s","version":%d,
                 "info":{"first_deployed":"%s","last_deployed":"%s","status":"%s"},
                 "chart":{"metadata":{"name":"%s","version":"%s","appVersion":"%s","apiVersion":"v2"}},
                 "config":{},"manifest":""}
                """.formatted(f.release(), f.namespace(), revision, at, at, status, f.chartName(), version,
                f.appVersion() == null ? "" : f.appVersion());
        c.secrets().inNamespace(f.namespace()).resource(new SecretBuilder()
                .withNewMetadata().withName("sh.helm.release.v1." + f.release() + ".v" + revision)
                .withNamespace(f.namespace())
                .withLabels(Map.of("owner", "helm", "name", f.release(), "status", status, "version", String.valueOf(revision)))
                .endMetadata()
                .withType("helm.sh/release.v1")
                .withData(Map.of("release", encodeRelease(json)))
                .build()).create();
    }

    /** Encodes a release JSON the way Helm 3 stores it (gzip, base64) — the value of a Secret's data.release. */
    public static String encodeRelease(String json) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
                gz.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String helm = java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
            return java.util.Base64.getEncoder().encodeToString(helm.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
