package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads what a tool (cluster add-on) runs on one cluster: its Helm release (from Helm's release Secret) and the state
 * of its health-check workloads (rollout, readiness, restarts, images, version labels). Read-only.
 */
public final class PromoteKube {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromoteKube() {}

    /**
     * @param namespace   where the tool runs
     * @param releaseName Helm release name (null: the tool is not a Helm release)
     * @param checks      the health-check workloads
     */
    public record Query(String namespace, String releaseName, List<Check> checks) {
        public Query {
            checks = checks == null ? List.of() : List.copyOf(checks);
        }
    }

    /** @param kind Deployment | StatefulSet | DaemonSet */
    public record Check(String kind, String name) {}

    /**
     * The deployed Helm release (highest revision with status=deployed).
     *
     * @param deployedAt info.last_deployed (null if absent)
     */
    public record HelmRelease(String name, int revision, String chartName, String chartVersion, String appVersion,
                              Instant deployedAt) {}

    /**
     * @param found              false when the workload does not exist
     * @param generation         metadata.generation
     * @param observedGeneration status.observedGeneration (0 when absent)
     * @param desired            spec.replicas (DaemonSet: desiredNumberScheduled)
     * @param updated            updatedReplicas (DaemonSet: updatedNumberScheduled)
     * @param ready              readyReplicas (DaemonSet: numberReady)
     * @param restarts           sum of container restartCounts of the workload's pods
     * @param crashLooping       pods with a container waiting in CrashLoopBackOff
     * @param images             container images of the pod template
     * @param labels             the workload's labels (app.kubernetes.io/version, helm.sh/chart)
     * @param rolledOutAt        when the current rollout began, as far as the API tells (Deployment: its current
     *                           revision's ReplicaSet creationTimestamp; otherwise the newest pod start)
     */
    public record WorkloadState(String kind, String name, boolean found, long generation, long observedGeneration,
                                int desired, int updated, int ready, int restarts, List<String> crashLooping,
                                List<String> images, Map<String, String> labels, Instant rolledOutAt) {
        public WorkloadState {
            crashLooping = crashLooping == null ? List.of() : List.copyOf(crashLooping);
            images = images == null ? List.of() : List.copyOf(images);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        static WorkloadState missing(String kind, String name) {
            return new WorkloadState(kind, name, false, 0, 0, 0, 0, 0, 0, List.of(), List.of(), Map.of(), null);
        }
    }

    /** @param helm the deployed release, null when none (or the tool is not a Helm release) */
    public record ToolObservation(HelmRelease helm, List<WorkloadState> workloads) {
        public ToolObservation {
            workloads = workloads == null ? List.of() : List.copyOf(workloads);
        }
    }

    public static ToolObservation observe(KubernetesClient client, Query q) {
        HelmRelease helm = q.releaseName() == null ? null : helmRelease(client, q.namespace(), q.releaseName());
        List<WorkloadState> ws = new ArrayList<>();
        for (Check c : q.checks()) ws.add(workload(client, q.namespace(), c));
        return new ToolObservation(helm, ws);
    }

    /** The deployed release from Helm 3's storage: Secrets of type helm.sh/release.v1 labelled owner=helm, name, status=deployed. */
    public static HelmRelease helmRelease(KubernetesClient client, String namespace, String release) {
        List<Secret> secrets = client.secrets().inNamespace(namespace)
                .withLabel("owner", "helm").withLabel("name", release).withLabel("status", "deployed")
                .list().getItems();
        Secret newest = secrets.stream()
                .filter(s -> "helm.sh/release.v1".equals(s.getType()))
                .max(Comparator.comparingInt(PromoteKube::revision)).orElse(null);
        if (newest == null || newest.getData() == null || newest.getData().get("release") == null) return null;
        JsonNode rel = decodeRelease(newest.getData().get("release"));
        JsonNode meta = rel.path("chart").path("metadata");
        String deployed = rel.path("info").path("last_deployed").asText(null);
        return new HelmRelease(release, revision(newest), meta.path("name").asText(null),
                meta.path("version").asText(null), meta.path("appVersion").asText(null),
                deployed == null ? null : OffsetDateTime.parse(deployed).toInstant());
    }

    private static int revision(Secret s) {
        String v = s.getMetadata().getLabels() == null ? null : s.getMetadata().getLabels().get("version");
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Decodes a Secret's data.release: the API's base64, then Helm's own base64 of (usually gzipped) JSON.
     */
    public static JsonNode decodeRelease(String secretData) {
        try {
            byte[] helmEncoded = Base64.getDecoder().decode(secretData);
            byte[] raw = Base64.getDecoder().decode(new String(helmEncoded, java.nio.charset.StandardCharsets.US_ASCII).trim());
            InputStream in = new ByteArrayInputStream(raw);
            if (raw.length > 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) in = new GZIPInputStream(in);
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode Helm release", e);
        }
    }

    private static WorkloadState workload(KubernetesClient client, String ns, Check c) {
        return switch (c.kind()) {
            case "Deployment" -> {
                Deployment d = client.apps().deployments().inNamespace(ns).withName(c.name()).get();
                if (d == null) yield WorkloadState.missing(c.kind(), c.name());
                var st = d.getStatus();
                int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                Instant rolled = currentRevisionCreated(client, d);
                yield state(client, d, c, desired, st == null ? null : st.getObservedGeneration(),
                        st == null ? null : st.getUpdatedReplicas(), st == null ? null : st.getReadyReplicas(),
                        d.getSpec().getSelector(), d.getSpec().getTemplate().getSpec(), rolled);
            }
            case "StatefulSet" -> {
                StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName(c.name()).get();
                if (s == null) yield WorkloadState.missing(c.kind(), c.name());
                var st = s.getStatus();
                int desired = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
                Instant rolled = st == null || st.getUpdateRevision() == null ? null
                        : revisionCreated(client, ns, st.getUpdateRevision());
                yield state(client, s, c, desired, st == null ? null : st.getObservedGeneration(),
                        st == null ? null : st.getUpdatedReplicas(), st == null ? null : st.getReadyReplicas(),
                        s.getSpec().getSelector(), s.getSpec().getTemplate().getSpec(), rolled);
            }
            case "DaemonSet" -> {
                DaemonSet s = client.apps().daemonSets().inNamespace(ns).withName(c.name()).get();
                if (s == null) yield WorkloadState.missing(c.kind(), c.name());
                var st = s.getStatus();
                int desired = st == null || st.getDesiredNumberScheduled() == null ? 0 : st.getDesiredNumberScheduled();
                yield state(client, s, c, desired, st == null ? null : st.getObservedGeneration(),
                        st == null ? null : st.getUpdatedNumberScheduled(), st == null ? null : st.getNumberReady(),
                        s.getSpec().getSelector(), s.getSpec().getTemplate().getSpec(), null);
            }
            default -> throw new IllegalArgumentException("unsupported health-check kind " + c.kind());
        };
    }

    static final String REVISION = "deployment.kubernetes.io/revision";

    /**
     * A label selector's meaning (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors):
     * every matchLabels pair and every matchExpressions requirement holds — In: the key is present with one of the
     * values; NotIn: the key is absent or its value is none of them; Exists / DoesNotExist: the key is (not) present.
     */
    public static boolean selects(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (var e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) return false;
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (var r : selector.getMatchExpressions()) {
                String v = l.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> v != null && values.contains(v);
                    case "NotIn" -> v == null || !values.contains(v);
                    case "Exists" -> l.containsKey(r.getKey());
                    case "DoesNotExist" -> !l.containsKey(r.getKey());
                    default -> false; // an operator the API does not know selects nothing
                };
                if (!ok) return false;
            }
        }
        return true;
    }

    /**
     * When the Deployment's current rollout began: the creationTimestamp of its ReplicaSet (owned by it) whose
     * deployment.kubernetes.io/revision annotation is the Deployment's own. Not the Progressing condition's
     * lastUpdateTime: the API documents it as "the last time this condition was updated", and the controller
     * refreshes it on every scale (an HPA scale-up passes through ReplicaSetUpdated and back to
     * NewReplicaSetAvailable); nor its lastTransitionTime, which stays from the first rollout while the status stays
     * True (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status). A ReplicaSet
     * reused by a rollback (annotation deployment.kubernetes.io/revision-history) keeps its old creationTimestamp, so
     * then null (the caller falls back to the newest pod start).
     */
    static Instant currentRevisionCreated(KubernetesClient client, Deployment d) {
        String revision = d.getMetadata().getAnnotations() == null ? null : d.getMetadata().getAnnotations().get(REVISION);
        if (revision == null || d.getSpec().getSelector() == null) return null;
        for (ReplicaSet rs : client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace())
                .withLabelSelector(d.getSpec().getSelector()).list().getItems()) {
            if (!selects(d.getSpec().getSelector(), rs.getMetadata().getLabels())) continue;
            boolean owned = rs.getMetadata().getOwnerReferences() != null && rs.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> "Deployment".equals(o.getKind()) && d.getMetadata().getName().equals(o.getName()));
            Map<String, String> a = rs.getMetadata().getAnnotations() == null ? Map.of() : rs.getMetadata().getAnnotations();
            if (owned && revision.equals(a.get(REVISION))) {
                return a.containsKey("deployment.kubernetes.io/revision-history") ? null : time(rs.getMetadata().getCreationTimestamp());
            }
        }
        return null;
    }

    /**
     * A StatefulSet's rollout: the creationTimestamp of the ControllerRevision named by status.updateRevision (the
     * revision its pods are being / have been updated to; https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/#StatefulSetStatus).
     * null when it cannot be read (then the newest pod start).
     */
    static Instant revisionCreated(KubernetesClient client, String ns, String name) {
        try {
            var rev = client.apps().controllerRevisions().inNamespace(ns).withName(name).get();
            return rev == null ? null : time(rev.getMetadata().getCreationTimestamp());
        } catch (RuntimeException noAccess) {
            return null; // e.g. RBAC without controllerrevisions: the pod fallback still dates it
        }
    }

    private static WorkloadState state(KubernetesClient client, HasMetadata w, Check c, int desired, Long observedGen,
                                       Integer updated, Integer ready, LabelSelector selector, PodSpec template,
                                       Instant rolledOutAt) {
        int restarts = 0;
        List<String> crash = new ArrayList<>();
        Instant newestStart = null;
        boolean selects = selector != null && ((selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty())
                || (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()));
        if (selects) {
            // the whole selector, matchExpressions included: sent to the API server, and evaluated here as well
            for (Pod p : client.pods().inNamespace(w.getMetadata().getNamespace())
                    .withLabelSelector(selector).list().getItems()) {
                if (!selects(selector, p.getMetadata().getLabels())) continue;
                if (p.getStatus() == null) continue;
                Instant started = time(p.getStatus().getStartTime());
                if (started != null && (newestStart == null || started.isAfter(newestStart))) newestStart = started;
                if (p.getStatus().getContainerStatuses() == null) continue;
                for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                    restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
                    if (cs.getState() != null && cs.getState().getWaiting() != null
                            && "CrashLoopBackOff".equals(cs.getState().getWaiting().getReason())) {
                        crash.add(p.getMetadata().getName());
                    }
                }
            }
        }
        List<String> images = template == null || template.getContainers() == null ? List.of()
                : template.getContainers().stream().map(Container::getImage).filter(Objects::nonNull).toList();
        long gen = w.getMetadata().getGeneration() == null ? 0 : w.getMetadata().getGeneration();
        return new WorkloadState(c.kind(), c.name(), true, gen, observedGen == null ? 0 : observedGen, desired,
                updated == null ? 0 : updated, ready == null ? 0 : ready, restarts, crash.stream().distinct().toList(),
                images, w.getMetadata().getLabels(), rolledOutAt != null ? rolledOutAt : newestStart);
    }

    private static Instant time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isBlank()) return null;
        return OffsetDateTime.parse(rfc3339).toInstant();
    }
}
