package io.kubechores.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run metrics of one run started outside a runner (CronJob pod, CLI, Jenkins), in the Prometheus text format,
 * under the names the runner's /actuator/prometheus uses (RunService): kubechores_job_runs_total{job,outcome},
 * kubechores_job_duration_seconds_count/_sum{job,outcome}, kubechores_job_last_success_timestamp_seconds{job} (only
 * when the run succeeded, so a failed run's POST leaves the last success in place),
 * kubechores_actions_total{job,cluster,status} and kubechores_partition_failures_total{job,cluster} (cluster="" for
 * the fleet-wide finish step), and the last-run gauges of {@link LastRunSignals}. A pod has no
 * memory of earlier runs, so the counters are this run's: an alert such as
 * {@code time() - max by (job) (kubechores_job_last_success_timestamp_seconds) > 6*3600} works both ways.
 */
public final class RunMetrics {
    private RunMetrics() {}

    public static String exposition(ChoreLauncher.RunResult r, Duration took, Instant now) {
        String job = r.job();
        String outcome = RunService.outcome(r.exitCode());
        StringBuilder b = new StringBuilder();
        b.append("# TYPE kubechores_job_runs_total counter\n")
                .append("kubechores_job_runs_total{job=").append(q(job)).append(",outcome=").append(q(outcome)).append("} 1\n");
        b.append("# TYPE kubechores_job_duration_seconds summary\n")
                .append("kubechores_job_duration_seconds_count{job=").append(q(job)).append(",outcome=").append(q(outcome)).append("} 1\n")
                .append("kubechores_job_duration_seconds_sum{job=").append(q(job)).append(",outcome=").append(q(outcome)).append("} ")
                .append(took.toMillis() / 1000.0).append('\n');
        if ("success".equals(outcome)) {
            b.append("# TYPE kubechores_job_last_success_timestamp_seconds gauge\n")
                    .append("kubechores_job_last_success_timestamp_seconds{job=").append(q(job)).append("} ")
                    .append(now.getEpochSecond()).append('\n');
        }
        Map<String, Integer> actions = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (ChoreLauncher.PartitionOutcome p : r.partitions()) {
            p.actions().forEach((status, n) -> actions.merge("job=" + q(job) + ",cluster=" + q(LastRunSignals.cluster(p.partition())) + ",status="
                    + q(status.name().toLowerCase(Locale.ROOT)), n, Integer::sum));
            // every partition gets a row (0 when it did not fail): a Pushgateway replaces a metric only when the push
            // carries samples of it, so a run without failures must still push the family to clear the last one's
            if (!ChoreLauncher.PartitionOutcome.FLEET.equals(p.partition()) || p.error() != null) {
                failures.merge("job=" + q(job) + ",cluster=" + q(LastRunSignals.cluster(p.partition())), p.error() != null ? 1 : 0, Integer::sum);
            }
        }
        b.append("# TYPE kubechores_actions_total counter\n");
        actions.forEach((labels, n) -> b.append("kubechores_actions_total{").append(labels).append("} ").append(n).append('\n'));
        b.append("# TYPE kubechores_partition_failures_total counter\n");
        failures.forEach((labels, n) -> b.append("kubechores_partition_failures_total{").append(labels).append("} ").append(n).append('\n'));
        // last-run gauges (LastRunSignals): what the alerts read, the same whether pushed or scraped from the runner
        b.append("# TYPE kubechores_job_last_run_timestamp_seconds gauge\n")
                .append("kubechores_job_last_run_timestamp_seconds{job=").append(q(job)).append("} ").append(now.getEpochSecond()).append('\n');
        Map<String, Integer> failed = LastRunSignals.partitionFailed(r);
        if (!failed.isEmpty()) b.append("# TYPE ").append(LastRunSignals.PARTITION_FAILED).append(" gauge\n");
        failed.forEach((cluster, v) -> b.append(LastRunSignals.PARTITION_FAILED).append("{job=").append(q(job))
                .append(",cluster=").append(q(cluster)).append("} ").append(v).append('\n'));
        Map<String, Integer> byVerb = LastRunSignals.actions(r);
        if (!byVerb.isEmpty()) b.append("# TYPE ").append(LastRunSignals.ACTIONS).append(" gauge\n");
        byVerb.forEach((k, n) -> {
            int z = k.indexOf('\0');
            b.append(LastRunSignals.ACTIONS).append("{job=").append(q(job)).append(",verb=").append(q(k.substring(0, z)))
                    .append(",status=").append(q(k.substring(z + 1))).append("} ").append(n).append('\n');
        });
        return b.toString();
    }

    /** A label value in the text format: backslash, double quote and newline escaped. */
    static String q(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
