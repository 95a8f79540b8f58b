package io.kubechores.model.downscale;

import io.kubechores.model.downscale.Decision;
import io.kubechores.model.downscale.Workload;
import io.kubechores.model.downscale.WorkloadKind;

/**
 * What the planner decided for one workload (a record of the model: platform/kube's DownscaleKube applies it, the
 * downscale job makes it; as a plan line see io.kubechores.downscale.Decisions#toAction).
 *
 * @param workload  the object as observed
 * @param verb      what to do
 * @param from      value now
 * @param to        value after (same as from when only annotations change or nothing is done)
 * @param reason    which rule matched
 * @param wave      upscale wave (1 = highest priority) for restores/deferrals, 0 otherwise
 * @param warnEvent record a Warning Event on the object (bad annotation)
 */
public record Decision(Workload workload, Verb verb, int from, int to, String reason, int wave, boolean warnEvent) {

    public enum Verb {
        /** value → downtime value and original-replicas annotation written in the same PATCH */
        SCALE_DOWN("scale-down", true),
        /** value → original, original-replicas annotations removed, in one PATCH */
        RESTORE("restore", true),
        /** someone changed the value during downtime: keep it, only remove the original-replicas annotations */
        FORGET_ORIGINAL("forget-original", true),
        /** deliberately not touched (grace period, human override) */
        SKIP("skip", false),
        /** restore postponed to a later run by the upscale budget */
        DEFER("defer", false),
        /** an annotation could not be read: not touched, Warning Event */
        INVALID("invalid", false);

        private final String label;
        private final boolean mutating;

        Verb(String label, boolean mutating) {
            this.label = label;
            this.mutating = mutating;
        }

        public String label() {
            return label;
        }

        public boolean mutating() {
            return mutating;
        }
    }

    public String target(String cluster) {
        return cluster + "/" + workload.ref();
    }

    /** The exact change in words, e.g. "replicas 3 → 0 (original-replicas=3 saved)". */
    public String detail() {
        WorkloadKind k = workload.kind();
        return switch (verb) {
            case SCALE_DOWN -> k.describe(from) + " → " + k.describe(to) + " (save original " + k.format(from) + ")";
            case RESTORE -> k.describe(from) + " → " + k.describe(to) + " (drop original annotation)";
            case FORGET_ORIGINAL -> "keep " + k.describe(from) + ", drop original annotation";
            case DEFER -> k.describe(from) + " → " + k.describe(to) + " later";
            case SKIP, INVALID -> k.describe(from);
        };
    }
}
