package io.kubechores.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Write-ahead audit for the finish step's external mutations (rightsize's pull requests, certs' Slack alert and
 * Pushgateway push), as downscale, quotas and promote do per change (issue 23): every intent is in the audit trail,
 * and the run is checked to be still allowed to mutate (deadline, shutdown, lease), <em>before</em> the request goes
 * out; the outcome follows the answer. A crash in between leaves an intent without outcome, which the next run marks
 * "outcome unknown" (see {@link AuditLog}).
 * <p>
 * {@link #intents} writes the intents of a whole batch with one group commit (one flush), then says which of them may
 * be sent; {@link Batch#outcome} records each answer.
 */
public final class WriteAhead {
    private WriteAhead() {}

    /**
     * One mutation: intent, {@code send}, outcome. Returns the action as applied; when the run may no longer mutate
     * nothing is sent and the action comes back FAILED with the reason; when {@code send} throws, the FAILED outcome
     * is recorded and the exception rethrown.
     */
    public static Action once(ChoreContext ctx, Action planned, Runnable send) {
        Batch b = intents(ctx, List.of(planned));
        if (!b.allowed(0)) return b.refused(0);
        try {
            send.run();
        } catch (RuntimeException e) {
            b.outcome(0, planned.withStatus(Action.Status.FAILED, ChoreRunner.describe(e)));
            throw e;
        }
        return b.outcome(0, planned.withStatus(Action.Status.APPLIED));
    }

    /** Records the intents of {@code planned} (waiting until all are written: one group commit). */
    public static Batch intents(ChoreContext ctx, List<Action> planned) {
        List<CompletableFuture<AuditLog.Intent>> futures = new ArrayList<>();
        for (Action a : planned) futures.add(ctx.audit().intent(ctx.job(), a));
        List<AuditLog.Intent> intents = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (CompletableFuture<AuditLog.Intent> f : futures) {
            try {
                intents.add(f.join());
                refusals.add(null);
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (!(cause instanceof RunGuard.RunStoppedException)) {
                    // the audit trail cannot be written: nothing of the batch may be sent
                    throw cause instanceof RuntimeException r ? r : e;
                }
                intents.add(null);
                refusals.add(cause.getMessage());
            }
        }
        return new Batch(List.copyOf(planned), intents, refusals);
    }

    /** The intents of one batch: which may be sent, and where each outcome goes. */
    public static final class Batch {
        private final List<Action> planned;
        private final List<AuditLog.Intent> intents;
        private final List<String> refusals;

        private Batch(List<Action> planned, List<AuditLog.Intent> intents, List<String> refusals) {
            this.planned = planned;
            this.intents = intents;
            this.refusals = refusals;
        }

        /** Whether the i-th mutation may be sent (its intent is written and the run may still mutate). */
        public boolean allowed(int i) {
            return intents.get(i) != null;
        }

        /** The i-th planned action FAILED with why it was not sent (only when not {@link #allowed}). */
        public Action refused(int i) {
            Action a = planned.get(i);
            return a.withStatus(Action.Status.FAILED, a.detail() + " — not sent: " + refusals.get(i));
        }

        /** Records the i-th outcome and returns it. */
        public Action outcome(int i, Action done) {
            AuditLog.Intent intent = intents.get(i);
            if (intent == null) throw new IllegalStateException("mutation " + i + " was not allowed: " + refusals.get(i));
            intent.outcome(done);
            return done;
        }
    }
}
