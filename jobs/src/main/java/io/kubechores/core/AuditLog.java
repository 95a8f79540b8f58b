package io.kubechores.core;

import java.util.concurrent.CompletableFuture;

/**
 * Append-only record of every mutation (one JSON line per change, plus a log line with cluster/namespace/kind/name).
 * Never pass secrets.
 * <p>
 * Write-ahead: before a mutation is sent, {@link #intent} records what is about to be done (and checks that the run
 * may still mutate: deadline, shutdown, lease); the mutation is sent only once the returned future completed; its
 * {@link Intent#outcome} is recorded after the answer. A crash between the two leaves an intent without outcome,
 * which the next run of the job marks "outcome unknown" (its re-read of the live state reconciles the change).
 */
public interface AuditLog {
    /** Records a change that was applied without a prior {@link #intent} (blocking until written). */
    void record(String job, Action action);

    /**
     * Records the intent to apply {@code planned}. Completes once the line is written (group commit: one write and
     * flush for every intent waiting at that moment); fails with {@link RunGuard.RunStoppedException} when the run
     * may no longer mutate. The default (test logs, {@link #NONE}) writes nothing until the outcome.
     */
    default CompletableFuture<Intent> intent(String job, Action planned) {
        return CompletableFuture.completedFuture(done -> {
            if (done.status() == Action.Status.APPLIED) record(job, done);
        });
    }

    /** The second half of a write-ahead record. */
    @FunctionalInterface
    interface Intent {
        /** Records what happened (APPLIED, FAILED, UNCHANGED...); does not block the caller (safe on I/O threads). */
        void outcome(Action done);
    }

    AuditLog NONE = (job, action) -> { };
}
