package io.kubechores.core;

import java.util.List;

/**
 * One recurring chore (downscale, rightsize, quotas, certs, promote) in the shape collect → plan → apply → report.
 * <p>
 * The runner calls {@link #partitions} once, then {@link #runPartition} for every partition (bounded concurrency,
 * one Spring Batch partition each, a failure in one never stops the others), then {@link #finish} with every result.
 * In a dry run ({@link ChoreContext#dryRun()}) nothing may be mutated: partitions plan and return PLANNED actions.
 */
public interface Chore {
    /** Short name used on the CLI, in schedules/, in fleet.yaml jobs: and metrics: downscale, rightsize, ... */
    String name();

    /** One line for --help and the status page. */
    String description();

    /** Units of work that may fail independently: usually cluster names, or account/region keys, or tool names. */
    List<String> partitions(ChoreContext ctx);

    /** Collects, plans and (unless dry run) applies one partition. Throwing marks only this partition failed. */
    PartitionResult runPartition(ChoreContext ctx, String partition) throws Exception;

    /**
     * Cross-partition work (roll-ups, pull requests, alerts) and the report. Receives every partition's result,
     * failed ones included. Must honour dry run like runPartition.
     */
    ChoreReport finish(ChoreContext ctx, List<PartitionResult> results) throws Exception;
}
