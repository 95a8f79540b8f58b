package io.kubechores.downscale;

import io.kubechores.core.Action;
import io.kubechores.model.downscale.Decision;

/**
 * Decisions as plan lines. Lives with the job, not on the {@link Decision} record: the model package sits below
 * platform and core (platform/kube's adapter takes Decisions, core depends on platform), so it cannot use core's
 * Action without a package cycle (ArchitectureTest#noPackageCycles).
 */
public final class Decisions {
    private Decisions() {}

    /** As a plan line; non-mutating decisions are SKIPPED. */
    public static Action toAction(Decision d, String cluster, Action.Status mutatingStatus) {
        Action.Status s = d.verb().mutating() ? mutatingStatus : Action.Status.SKIPPED;
        return new Action(d.target(cluster), d.verb().label(), d.detail(), d.reason(), s);
    }
}
