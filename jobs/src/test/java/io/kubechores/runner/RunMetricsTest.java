package io.kubechores.runner;

import io.kubechores.core.Action;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a CronJob run pushes (Prometheus text exposition format 0.0.4: "# TYPE name type", name{label="value"} value,
 * label values with \\ \" \n escaped), under the runner's metric names.
 */
class RunMetricsTest {
    static final Instant T = Instant.parse("2026-12-04T19:00:00Z");

    static ChoreLauncher.RunResult result(int exit, List<ChoreLauncher.PartitionOutcome> partitions) {
        return new ChoreLauncher.RunResult("downscale", 7, exit, false, false, "s", List.of(), List.of(), List.of(),
                List.<Path>of(), T.minusSeconds(42), T, partitions);
    }

    @Test
    void aSuccessfulRunCarriesItsLastSuccessAndPerClusterActions() {
        String text = RunMetrics.exposition(result(0, List.of(
                new ChoreLauncher.PartitionOutcome("prod-eu-1", null, Map.of(Action.Status.APPLIED, 3)))),
                Duration.ofMillis(42_500), T);
        assertThat(text).contains("kubechores_job_runs_total{job=\"downscale\",outcome=\"success\"} 1\n")
                .contains("kubechores_job_duration_seconds_sum{job=\"downscale\",outcome=\"success\"} 42.5\n")
                .contains("kubechores_job_last_success_timestamp_seconds{job=\"downscale\"} " + T.getEpochSecond() + "\n")
                .contains("kubechores_actions_total{job=\"downscale\",cluster=\"prod-eu-1\",status=\"applied\"} 3\n")
                // a run without failures still pushes the family (0), replacing an earlier run's 1 in the Pushgateway
                .contains("kubechores_partition_failures_total{job=\"downscale\",cluster=\"prod-eu-1\"} 0\n");
    }

    @Test
    void aFailedRunLeavesTheLastSuccessAloneAndCountsItsFailedCluster() {
        String text = RunMetrics.exposition(result(3, List.of(
                new ChoreLauncher.PartitionOutcome("prod-\"eu\"-1", "boom", Map.of()))), Duration.ofSeconds(1), T);
        assertThat(text).contains("outcome=\"partial\"").doesNotContain("kubechores_job_last_success_timestamp_seconds{")
                .contains("kubechores_partition_failures_total{job=\"downscale\",cluster=\"prod-\\\"eu\\\"-1\"} 1\n");
    }

    /** The finish step's actions have no cluster: cluster="" (Prometheus: an empty label value is no label). */
    @Test
    void theFleetWideFinishStepHasNoClusterLabelValue() {
        String text = RunMetrics.exposition(result(0, List.of(
                new ChoreLauncher.PartitionOutcome(ChoreLauncher.PartitionOutcome.FLEET, null, Map.of(Action.Status.APPLIED, 1)))),
                Duration.ofSeconds(1), T);
        assertThat(text).contains("kubechores_actions_total{job=\"downscale\",cluster=\"\",status=\"applied\"} 1\n")
                .doesNotContain("(fleet)");
    }

    /**
     * A Pushgateway keeps a pushed counter at its one-run value (it never increases), and a family pushed without a
     * sample does not replace the old one (the text parser drops empty families): the alerts read last-run gauges
     * that always have a sample, 0 when the condition cleared.
     */
    @Test
    void lastRunGaugesAlwaysCarryTheWatchedSeriesSoAClearedConditionClearsTheAlert() {
        var ok = new ChoreLauncher.RunResult("downscale", 8, 0, false, false, "s",
                List.of(new Action("prod-eu-1/shop/Deployment/cart", "restore", "replicas 0 → 3", "uptime", Action.Status.APPLIED)),
                List.of(), List.of(), List.<Path>of(), T.minusSeconds(5), T,
                List.of(new ChoreLauncher.PartitionOutcome("prod-eu-1", null, Map.of(Action.Status.APPLIED, 1)),
                        new ChoreLauncher.PartitionOutcome("prod-us-1", "timeout", Map.of())));
        String text = RunMetrics.exposition(ok, Duration.ofSeconds(5), T);
        assertThat(text).contains("kubechores_job_last_run_timestamp_seconds{job=\"downscale\"} " + T.getEpochSecond() + "\n")
                .contains("kubechores_partition_failed{job=\"downscale\",cluster=\"prod-eu-1\"} 0\n")
                .contains("kubechores_partition_failed{job=\"downscale\",cluster=\"prod-us-1\"} 1\n")
                .contains("kubechores_job_last_run_actions{job=\"downscale\",verb=\"restore\",status=\"applied\"} 1\n")
                .contains("kubechores_job_last_run_actions{job=\"downscale\",verb=\"restore\",status=\"failed\"} 0\n")
                .contains("kubechores_job_last_run_actions{job=\"downscale\",verb=\"restore\",status=\"limited\"} 0\n");
        var limited = new ChoreLauncher.RunResult("downscale", 9, 0, false, false, "s",
                List.of(new Action("prod-eu-1/shop/Deployment/cart", "restore", "replicas 0 → 3", "uptime", Action.Status.LIMITED)),
                List.of(), List.of(), List.<Path>of(), T.minusSeconds(5), T, List.of());
        assertThat(RunMetrics.exposition(limited, Duration.ofSeconds(5), T))
                .contains("kubechores_job_last_run_actions{job=\"downscale\",verb=\"restore\",status=\"limited\"} 1\n");
    }
}
