package io.kubechores.core;

/**
 * What {@link Chore#plan} found for one partition. {@link #planned()} is the partition's result in a dry run: its
 * actions PLANNED (or SKIPPED with the reason), nothing applied.
 *
 * @param <R> the typed data the partition hands to the roll-up
 */
@FunctionalInterface
public interface PartitionPlan<R> {
    PartitionResult<R> planned();

    /** A plan that is already the partition's result (partitions that only read). */
    static <R> PartitionPlan<R> of(PartitionResult<R> result) {
        return () -> result;
    }
}
