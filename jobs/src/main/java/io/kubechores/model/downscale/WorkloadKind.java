package io.kubechores.model.downscale;

import io.kubechores.model.downscale.WorkloadKind;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds the downscaler handles and what "value" means for each (the number the planner compares and restores).
 * <ul>
 *   <li>Deployment, StatefulSet, Rollout: spec.replicas</li>
 *   <li>CronJob: 1 = running, 0 = suspended (kube-downscaler's convention for original-replicas)</li>
 *   <li>HorizontalPodAutoscaler: spec.minReplicas (never below 1 during downtime)</li>
 *   <li>ScaledObject: the KEDA annotation autoscaling.keda.sh/paused-replicas, {@link #UNPAUSED} when absent</li>
 * </ul>
 */
public enum WorkloadKind {
    DEPLOYMENT("Deployment", "apps/v1", true),
    STATEFULSET("StatefulSet", "apps/v1", true),
    CRONJOB("CronJob", "batch/v1", false),
    HPA("HorizontalPodAutoscaler", "autoscaling/v2", false),
    SCALEDOBJECT("ScaledObject", "keda.sh/v1alpha1", false),
    ROLLOUT("Rollout", "argoproj.io/v1alpha1", true);

    /** ScaledObject value when it carries no paused-replicas annotation (KEDA scales it). */
    public static final int UNPAUSED = -1;
    public static final String KEDA_PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";

    private final String kindName;
    private final String apiVersion;
    private final boolean runsPods;

    WorkloadKind(String kindName, String apiVersion, boolean runsPods) {
        this.kindName = kindName;
        this.apiVersion = apiVersion;
        this.runsPods = runsPods;
    }

    public String kindName() {
        return kindName;
    }

    public String apiVersion() {
        return apiVersion;
    }

    /** True when value is a replica count of pods this object runs itself (used for the savings estimate). */
    public boolean runsPods() {
        return runsPods;
    }

    public static Optional<WorkloadKind> byKindName(String name) {
        return Arrays.stream(values()).filter(k -> k.kindName.equalsIgnoreCase(name)).findFirst();
    }

    /** The value during downtime for the wanted downtime replicas. */
    public int downtimeValue(int downtimeReplicas) {
        return switch (this) {
            case CRONJOB -> 0;
            case HPA -> Math.max(1, downtimeReplicas);
            default -> Math.max(0, downtimeReplicas);
        };
    }

    /** True when value is above the downtime value, i.e. a scale-down would change something. */
    public boolean above(int value, int downtimeValue) {
        if (this == SCALEDOBJECT && value == UNPAUSED) return true;
        return value > downtimeValue;
    }

    /**
     * True when value is below a recorded original, i.e. a restore adds something. A ScaledObject whose original is
     * "unpaused" is below it while paused; a CronJob (1 running, 0 suspended) while suspended.
     */
    public boolean belowOriginal(int value, int original) {
        if (this == SCALEDOBJECT) {
            if (original == UNPAUSED) return value != UNPAUSED;
            return value != UNPAUSED && value < original;
        }
        return value < original;
    }

    /** How the value is written in the original-replicas annotation. */
    public String format(int value) {
        if (this == SCALEDOBJECT && value == UNPAUSED) return "unpaused";
        return Integer.toString(value);
    }

    /** Parses an original-replicas annotation; throws NumberFormatException with a readable message. */
    public int parse(String text) {
        String t = text.strip();
        if (this == SCALEDOBJECT && t.equalsIgnoreCase("unpaused")) return UNPAUSED;
        int v;
        try {
            v = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new NumberFormatException("\"" + text + "\" is not a whole number");
        }
        if (v < 0) throw new NumberFormatException("\"" + text + "\" is negative");
        return v;
    }

    /** Human words for a value, e.g. "3 replicas", "suspended", "minReplicas 2", "paused at 0". */
    public String describe(int value) {
        return switch (this) {
            case CRONJOB -> value == 0 ? "suspended" : "running";
            case HPA -> "minReplicas " + value;
            case SCALEDOBJECT -> value == UNPAUSED ? "unpaused" : "paused at " + value;
            default -> value + (value == 1 ? " replica" : " replicas");
        };
    }
}
