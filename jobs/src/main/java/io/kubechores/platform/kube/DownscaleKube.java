package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.kubechores.model.downscale.ClusterObservation;
import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.DownscaleAnnotations;
import io.kubechores.model.downscale.DownscalePlan;
import io.kubechores.model.downscale.GitOpsOwner;
import io.kubechores.model.downscale.NamespaceInfo;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Every fabric8 call of the downscale job: one LIST per kind (plus namespaces), one JSON PATCH per changed object
 * (value and original-replicas annotation together, conditional on the resourceVersion that was read), one Event per
 * changed object.
 */
public final class DownscaleKube {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPONENT = "kubechores-downscale";

    private final KubernetesClient client;
    private final String master;
    private final long requestTimeoutMillis;

    public DownscaleKube(KubernetesClient client) {
        this.client = client;
        String m = client.getMasterUrl().toString();
        this.master = m.endsWith("/") ? m.substring(0, m.length() - 1) : m;
        Integer timeout = client.getConfiguration().getRequestTimeout();
        this.requestTimeoutMillis = timeout == null || timeout <= 0 ? 0 : timeout;
    }

    /** API coordinates of each kind (generic resources: KEDA and Argo CRDs may be absent). */
    static ResourceDefinitionContext context(WorkloadKind k) {
        String[] gv = k.apiVersion().split("/");
        return new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1]).withKind(k.kindName())
                .withPlural(plural(k)).withNamespaced(true).build();
    }

    static String plural(WorkloadKind k) {
        return switch (k) {
            case DEPLOYMENT -> "deployments";
            case STATEFULSET -> "statefulsets";
            case CRONJOB -> "cronjobs";
            case HPA -> "horizontalpodautoscalers";
            case SCALEDOBJECT -> "scaledobjects";
            case ROLLOUT -> "rollouts";
        };
    }

    /** Reads namespaces and every listed kind: one LIST each. A kind whose API is not served is reported missing. */
    public ClusterObservation collect(Set<WorkloadKind> kinds) {
        Map<String, NamespaceInfo> namespaces = new HashMap<>();
        for (Namespace ns : client.namespaces().list().getItems()) {
            String name = ns.getMetadata().getName();
            namespaces.put(name, new NamespaceInfo(name, ns.getMetadata().getAnnotations()));
        }
        List<Workload> workloads = new ArrayList<>();
        Set<WorkloadKind> missing = EnumSet.noneOf(WorkloadKind.class);
        for (WorkloadKind k : kinds) {
            List<GenericKubernetesResource> items;
            try {
                items = client.genericKubernetesResources(context(k)).inAnyNamespace().list().getItems();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404 && (k == WorkloadKind.SCALEDOBJECT || k == WorkloadKind.ROLLOUT)) {
                    missing.add(k);
                    continue;
                }
                throw e;
            }
            for (GenericKubernetesResource r : items) workloads.add(toWorkload(k, r));
        }
        return new ClusterObservation(namespaces, workloads, missing, gitOpsOwners());
    }

    /** Flux Kustomizations/HelmReleases and Argo CD Applications: one LIST each, none where the CRD is absent (404). */
    List<GitOpsOwner> gitOpsOwners() {
        List<GitOpsOwner> out = new ArrayList<>();
        for (GitOpsOwner.Kind k : GitOpsOwner.Kind.values()) {
            String[] gv = k.apiVersion().split("/");
            ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1])
                    .withKind(k.kindName()).withPlural(k.plural()).withNamespaced(true).build();
            List<GenericKubernetesResource> items;
            try {
                items = client.genericKubernetesResources(ctx).inAnyNamespace().list().getItems();
            } catch (KubernetesClientException e) {
                // 404: the controller is not installed; 403: not granted (an older ClusterRole): the owners are then
                // unknown and the plan warns for each workload they manage instead of pausing them
                if (e.getCode() == 404 || e.getCode() == 403) continue;
                throw e;
            }
            for (GenericKubernetesResource r : items) {
                var md = r.getMetadata();
                boolean paused = k == GitOpsOwner.Kind.APPLICATION
                        ? !Boolean.TRUE.equals(r.get("spec", "syncPolicy", "automated", "selfHeal"))
                        : Boolean.TRUE.equals(r.get("spec", "suspend"));
                boolean ours = md.getAnnotations() != null && md.getAnnotations().containsKey(GitOpsOwner.MARKER);
                out.add(new GitOpsOwner(k, md.getNamespace(), md.getName(), md.getResourceVersion(), paused, ours));
            }
        }
        return out;
    }

    /**
     * Pauses (Flux spec.suspend true / Argo CD spec.syncPolicy.automated.selfHeal false, with {@link GitOpsOwner#MARKER})
     * or resumes (the opposite, marker removed) one GitOps object with a JSON PATCH conditional on what was read.
     */
    public PatchResult pauseOrResume(DownscalePlan.GitOpsDecision d) {
        GitOpsOwner o = d.owner();
        String type, body;
        if (d.pause()) {
            // JSON merge patch (RFC 7386): adds the marker whether or not the object has annotations yet; the
            // resourceVersion makes it conditional (409 when changed since the LIST)
            ObjectNode b = JSON.createObjectNode();
            ObjectNode md = b.putObject("metadata");
            if (o.resourceVersion() != null) md.put("resourceVersion", o.resourceVersion());
            md.putObject("annotations").put(GitOpsOwner.MARKER, "downscale: " + d.detail());
            if (o.kind() == GitOpsOwner.Kind.APPLICATION) {
                b.putObject("spec").putObject("syncPolicy").putObject("automated").put("selfHeal", false);
            } else {
                b.putObject("spec").put("suspend", true);
            }
            type = "application/merge-patch+json";
            body = b.toString();
        } else {
            // JSON Patch: the marker is known to be there (that is why it is resumed), "remove" drops it
            ArrayNode ops = JSON.createArrayNode();
            if (o.resourceVersion() != null) {
                ops.addObject().put("op", "test").put("path", "/metadata/resourceVersion").put("value", o.resourceVersion());
            }
            if (o.kind() == GitOpsOwner.Kind.APPLICATION) {
                ops.addObject().put("op", "add").put("path", "/spec/syncPolicy/automated/selfHeal").put("value", true);
            } else {
                ops.addObject().put("op", "add").put("path", "/spec/suspend").put("value", false);
            }
            ops.addObject().put("op", "remove").put("path", "/metadata/annotations/" + escape(GitOpsOwner.MARKER));
            type = OperationSupport.JSON_PATCH;
            body = ops.toString();
        }
        return join(send(http().newHttpRequestBuilder()
                .uri(url(o.kind().apiVersion(), o.namespace(), o.kind().plural(), o.name()) + "?fieldManager="
                        + DownscaleAnnotations.FIELD_MANAGER)
                .method("PATCH", type, body))
                .thenApply(r -> {
                    int code = r.code();
                    if (code / 100 == 2) return PatchResult.PATCHED;
                    if (code == 409 || code == 422) return PatchResult.CONFLICT;
                    if (code == 404) return PatchResult.GONE;
                    throw failure(r);
                }));
    }

    /** Re-reads one object (after a conflict); empty when it was deleted. */
    public Optional<Workload> get(Workload w) {
        GenericKubernetesResource r = client.genericKubernetesResources(context(w.kind()))
                .inNamespace(w.namespace()).withName(w.name()).get();
        return Optional.ofNullable(r).map(x -> toWorkload(w.kind(), x));
    }

    static Workload toWorkload(WorkloadKind k, GenericKubernetesResource r) {
        var md = r.getMetadata();
        Map<String, String> ann = md.getAnnotations() == null ? Map.of() : md.getAnnotations();
        int value = switch (k) {
            case DEPLOYMENT, STATEFULSET, ROLLOUT -> intAt(r, 1, "spec", "replicas");
            case HPA -> intAt(r, 1, "spec", "minReplicas");
            case CRONJOB -> Boolean.TRUE.equals(r.get("spec", "suspend")) ? 0 : 1;
            case SCALEDOBJECT -> {
                String p = ann.get(WorkloadKind.KEDA_PAUSED_REPLICAS);
                yield p == null ? WorkloadKind.UNPAUSED : parseOr(p, WorkloadKind.UNPAUSED);
            }
        };
        double cpu = 0, mem = 0;
        if (k.runsPods()) {
            Object containers = r.get("spec", "template", "spec", "containers");
            if (containers instanceof List<?> cs) {
                for (Object c : cs) {
                    if (c instanceof Map<?, ?> cm && cm.get("resources") instanceof Map<?, ?> res
                            && res.get("requests") instanceof Map<?, ?> req) {
                        cpu += amount(req.get("cpu"));
                        mem += amount(req.get("memory"));
                    }
                }
            }
        }
        Instant created = md.getCreationTimestamp() == null ? null
                : DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(md.getCreationTimestamp(), Instant::from);
        return new Workload(k, md.getNamespace(), md.getName(), md.getUid(), md.getResourceVersion(), created,
                md.getLabels(), ann, value, cpu, mem, scaleTarget(k, r));
    }

    /**
     * spec.scaleTargetRef as Kind/name: HPA (autoscaling/v2 CrossVersionObjectReference, kind and name required),
     * ScaledObject (KEDA ScaleTarget: kind optional, default Deployment; keda.sh docs "ScaledObject specification").
     */
    static String scaleTarget(WorkloadKind k, GenericKubernetesResource r) {
        if (k != WorkloadKind.HPA && k != WorkloadKind.SCALEDOBJECT) return null;
        Object name = r.get("spec", "scaleTargetRef", "name");
        if (!(name instanceof String n) || n.isBlank()) return null;
        Object kind = r.get("spec", "scaleTargetRef", "kind");
        String kindName = kind instanceof String s && !s.isBlank() ? s : "Deployment";
        return WorkloadKind.byKindName(kindName).map(WorkloadKind::kindName).orElse(kindName) + "/" + n;
    }

    private static int intAt(GenericKubernetesResource r, int dflt, Object... path) {
        Object v = r.get(path);
        return v instanceof Number n ? n.intValue() : dflt;
    }

    private static int parseOr(String s, int dflt) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static double amount(Object q) {
        if (q == null) return 0;
        try {
            BigDecimal b = Quantity.getAmountInBytes(new Quantity(q.toString()));
            return b.doubleValue();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * The JSON Patch (RFC 6902) for a decision: value and annotations in one document. With conditional it starts
     * with a test of the resourceVersion that was read, so an object changed since the LIST is not overwritten.
     * (JSON Patch rather than merge patch: removing an annotation is an explicit "remove", which every API server,
     * simulated ones included, applies the same way.)
     */
    static String patchBody(Decision d, boolean conditional) {
        Workload w = d.workload();
        ArrayNode ops = JSON.createArrayNode();
        if (conditional && w.resourceVersion() != null) {
            ops.addObject().put("op", "test").put("path", "/metadata/resourceVersion").put("value", w.resourceVersion());
        }
        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>();
        switch (d.verb()) {
            case SCALE_DOWN -> set.put(DownscaleAnnotations.ORIGINAL_WRITTEN, w.kind().format(d.from()));
            case RESTORE, FORGET_ORIGINAL -> DownscaleAnnotations.ORIGINAL_KEYS.stream()
                    .filter(key -> w.annotations().containsKey(key)).forEach(remove::add);
            default -> throw new IllegalArgumentException("not a change: " + d.verb());
        }
        if (d.verb() != Decision.Verb.FORGET_ORIGINAL) {
            int to = d.to();
            switch (w.kind()) {
                case DEPLOYMENT, STATEFULSET, ROLLOUT ->
                        ops.addObject().put("op", "add").put("path", "/spec/replicas").put("value", to);
                case HPA -> ops.addObject().put("op", "add").put("path", "/spec/minReplicas").put("value", to);
                case CRONJOB -> ops.addObject().put("op", "add").put("path", "/spec/suspend").put("value", to == 0);
                case SCALEDOBJECT -> {
                    if (to != WorkloadKind.UNPAUSED) set.put(WorkloadKind.KEDA_PAUSED_REPLICAS, Integer.toString(to));
                    else if (w.annotations().containsKey(WorkloadKind.KEDA_PAUSED_REPLICAS))
                        remove.add(WorkloadKind.KEDA_PAUSED_REPLICAS);
                }
            }
        }
        if (!set.isEmpty() && w.annotations().isEmpty()) {
            ObjectNode all = ops.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value");
            set.forEach(all::put);
        } else {
            set.forEach((k, v) -> ops.addObject().put("op", "add").put("path", "/metadata/annotations/" + escape(k))
                    .put("value", v));
        }
        remove.forEach(k -> ops.addObject().put("op", "remove").put("path", "/metadata/annotations/" + escape(k)));
        return ops.toString();
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** Outcome of a PATCH. */
    public enum PatchResult { PATCHED, CONFLICT, GONE }

    /**
     * Applies a decision with one JSON PATCH. With conditional, the write carries the resourceVersion that was
     * read, so an object changed since the LIST is not overwritten (CONFLICT: the caller re-reads and re-plans).
     * <p>
     * The request goes through the client's own HTTP client (same connection pool, auth, retries and request timeout
     * as fabric8's DSL): the DSL would copy the object, and deserialise the whole patched object it gets back, into a
     * model nobody reads; only the status matters here.
     */
    public PatchResult patch(Decision d, boolean conditional) {
        return join(patchAsync(d, conditional));
    }

    /**
     * {@link #patch} without blocking: completes on the client's I/O thread, so whatever is chained to it must not
     * block (exceptionally with a KubernetesClientException, as {@link #patch} throws).
     */
    public CompletableFuture<PatchResult> patchAsync(Decision d, boolean conditional) {
        Workload w = d.workload();
        return send(http().newHttpRequestBuilder()
                .uri(url(w.kind().apiVersion(), w.namespace(), plural(w.kind()), w.name()) + "?fieldManager="
                        + DownscaleAnnotations.FIELD_MANAGER)
                .method("PATCH", OperationSupport.JSON_PATCH, patchBody(d, conditional)))
                .thenApply(r -> {
                    int code = r.code();
                    if (code / 100 == 2) return PatchResult.PATCHED;
                    if (code == 409 || code == 422) return PatchResult.CONFLICT;
                    if (code == 404) return PatchResult.GONE;
                    throw failure(r);
                });
    }

    /** Records a Kubernetes Event on a workload. */
    public void event(Workload w, String type, String reason, String message, Instant at) {
        join(eventAsync(w, type, reason, message, at));
    }

    /** {@link #event} without blocking (see {@link #patchAsync}). */
    public CompletableFuture<Void> eventAsync(Workload w, String type, String reason, String message, Instant at) {
        String name = w.name() + "." + Long.toHexString(at.toEpochMilli()) + hash(reason + message);
        return createEvent(w.namespace(), name, w.kind().apiVersion(), w.kind().kindName(), w.name(), w.uid(), type,
                reason, message, at);
    }

    /**
     * Records a Warning Event whose name is derived from the message, so the same warning is recorded once, not
     * once per run (a repeat is answered 409 and ignored).
     */
    public void warningOnce(Workload w, String reason, String message, Instant at) {
        String name = w.name() + ".kubechores-" + hash(w.uid() + reason + message);
        join(createEvent(w.namespace(), name, w.kind().apiVersion(), w.kind().kindName(), w.name(), w.uid(),
                "Warning", reason, message, at));
    }

    /** Same on a Namespace object. */
    public void namespaceWarningOnce(String namespace, String reason, String message, Instant at) {
        String name = namespace + ".kubechores-" + hash(namespace + reason + message);
        join(createEvent(namespace, name, "v1", "Namespace", namespace, null, "Warning", reason, message, at));
    }

    /** One POST of a core/v1 Event, its JSON written directly (as fabric8 would serialise the Event model). */
    private CompletableFuture<Void> createEvent(String namespace, String name, String apiVersion, String kind, String objName,
                             String uid, String type, String reason, String message, Instant at) {
        String ts = at.toString();
        ObjectNode ev = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Event");
        ev.putObject("metadata").put("name", trim(name)).put("namespace", namespace);
        ObjectNode involved = ev.putObject("involvedObject").put("apiVersion", apiVersion).put("kind", kind)
                .put("name", objName);
        if (!kind.equals("Namespace")) involved.put("namespace", namespace);
        if (uid != null) involved.put("uid", uid);
        ev.put("type", type).put("reason", reason)
                .put("message", message.length() > 1000 ? message.substring(0, 1000) : message)
                .put("firstTimestamp", ts).put("lastTimestamp", ts).put("count", 1);
        ev.putObject("source").put("component", COMPONENT);
        ev.put("reportingComponent", COMPONENT).put("reportingInstance", COMPONENT);
        return send(http().newHttpRequestBuilder().uri(url("v1", namespace, "events", null))
                .post(OperationSupport.JSON, ev.toString()))
                .thenAccept(r -> {
                    if (r.code() / 100 != 2 && r.code() != 409) throw failure(r);
                });
    }

    private HttpClient http() {
        return client.getHttpClient();
    }

    /** {master}/api/v1/... or {master}/apis/group/version/..., the master URL may carry a path (API proxies). */
    private String url(String apiVersion, String namespace, String plural, String name) {
        StringBuilder b = new StringBuilder(master).append(apiVersion.indexOf('/') < 0 ? "/api/" : "/apis/")
                .append(apiVersion).append("/namespaces/").append(namespace).append('/').append(plural);
        if (name != null) b.append('/').append(name);
        return b.toString();
    }

    /** Sends with the request timeout the DSL uses; a transport failure is a KubernetesClientException like the DSL's. */
    private CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder builder) {
        if (requestTimeoutMillis > 0) builder.timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS);
        HttpRequest request = builder.build();
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = http().sendAsync(request, String.class);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return CompletableFuture.failedFuture(cause instanceof KubernetesClientException k ? k
                    : OperationSupport.requestException(request, cause instanceof Exception x ? x
                    : new RuntimeException(cause)));
        });
    }

    /** Waits for an async call; its KubernetesClientException is rethrown as is. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KubernetesClientException.launderThrowable(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw KubernetesClientException.launderThrowable(e.getCause());
        }
    }

    private KubernetesClientException failure(HttpResponse<String> r) {
        return OperationSupport.requestFailure(r.request(), OperationSupport.createStatus(r,
                client.getKubernetesSerialization()));
    }

    /** Event names: lower case, [a-z0-9.-], at most 250 characters. */
    static String trim(String name) {
        int n = Math.min(name.length(), 250);
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            out[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '-';
        }
        return new String(out);
    }

    private static String hash(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
