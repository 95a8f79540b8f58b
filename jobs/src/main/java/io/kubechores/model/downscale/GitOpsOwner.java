package io.kubechores.model.downscale;

import io.kubechores.model.downscale.GitOpsOwner;

import java.util.Map;
import java.util.Optional;

/**
 * A GitOps object that would revert a downscale: a Flux Kustomization or HelmRelease (paused with spec.suspend: Flux
 * docs, "flux suspend kustomization": suspend disables the reconciliation) or an Argo CD Application with automated
 * self-heal (paused by setting spec.syncPolicy.automated.selfHeal false: Argo CD docs, "Automated Sync Policy",
 * self-healing reverts live changes only when selfHeal is true). Observed, no fabric8 types.
 *
 * @param kind            which controller's object
 * @param namespace       its namespace
 * @param name            its name
 * @param resourceVersion as read (writes are conditional on it)
 * @param paused          Flux: spec.suspend is true; Argo: no automated self-heal (nothing to pause)
 * @param pausedByUs      carries {@link #MARKER}: kubechores paused it and will resume it
 */
public record GitOpsOwner(Kind kind, String namespace, String name, String resourceVersion, boolean paused,
                          boolean pausedByUs) {
    /** Written with the pause, removed with the resume; a human's own suspension (without it) is never undone. */
    public static final String MARKER = "kubechores.io/downscale-paused";
    /** Namespace of Argo CD Applications when the tracking id does not name one (Argo CD's default install). */
    public static final String ARGO_NAMESPACE = "argocd";

    public enum Kind {
        KUSTOMIZATION("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "kustomizations"),
        HELMRELEASE("HelmRelease", "helm.toolkit.fluxcd.io/v2", "helmreleases"),
        APPLICATION("Application", "argoproj.io/v1alpha1", "applications");

        private final String kindName;
        private final String apiVersion;
        private final String plural;

        Kind(String kindName, String apiVersion, String plural) {
            this.kindName = kindName;
            this.apiVersion = apiVersion;
            this.plural = plural;
        }

        public String kindName() {
            return kindName;
        }

        public String apiVersion() {
            return apiVersion;
        }

        public String plural() {
            return plural;
        }
    }

    public String key() {
        return key(kind, namespace, name);
    }

    public String ref() {
        return namespace + "/" + kind.kindName() + "/" + name;
    }

    public static String key(Kind kind, String namespace, String name) {
        return kind + ":" + namespace + "/" + name;
    }

    /**
     * The GitOps object that owns a workload, from what the controllers write on the objects they apply: Flux
     * helm.toolkit.fluxcd.io/name+namespace labels (helm-controller) or kustomize.toolkit.fluxcd.io/name+namespace
     * (kustomize-controller); Argo CD's argocd.argoproj.io/tracking-id annotation ("app:group/Kind:ns/name", the app
     * written "namespace_app" when Applications live outside argocd) or argocd.argoproj.io/instance label.
     */
    public static Optional<String> ownerKey(Map<String, String> labels, Map<String, String> annotations) {
        String hn = labels.get("helm.toolkit.fluxcd.io/name"), hns = labels.get("helm.toolkit.fluxcd.io/namespace");
        if (hn != null && hns != null) return Optional.of(key(Kind.HELMRELEASE, hns, hn));
        String kn = labels.get("kustomize.toolkit.fluxcd.io/name");
        String kns = labels.get("kustomize.toolkit.fluxcd.io/namespace");
        if (kn != null && kns != null) return Optional.of(key(Kind.KUSTOMIZATION, kns, kn));
        String app = null;
        String tracking = annotations.get("argocd.argoproj.io/tracking-id");
        if (tracking != null && tracking.indexOf(':') > 0) app = tracking.substring(0, tracking.indexOf(':'));
        if (app == null) app = labels.get("argocd.argoproj.io/instance");
        if (app == null || app.isBlank()) return Optional.empty();
        int us = app.indexOf('_');
        return Optional.of(us > 0 ? key(Kind.APPLICATION, app.substring(0, us), app.substring(us + 1))
                : key(Kind.APPLICATION, ARGO_NAMESPACE, app));
    }
}
