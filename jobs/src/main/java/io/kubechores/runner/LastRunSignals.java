package io.kubechores.runner;

import io.kubechores.core.Action;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the alerts need from the last run of a job, as gauges that mean the same whether the runner exposes them or a
 * CronJob pod pushes them to a Pushgateway (where a counter of one run never increases, and a metric family pushed
 * with no sample does not replace the old one: the text parser drops empty families):
 * <ul>
 *   <li>{@value #PARTITION_FAILED}{job,cluster}: 1 when the partition failed in the job's last run, else 0, for every
 *   partition of the run;</li>
 *   <li>{@value #ACTIONS}{job,verb,status}: how many actions of that verb and status the last run had, always with a
 *   0 row for each {@link #WATCHED} pair of the job, so a run without them clears the alert.</li>
 * </ul>
 * The run's finish step (pull requests, alerts, escalations: partition {@code (fleet)}) has no cluster: its series
 * carry {@code cluster=""}, which PromQL treats as no cluster label (Prometheus data model: an empty label value is
 * the same as no label), never a made-up value.
 */
public final class LastRunSignals {
    public static final String PARTITION_FAILED = "kubechores_partition_failed";
    public static final String ACTIONS = "kubechores_job_last_run_actions";

    /** (verb, status) pairs the shipped PrometheusRule alerts on, per job: always present, 0 when absent. */
    public static final Map<String, List<String[]>> WATCHED = Map.of(
            // a restore that failed or was held back by the per-run limit: workloads stay down into uptime
            "downscale", List.of(new String[] {"restore", "failed"}, new String[] {"restore", "limited"}),
            // a quota the node pools need that kubechores cannot raise itself, or whose request failed
            "quotas", List.of(new String[] {"ask-human", "skipped"}, new String[] {"request-increase", "failed"}));

    private LastRunSignals() {}

    /** The cluster label of a partition: its name; the fleet-wide finish step has none (empty). */
    public static String cluster(String partition) {
        return ChoreLauncher.PartitionOutcome.FLEET.equals(partition) ? "" : partition;
    }

    /** cluster label → 1 failed / 0 ok, for every partition of the run except the fleet-wide finish step. */
    public static Map<String, Integer> partitionFailed(ChoreLauncher.RunResult r) {
        Map<String, Integer> out = new TreeMap<>();
        for (ChoreLauncher.PartitionOutcome p : r.partitions()) {
            if (ChoreLauncher.PartitionOutcome.FLEET.equals(p.partition())) continue;
            out.merge(p.partition(), p.error() != null ? 1 : 0, Math::max);
        }
        return out;
    }

    /** "verb\u0000status" → count, with the job's watched pairs at 0 when the run had none. */
    public static Map<String, Integer> actions(ChoreLauncher.RunResult r) {
        Map<String, Integer> out = new TreeMap<>();
        for (String[] w : WATCHED.getOrDefault(r.job(), List.of())) out.put(w[0] + '\0' + w[1], 0);
        for (Action a : r.actions()) out.merge(a.verb() + '\0' + a.status().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        return out;
    }

    static Set<String> watchedJobs() {
        return WATCHED.keySet();
    }
}
