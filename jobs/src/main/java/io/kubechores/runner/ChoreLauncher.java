package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.Shard;

import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Launches one run of a chore as a Spring Batch job (history in the JobRepository). Used by the CLI (run/plan),
 * the Quartz runner (scheduled and manual triggers) and the demo.
 */
public interface ChoreLauncher {

    RunResult launch(String job, RunRequest request);

    /** Names of the chores this launcher knows. */
    List<String> jobs();

    /**
     * @param repo     desired-state repo: git URL or local folder (null = the configured default)
     * @param ref      branch, tag or commit (null = default branch)
     * @param clusters only these clusters (empty = all)
     * @param dryRun   plan only
     * @param at       the run's clock instant (null = now)
     * @param trigger  cli | schedule | manual | jenkins | demo
     * @param shard    only this shard of the clusters left after the {@code clusters} filter (null = all of them);
     *                 see {@link Shard}
     */
    record RunRequest(String repo, String ref, Set<String> clusters, boolean dryRun, Instant at, String trigger,
                      Shard shard) {
        public RunRequest {
            clusters = clusters == null ? Set.of() : Set.copyOf(clusters);
            trigger = trigger == null ? "cli" : trigger;
        }

        /** An unsharded run. */
        public RunRequest(String repo, String ref, Set<String> clusters, boolean dryRun, Instant at, String trigger) {
            this(repo, ref, clusters, dryRun, at, trigger, null);
        }
    }

    /**
     * @param executionId Spring Batch job execution id
     * @param exitCode    DESIGN §4: 0 done, 2 invalid input, 3 partial failure, 1 crash
     * @param paused      the Fleet kill switch turned a run into a plan
     */
    record RunResult(String job, long executionId, int exitCode, boolean dryRun, boolean paused, String summary,
                     List<Action> actions, List<String> failedPartitions, List<String> warnings,
                     List<Path> artifacts, Instant started, Instant ended, List<PartitionOutcome> partitions) {
        public RunResult {
            partitions = partitions == null ? List.of() : List.copyOf(partitions);
        }

        /** A run that never reached its partitions (invalid input, launch failure). */
        public RunResult(String job, long executionId, int exitCode, boolean dryRun, boolean paused, String summary,
                         List<Action> actions, List<String> failedPartitions, List<String> warnings,
                         List<Path> artifacts, Instant started, Instant ended) {
            this(job, executionId, exitCode, dryRun, paused, summary, actions, failedPartitions, warnings, artifacts,
                    started, ended, List.of());
        }
    }

    /**
     * What one partition (cluster, account, tool) of a run did; {@link #FLEET} holds the actions of the run's finish
     * step (pull requests, alerts, reports), which belong to no single partition.
     *
     * @param error   why the partition failed (null when it did not)
     * @param actions number of actions per {@link Action.Status}
     */
    record PartitionOutcome(String partition, String error, Map<Action.Status, Integer> actions) {
        public static final String FLEET = "(fleet)";

        public PartitionOutcome {
            actions = actions == null ? Map.of() : Map.copyOf(actions);
        }

        static PartitionOutcome of(String partition, String error, List<Action> actions) {
            Map<Action.Status, Integer> counts = new EnumMap<>(Action.Status.class);
            for (Action a : actions) counts.merge(a.status(), 1, Integer::sum);
            return new PartitionOutcome(partition, error, counts);
        }
    }
}
