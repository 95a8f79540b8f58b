package io.kubechores.desiredstate;

import java.util.Map;

/** metadata of a desired-state document. */
public record Metadata(String name, Map<String, String> labels, Map<String, String> annotations) {
    public Metadata {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
