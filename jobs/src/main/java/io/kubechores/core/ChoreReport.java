package io.kubechores.core;

import io.kubechores.desiredstate.Secrets;

import java.nio.file.Path;
import java.util.List;

/**
 * What a chore run produced.
 *
 * @param summary   a few lines for the console / demo ("3 workloads scaled down on 2 clusters, ...")
 * @param actions   cross-partition actions taken in finish (PRs, alerts...) — partition actions are kept separately
 * @param warnings  cross-partition warnings
 * @param artifacts files written (HTML/Markdown/JSON reports, PR files) for "where to look"
 * @param failed    true if finish itself hit a partial failure (exit 3) even though partitions succeeded
 */
public record ChoreReport(String summary, List<Action> actions, List<String> warnings, List<Path> artifacts,
                          boolean failed) {
    public ChoreReport {
        summary = Secrets.scrub(summary);
        warnings = warnings == null ? null : warnings.stream().map(Secrets::scrub).toList();
        actions = actions == null ? List.of() : List.copyOf(actions);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    public static ChoreReport of(String summary, List<Path> artifacts) {
        return new ChoreReport(summary, List.of(), List.of(), artifacts, false);
    }
}
