package io.kubechores.core;

import java.util.List;

/**
 * One recurring chore (downscale, rightsize, quotas, certs, promote) in the shape collect → plan → apply → report.
 * <p>
 * The runner (never the chore) decides what runs:
 * <ol>
 *   <li>{@link #partitions} once;</li>
 *   <li>per partition (bounded concurrency, one Spring Batch partition each, a failure in one never stops the
 *       others): {@link #plan} (collect and plan: reads only), then on a real run {@link #apply}, in a dry run the
 *       plan's own {@link PartitionPlan#planned()} result;</li>
 *   <li>{@link #rollUp} over every partition's typed result, failed ones included (cross-partition planning: pull
 *       requests, quota requests, alerts; reads only), then on a real run {@link #applyRollUp};</li>
 *   <li>{@link #report} (renders the run's reports; writes only its own report files).</li>
 * </ol>
 * In a dry run the chore also gets a read-only platform whose mutating adapter methods throw
 * ({@code Platform.readOnly()}), so a plan that tries to mutate fails instead of mutating.
 *
 * @param <P> what one partition's plan carries to its apply step
 * @param <R> the typed data a partition hands to the roll-up
 * @param <U> the roll-up: cross-partition work with its actions (PLANNED until applied)
 */
public interface Chore<P extends PartitionPlan<R>, R, U extends RollUp> {
    /** Short name used on the CLI, in schedules/, in fleet.yaml jobs: and metrics: downscale, rightsize, ... */
    String name();

    /** One line for --help and the status page. */
    String description();

    /** Units of work that may fail independently: usually cluster names, or account/region keys, or tool names. */
    List<String> partitions(ChoreContext ctx);

    /** Collects and plans one partition: reads only. Throwing marks only this partition failed. */
    P plan(ChoreContext ctx, String partition) throws Exception;

    /**
     * Applies one partition's plan. Called only on a real run. Chores whose partitions only read (their changes are
     * cross-partition) keep the default: the plan's result.
     */
    default PartitionResult<R> apply(ChoreContext ctx, P plan) throws Exception {
        return plan.planned();
    }

    /** Plans the cross-partition work from every partition's result (failed ones included): reads only. */
    U rollUp(ChoreContext ctx, List<PartitionResult<R>> results) throws Exception;

    /**
     * Applies the roll-up (opens pull requests, files requests, sends alerts) and returns it with its actions'
     * outcomes. Called only on a real run; the default (nothing to apply) returns it unchanged.
     */
    default U applyRollUp(ChoreContext ctx, U rollUp) throws Exception {
        return rollUp;
    }

    /** The run's report (console summary, report files) from the partitions' results and the (applied) roll-up. */
    ChoreReport report(ChoreContext ctx, List<PartitionResult<R>> results, U rollUp) throws Exception;
}
