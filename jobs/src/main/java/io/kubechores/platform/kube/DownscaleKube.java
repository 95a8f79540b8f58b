package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubechores.downscale.ClusterObservation;
import io.kubechores.downscale.Decision;
import io.kubechores.downscale.DownscaleAnnotations;
import io.kubechores.downscale.NamespaceInfo;
import io.kubechores.downscale.Workload;
import io.kubechores.downscale.WorkloadKind;

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

    public DownscaleKube(KubernetesClient client) {
        this.client = client;
    }

    /** API coordinates of each kind (generic resources: KEDA and Argo CRDs may be absent). */
    static ResourceDefinitionContext context(WorkloadKind k) {
        String[] gv = k.apiVersion().split("/");
        String plural = switch (k) {
            case DEPLOYMENT -> "deployments";
            case STATEFULSET -> "statefulsets";
            case CRONJOB -> "cronjobs";
            case HPA -> "horizontalpodautoscalers";
            case SCALEDOBJECT -> "scaledobjects";
            case ROLLOUT -> "rollouts";
        };
        return new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1]).withKind(k.kindName())
                .withPlural(plural).withNamespaced(true).build();
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
        return new ClusterObservation(namespaces, workloads, missing);
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
                md.getLabels(), ann, value, cpu, mem);
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
     * Applies a decision with one JSON merge PATCH. With conditional, the write carries the resourceVersion that was
     * read, so an object changed since the LIST is not overwritten (CONFLICT: the caller re-reads and re-plans).
     */
    public PatchResult patch(Decision d, boolean conditional) {
        Workload w = d.workload();
        try {
            // handing over the object (name and namespace are all it needs) saves the GET fabric8 does otherwise
            GenericKubernetesResource target = new GenericKubernetesResource();
            target.setApiVersion(w.kind().apiVersion());
            target.setKind(w.kind().kindName());
            target.setMetadata(new ObjectMetaBuilder().withName(w.name()).withNamespace(w.namespace()).build());
            client.genericKubernetesResources(context(w.kind())).inNamespace(w.namespace()).resource(target)
                    .patch(PatchContext.of(PatchType.JSON), patchBody(d, conditional));
            return PatchResult.PATCHED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 422) return PatchResult.CONFLICT;
            if (e.getCode() == 404) return PatchResult.GONE;
            throw e;
        }
    }

    /** Records a Kubernetes Event on a workload. */
    public void event(Workload w, String type, String reason, String message, Instant at) {
        String name = w.name() + "." + Long.toHexString(at.toEpochMilli()) + hash(reason + message);
        createEvent(w.namespace(), name, w.kind().apiVersion(), w.kind().kindName(), w.name(), w.uid(), type, reason,
                message, at);
    }

    /**
     * Records a Warning Event whose name is derived from the message, so the same warning is recorded once, not
     * once per run (a repeat is answered 409 and ignored).
     */
    public void warningOnce(Workload w, String reason, String message, Instant at) {
        String name = w.name() + ".kubechores-" + hash(w.uid() + reason + message);
        createEvent(w.namespace(), name, w.kind().apiVersion(), w.kind().kindName(), w.name(), w.uid(), "Warning",
                reason, message, at);
    }

    /** Same on a Namespace object. */
    public void namespaceWarningOnce(String namespace, String reason, String message, Instant at) {
        String name = namespace + ".kubechores-" + hash(namespace + reason + message);
        createEvent(namespace, name, "v1", "Namespace", namespace, null, "Warning", reason, message, at);
    }

    private void createEvent(String namespace, String name, String apiVersion, String kind, String objName,
                             String uid, String type, String reason, String message, Instant at) {
        String ts = at.toString();
        var ev = new EventBuilder()
                .withNewMetadata().withName(trim(name)).withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withApiVersion(apiVersion).withKind(kind).withName(objName)
                .withNamespace(kind.equals("Namespace") ? null : namespace).withUid(uid).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(ev).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
        }
    }

    private static String trim(String name) {
        String n = name.toLowerCase().replaceAll("[^a-z0-9.-]", "-");
        return n.length() > 250 ? n.substring(0, 250) : n;
    }

    private static String hash(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
