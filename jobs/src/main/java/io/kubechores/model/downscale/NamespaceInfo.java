package io.kubechores.model.downscale;

import io.kubechores.model.downscale.NamespaceInfo;

import java.util.Map;

/** An observed namespace: its annotations can set schedules/exclusions for every workload in it. */
public record NamespaceInfo(String name, Map<String, String> annotations) {
    public NamespaceInfo {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
