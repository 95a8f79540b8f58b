package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;

/**
 * A workload and where it is defined, or why that could not be found (never guessed).
 *
 * @param workload what was observed
 * @param source   where it is defined; null when not found
 * @param how      how it was found ("argocd tracking-id app shop", ...) or why not
 */
public record Located(Observation workload, SourceRef source, String how) {
    public boolean found() {
        return source != null;
    }
}
