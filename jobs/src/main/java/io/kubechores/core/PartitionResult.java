package io.kubechores.core;

import io.kubechores.desiredstate.Secrets;

import java.util.List;

/**
 * The outcome of one partition.
 *
 * @param partition partition key (e.g. cluster name)
 * @param error     null when it succeeded; otherwise what failed (no secrets)
 * @param actions   the plan / what was applied
 * @param warnings  things a human should look at (not failures)
 * @param data      the chore's typed result for its roll-up (kept in memory only); null when the partition failed
 *                  before it had one
 * @param <R>       the chore's partition data type
 */
public record PartitionResult<R>(String partition, String error, List<Action> actions, List<String> warnings, R data) {
    public PartitionResult {
        error = Secrets.scrub(error);
        warnings = warnings == null ? null : warnings.stream().map(Secrets::scrub).toList();
        actions = actions == null ? List.of() : List.copyOf(actions);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static <R> PartitionResult<R> ok(String partition, List<Action> actions, List<String> warnings, R data) {
        return new PartitionResult<>(partition, null, actions, warnings, data);
    }

    public static <R> PartitionResult<R> failed(String partition, String error) {
        return new PartitionResult<>(partition, error, List.of(), List.of(), null);
    }

    /** This result, failed with {@code why} (keeps what it did so far). */
    public PartitionResult<R> failedWith(String why) {
        return new PartitionResult<>(partition, why, actions, warnings, data);
    }

    public boolean isFailed() {
        return error != null;
    }
}
