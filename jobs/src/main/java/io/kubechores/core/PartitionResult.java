package io.kubechores.core;

import io.kubechores.desiredstate.Secrets;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one partition.
 *
 * @param partition partition key (e.g. cluster name)
 * @param error     null when it succeeded; otherwise what failed (no secrets)
 * @param actions   the plan / what was applied
 * @param warnings  things a human should look at (not failures)
 * @param data      job-specific results for {@link Chore#finish} (kept in memory only)
 */
public record PartitionResult(String partition, String error, List<Action> actions, List<String> warnings,
                              Map<String, Object> data) {
    public PartitionResult {
        error = Secrets.scrub(error);
        warnings = warnings == null ? null : warnings.stream().map(Secrets::scrub).toList();
        actions = actions == null ? List.of() : List.copyOf(actions);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    public static PartitionResult ok(String partition, List<Action> actions, List<String> warnings) {
        return new PartitionResult(partition, null, actions, warnings, Map.of());
    }

    public static PartitionResult failed(String partition, String error) {
        return new PartitionResult(partition, error, List.of(), List.of(), Map.of());
    }

    public boolean isFailed() {
        return error != null;
    }
}
