package io.kubechores.model.downscale;

import io.kubechores.model.downscale.DownscaleAnnotations;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Annotation keys on live objects. Every setting is read under the kubechores.io/ prefix first and kube-downscaler's
 * downscaler/ prefix second, so workloads annotated for kube-downscaler work unchanged. What the job writes uses
 * kubechores.io/ only; a restore removes the original-replicas annotation under both prefixes.
 */
public final class DownscaleAnnotations {
    public static final String KUBECHORES = "kubechores.io/";
    public static final String DOWNSCALER = "downscaler/";

    public static final String UPTIME = "uptime";
    public static final String DOWNTIME = "downtime";
    public static final String EXCLUDE = "exclude";
    public static final String EXCLUDE_UNTIL = "exclude-until";
    public static final String DOWNTIME_REPLICAS = "downtime-replicas";
    /**
     * GoKubeDownscaler's spelling of downtime-replicas (caas-team/GoKubeDownscaler internal/pkg/values/scopeParser.go,
     * annotationDownscaleReplicas), read after both downtime-replicas keys.
     */
    public static final String GO_DOWNSCALE_REPLICAS = DOWNSCALER + "downscale-replicas";
    public static final String FORCE_UPTIME = "force-uptime";
    public static final String FORCE_DOWNTIME = "force-downtime";
    public static final String ORIGINAL_REPLICAS = "original-replicas";

    /** Written with the scale-down, in the same PATCH. */
    public static final String ORIGINAL_WRITTEN = KUBECHORES + ORIGINAL_REPLICAS;
    /** Both keys a restore removes. */
    public static final List<String> ORIGINAL_KEYS = List.of(KUBECHORES + ORIGINAL_REPLICAS, DOWNSCALER + ORIGINAL_REPLICAS);
    /** Higher restores first during staggered upscale (kubechores.io only, integer, default 0). */
    public static final String UPSCALE_PRIORITY = KUBECHORES + "upscale-priority";

    /**
     * Field manager of every write (PATCH ?fieldManager=), so Argo CD's ignoreDifferences.managedFieldsManagers can
     * name it (Argo CD docs, "Diffing Customization").
     */
    public static final String FIELD_MANAGER = "kubechores";

    private DownscaleAnnotations() {}

    /** An annotation found under one of the prefixes. */
    public record Found(String key, String value) {}

    /** The setting under kubechores.io/ if present, else under downscaler/. */
    public static Optional<Found> get(Map<String, String> annotations, String setting) {
        String v = annotations.get(KUBECHORES + setting);
        if (v != null) return Optional.of(new Found(KUBECHORES + setting, v));
        v = annotations.get(DOWNSCALER + setting);
        if (v != null) return Optional.of(new Found(DOWNSCALER + setting, v));
        return Optional.empty();
    }
}
