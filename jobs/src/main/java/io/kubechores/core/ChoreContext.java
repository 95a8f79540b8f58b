package io.kubechores.core;

import io.kubechores.desiredstate.DesiredState;
import io.kubechores.platform.Platform;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Everything one run of a chore may use. Plans read only {@link #state()} and {@link #clock()}; adapters come from
 * {@link #platform()}.
 *
 * @param job       the chore's name
 * @param state     the validated desired state (already restricted by --cluster)
 * @param platform  adapters: the only I/O
 * @param clock     the time of this run (fixed in tests and the demo)
 * @param dryRun    plan only: nothing is mutated (forced when the job is paused in fleet.yaml)
 * @param limit     max mutating actions for this run, shared by all partitions
 * @param audit     record every applied mutation here
 * @param outputDir where reports and artifacts go (one folder per run)
 */
public record ChoreContext(String job, DesiredState state, Platform platform, Clock clock, boolean dryRun,
                           SafetyLimit limit, AuditLog audit, Path outputDir) {

    /** Convenience for applying code: audits an applied action and returns it. */
    public Action applied(Action a) {
        Action done = a.withStatus(Action.Status.APPLIED);
        audit.record(job, done);
        return done;
    }

    /**
     * Write-ahead for blocking applying code: records the intent (waiting until it is written) and throws when the
     * run may no longer mutate (deadline, shutdown, lost lease). Call right before sending the mutation; record its
     * outcome with {@link AuditLog.Intent#outcome}.
     */
    public AuditLog.Intent intend(Action planned) {
        try {
            return audit.intent(job, planned).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }
}
