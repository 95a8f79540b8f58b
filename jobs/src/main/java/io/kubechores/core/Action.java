package io.kubechores.core;

import io.kubechores.desiredstate.Secrets;

/**
 * One line of a plan: what would be / was done to which object, and why.
 *
 * @param target  what is acted on, e.g. "staging-eu-1/shop/Deployment/cart" or "111111111111/eu-central-1/ec2/L-1216C47A"
 * @param verb    short verb: scale-down, restore, suspend, open-pr, request-increase, alert, promote, ...
 * @param detail  the exact change, e.g. "replicas 3 → 0"
 * @param reason  which rule matched, e.g. "downtime: outside uptime Mon-Fri 07:30-20:30 Europe/Berlin (policy staging-office-hours)"
 * @param status  PLANNED in a dry run; APPLIED/UNCHANGED/SKIPPED/LIMITED/FAILED after a run
 */
public record Action(String target, String verb, String detail, String reason, Status status) {
    /** Details and reasons often quote an error message or a URL: they never carry a secret (see Secrets). */
    public Action {
        target = Secrets.scrub(target);
        detail = Secrets.scrub(detail);
        reason = Secrets.scrub(reason);
    }

    public enum Status {
        /** dry run: would be applied */
        PLANNED,
        /** applied in this run */
        APPLIED,
        /** already true: nothing to do (idempotency) */
        UNCHANGED,
        /** deliberately not applied (excluded, human override, paused...) — reason says why */
        SKIPPED,
        /** not applied because the per-run safety limit was reached */
        LIMITED,
        /** applying failed — detail says why */
        FAILED
    }

    public Action withStatus(Status s) {
        return new Action(target, verb, detail, reason, s);
    }

    public Action withStatus(Status s, String newDetail) {
        return new Action(target, verb, newDetail, reason, s);
    }

    public boolean mutating() {
        return status == Status.PLANNED || status == Status.APPLIED || status == Status.LIMITED
                || status == Status.FAILED;
    }
}
