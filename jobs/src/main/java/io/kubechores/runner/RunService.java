package io.kubechores.runner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs chores for the runner (scheduled and manual triggers) through the {@link ChoreLauncher} and records
 * Prometheus metrics: kubechores_job_runs_total{job,outcome}, kubechores_job_duration_seconds{job,outcome},
 * kubechores_job_last_success_timestamp_seconds{job}, kubechores_actions_total{job,cluster,status} (cluster is the
 * partition: a cluster, an AWS account or a tool; empty for the finish step's pull requests, alerts and
 * reports), kubechores_partition_failures_total{job,cluster}, and the last-run gauges of {@link LastRunSignals}
 * (kubechores_job_last_run_timestamp_seconds{job}, kubechores_partition_failed{job,cluster},
 * kubechores_job_last_run_actions{job,verb,status}) that the shipped PrometheusRule alerts on.
 * <p>
 * At start and every 10 minutes it closes runs no process will finish (see {@link #sweepStaleRuns}).
 */
@Service
@Profile("serve")
public class RunService {
    private static final Logger log = LoggerFactory.getLogger(RunService.class);

    private final ChoreLauncher launcher;
    private final MeterRegistry registry;
    private final RunHistory history;
    private final Clock clock;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    private final Duration abandonCliRunsAfter;
    private final java.util.concurrent.ScheduledExecutorService sweeper;

    public RunService(ChoreLauncher launcher, MeterRegistry registry, RunHistory history,
                      @org.springframework.beans.factory.annotation.Value("${kubechores.runner.abandon-cli-runs-after:PT2H}")
                      Duration abandonCliRunsAfter) {
        this.launcher = launcher;
        this.registry = registry;
        this.history = history;
        this.clock = Clock.systemUTC();
        this.abandonCliRunsAfter = abandonCliRunsAfter;
        sweepStaleRuns(); // before the first page is served: no dead run shows as running
        this.sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("kubechores-run-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweepStaleRuns, 10, 10, java.util.concurrent.TimeUnit.MINUTES);
        for (String job : launcher.jobs()) {
            try {
                history.lastSuccess(job).ifPresent(t -> lastSuccessGauge(job).set(t.getEpochSecond()));
            } catch (RuntimeException e) { // no history tables yet: the gauge appears after the first success
                log.warn("job={} last success not read from the job repository: {}", job, e.toString());
            }
        }
    }

    /** Outcome label of a run from its exit code (DESIGN §4). */
    static String outcome(int exitCode) {
        return switch (exitCode) {
            case 0 -> "success";
            case 2 -> "invalid";
            case 3 -> "partial";
            default -> "failed";
        };
    }

    /** Runs one chore now, on the calling thread. Never throws: a crash is logged and counted as failed. */
    public ChoreLauncher.RunResult run(String job, String schedule, ChoreLauncher.RunRequest request) {
        long t0 = System.nanoTime();
        running.add(job);
        String outcome = "failed";
        ChoreLauncher.RunResult result = null;
        try {
            log.info("job={} trigger={} schedule={} dryRun={} starting", job, request.trigger(), schedule, request.dryRun());
            result = launcher.launch(job, request);
            outcome = outcome(result.exitCode());
            log.info("job={} trigger={} execution={} exit={} outcome={}", job, request.trigger(), result.executionId(),
                    result.exitCode(), outcome);
            if (result.exitCode() != 0) {
                log.warn("job={} trigger={} exit={}: {}", job, request.trigger(), result.exitCode(), result.summary());
            }
            countActions(job, result);
        } catch (RuntimeException e) {
            log.error("job={} trigger={} crashed: {}", job, request.trigger(), e.toString());
        } finally {
            running.remove(job);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            Counter.builder("kubechores.job.runs").description("Chore runs by outcome")
                    .tag("job", job).tag("outcome", outcome).register(registry).increment();
            Timer.builder("kubechores.job.duration").description("How long chore runs take")
                    .tag("job", job).tag("outcome", outcome).register(registry).record(took);
            if ("success".equals(outcome)) lastSuccessGauge(job).set(clock.instant().getEpochSecond());
        }
        return result;
    }

    private void countActions(String job, ChoreLauncher.RunResult result) {
        for (ChoreLauncher.PartitionOutcome p : result.partitions()) {
            p.actions().forEach((status, n) -> Counter.builder("kubechores.actions")
                    .description("Actions by job, cluster (partition) and status: planned in dry runs, applied, unchanged, skipped, limited, failed")
                    .tag("job", job).tag("cluster", LastRunSignals.cluster(p.partition())).tag("status", status.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry).increment(n));
            if (p.error() != null) {
                Counter.builder("kubechores.partition.failures").description("Partitions (clusters, accounts, tools) that failed in a run")
                        .tag("job", job).tag("cluster", LastRunSignals.cluster(p.partition())).register(registry).increment();
            }
        }
        lastRunGauges(job, result);
    }

    private final Map<String, AtomicLong> lastRun = new ConcurrentHashMap<>();

    /** The last run's gauges: every series this job had before is reset, so a cleared condition clears the alert. */
    private void lastRunGauges(String job, ChoreLauncher.RunResult result) {
        lastRun.forEach((key, v) -> {
            if (key.startsWith(job + '\0') && !key.endsWith("\0ts")) v.set(0);
        });
        gauge(job + "\0ts", "kubechores.job.last.run.timestamp", "Unix time the job's last run ended", "seconds",
                io.micrometer.core.instrument.Tags.of("job", job)).set(clock.instant().getEpochSecond());
        LastRunSignals.partitionFailed(result).forEach((cluster, v) -> gauge(job + "\0pf\0" + cluster,
                LastRunSignals.PARTITION_FAILED, "1 when the partition failed in the job's last run, else 0", null,
                io.micrometer.core.instrument.Tags.of("job", job, "cluster", cluster)).set(v));
        LastRunSignals.actions(result).forEach((k, n) -> {
            int z = k.indexOf('\0');
            gauge(job + "\0a\0" + k, LastRunSignals.ACTIONS, "Actions of the job's last run by verb and status", null,
                    io.micrometer.core.instrument.Tags.of("job", job, "verb", k.substring(0, z), "status", k.substring(z + 1))).set(n);
        });
    }

    private AtomicLong gauge(String key, String name, String description, String unit, io.micrometer.core.instrument.Tags tags) {
        return lastRun.computeIfAbsent(key, k -> {
            AtomicLong v = new AtomicLong();
            Gauge.Builder<AtomicLong> b = Gauge.builder(name, v, AtomicLong::get).description(description).tags(tags);
            if (unit != null) b.baseUnit(unit);
            b.register(registry);
            return v;
        });
    }

    /**
     * Closes the run a dead runner left behind before it is run again (Quartz recovery): FAILED with exit code
     * ABANDONED, naming the dead runner and this one.
     */
    public void closeAbandoned(String job, String deadRunner) {
        history.abandon(job, deadRunner::equals, "runner " + deadRunner + " stopped mid-run (killed or lost);"
                + " run again by runner " + RunnerIdentity.id() + " with trigger recovery");
    }

    /**
     * Closes runs no process will ever finish: those of dead processes on this host, and CLI/CronJob runs still
     * recorded as running long after they must have ended (see RunHistory). At start and every 10 minutes.
     */
    public List<Long> sweepStaleRuns() {
        try {
            List<Long> closed = new java.util.ArrayList<>(history.abandonDeadHere(launcher.jobs()));
            closed.addAll(history.abandonStale(launcher.jobs(), abandonCliRunsAfter, clock.instant()));
            return closed;
        } catch (RuntimeException e) { // another runner closed it first (optimistic lock), or no tables yet
            log.warn("stale runs not swept this time: {}", e.toString());
            return List.of();
        }
    }

    @jakarta.annotation.PreDestroy
    void stopSweeper() {
        sweeper.shutdownNow();
    }

    public boolean isRunning(String job) {
        return running.contains(job);
    }

    private AtomicLong lastSuccessGauge(String job) {
        return lastSuccess.computeIfAbsent(job, j -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("kubechores.job.last.success.timestamp", v, AtomicLong::get)
                    .description("Unix time the chore last finished successfully").baseUnit("seconds")
                    .tag("job", j).register(registry);
            return v;
        });
    }
}
