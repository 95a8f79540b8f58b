package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.core.RunGuard;
import io.kubechores.core.SafetyLimit;
import io.kubechores.core.Shard;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Location;
import io.kubechores.desiredstate.Problem;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs a chore as a Spring Batch job: step 1 is partitioned (one partition per cluster / account / tool, bounded
 * concurrency on virtual threads; a failed partition is recorded and the others finish), step 2 runs the chore's
 * finish (roll-ups, PRs, alerts, reports). History (parameters, per-partition status, exit codes) lands in the
 * JobRepository. Each launch is a new job instance; because every apply is idempotent, re-running a job is how a
 * failed run is resumed.
 */
public final class BatchChoreLauncher implements ChoreLauncher {
    private static final Logger log = LoggerFactory.getLogger(BatchChoreLauncher.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneId.of("UTC"));
    public static final String PARTIAL_FAILURE = "PARTIAL_FAILURE";
    /** Job execution context keys: the run's summary (the exact plan in a dry run) and its report files. */
    public static final String SUMMARY = "summary";
    public static final String ARTIFACTS = "artifacts";

    private final Map<String, Chore<?, ?, ?>> chores;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final PlatformTransactionManager tx;
    private final DesiredStateSource source;
    private final PlatformProvider platforms;
    private final KubechoresProperties props;
    private final Map<String, RunState<?, ?, ?>> running = new ConcurrentHashMap<>();
    private JdbcRunLeases leases;
    private volatile String shuttingDown;

    public BatchChoreLauncher(List<Chore<?, ?, ?>> chores, JobRepository jobRepository, JobOperator jobOperator,
                              PlatformTransactionManager tx, DesiredStateSource source, PlatformProvider platforms,
                              KubechoresProperties props) {
        this.chores = chores.stream().collect(Collectors.toMap(Chore::name, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.tx = tx;
        this.source = source;
        this.platforms = platforms;
        this.props = props;
    }

    /** Runs take a lease on their job first (several runners or CronJob pods on one database): see JdbcRunLeases. */
    public BatchChoreLauncher withLeases(JdbcRunLeases leases) {
        this.leases = leases;
        return this;
    }

    @Override
    public List<String> jobs() {
        return List.copyOf(chores.keySet());
    }

    /** One run in flight, typed by its chore (no casts between the partition steps and the roll-up). */
    private static final class RunState<P extends PartitionPlan<R>, R, U extends RollUp> {
        final Chore<P, R, U> chore;
        final ChoreContext ctx;
        final RunGuard guard;
        final long runEndsNanos;
        /** Completed with the reason when the run must stop at once (runner shutdown, lost lease). */
        final CompletableFuture<String> stop = new CompletableFuture<>();
        final ConcurrentLinkedQueue<PartitionResult<R>> results = new ConcurrentLinkedQueue<>();
        volatile ChoreReport report;
        volatile String finishError;

        RunState(Chore<P, R, U> chore, ChoreContext ctx, RunGuard guard, long runEndsNanos) {
            this.chore = chore;
            this.ctx = ctx;
            this.guard = guard;
            this.runEndsNanos = runEndsNanos;
        }

        List<PartitionResult<R>> sortedResults() {
            List<PartitionResult<R>> out = new ArrayList<>(results);
            out.sort(Comparator.comparing(PartitionResult::partition));
            return out;
        }

        PartitionResult<R> runOne(String key) {
            return ChoreRunner.runOne(chore, ctx, key);
        }

        void finish() throws Exception {
            report = ChoreRunner.finish(chore, ctx, sortedResults());
        }
    }

    private static <P extends PartitionPlan<R>, R, U extends RollUp> RunState<P, R, U> state(Chore<P, R, U> chore,
                                                                                          ChoreContext ctx,
                                                                                          RunGuard guard,
                                                                                          long endsNanos) {
        return new RunState<>(chore, ctx, guard, endsNanos);
    }

    /** Set when the state store does not outlive this pod ({@link StateDurability}); null when it does. */
    private volatile String ephemeralStateWarning;

    /** The run's first log line and a report warning say so when the state store is ephemeral. */
    public void ephemeralState(String warning) {
        this.ephemeralStateWarning = warning;
    }

    @Override
    public RunResult launch(String job, RunRequest req) {
        Instant started = Instant.now();
        long startedNanos = System.nanoTime();
        if (shuttingDown != null) {
            return new RunResult(job, -1, 1, req.dryRun(), false, "not started: " + shuttingDown, List.of(), List.of(),
                    List.of(), List.of(), started, Instant.now());
        }
        String ephemeral = ephemeralStateWarning;
        if (ephemeral != null) log.warn("job={} {}", job, ephemeral);
        Chore<?, ?, ?> chore = chores.get(job);
        if (chore == null) {
            return invalid(job, req, started, List.of(new Problem(new Location("<command line>", 0, 0), "JOB",
                    "unknown job '" + job + "' (jobs: " + String.join(", ", chores.keySet()) + ")")));
        }
        DesiredStateSource.Loaded loaded;
        try {
            loaded = source.load(req.repo() != null ? req.repo() : props.repo(), req.ref() != null ? req.ref() : props.ref());
        } catch (InvalidDesiredStateException e) {
            return invalid(job, req, started, e.problems());
        }
        DesiredState all = loaded.state();
        Set<String> unknown = new TreeSet<>(req.clusters());
        all.clusters().forEach(c -> unknown.remove(c.name()));
        if (!unknown.isEmpty()) {
            return invalid(job, req, started, List.of(new Problem(new Location("<command line>", 0, 0), "--cluster",
                    "unknown cluster(s) " + unknown + " (known: " + all.clusters().stream().map(Resource::name).toList() + ")")));
        }
        DesiredState state = all.onlyClusters(req.clusters());
        if (req.shard() != null) {
            // sharding applies after --cluster; a shard left without clusters is a valid run that does nothing
            if (!Shard.SHARDABLE_JOBS.contains(job)) {
                return invalid(job, req, started, List.of(new Problem(new Location("<command line>", 0, 0), "--shard",
                        "job '" + job + "' cannot be sharded: its run is more than the sum of independent per-cluster"
                                + " work (shardable: " + String.join(", ", new TreeSet<>(Shard.SHARDABLE_JOBS)) + ")")));
            }
            List<String> mine = req.shard().select(state.clusters().stream().map(Resource::name).toList());
            log.info("job={} shard {} takes {} of {} cluster(s): {}", job, req.shard(), mine.size(),
                    state.clusters().size(), mine);
            state = state.withExactlyClusters(mine);
        }
        boolean paused = !req.dryRun() && state.fleetSpec().isPaused(job);
        boolean dryRun = req.dryRun() || paused;
        if (paused) {
            log.warn("job={} is paused in fleet.yaml ({}): planning only, nothing will be changed", job,
                    state.fleetSpec().paused() ? "spec.paused" : "spec.jobs." + job + ".paused");
        }
        ZoneId zone = ZoneId.of(state.fleetSpec().timeZone());
        Clock clock = req.at() != null ? Clock.fixed(req.at(), zone) : Clock.system(zone);
        int max = state.fleetSpec().job(job).maxChangesPerRun();
        String runId = UUID.randomUUID().toString();
        Path out = props.home().resolve("reports").resolve(job)
                .resolve(STAMP.format(clock.instant()) + (dryRun ? "-plan" : "-run") + "-" + runId.substring(0, 8));
        RunGuard guard = RunGuard.open();
        JdbcRunLeases.Lease lease = null;
        if (!dryRun && leases != null) {
            try {
                // a run another runner started and then froze lapses within the lease's ttl: wait that long for it
                lease = leases.acquire(job, runId, leases.ttl().plusSeconds(5)).orElse(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (lease == null) {
                String holder = leases.heldBy(job).orElse("another run");
                log.warn("job={} not started: {} holds the job's lease", job, holder);
                return new RunResult(job, -1, 1, dryRun, paused, "not started: job " + job + " is running on " + holder
                        + "; one run per job at a time", List.of(), List.of(), List.of(), List.of(), started, Instant.now());
            }
            guard.fence(lease);
        }
        FileAuditLog audit = dryRun ? null : new FileAuditLog(props.home(), runId, req.trigger(), clock, guard).open(job);
        Platform real = platforms.platform(loaded, clock);
        // DESIGN §1: the runner, not each job, guarantees that a plan mutates nothing
        Platform platform = dryRun ? real.readOnly() : real;
        ChoreContext ctx = new ChoreContext(job, state, platform, clock, dryRun,
                max > 0 ? new SafetyLimit(max) : SafetyLimit.unlimited(),
                dryRun ? io.kubechores.core.AuditLog.NONE : audit,
                out);
        RunState<?, ?, ?> rs = state(chore, ctx, guard, startedNanos + props.runDeadline().toNanos());
        running.put(runId, rs);
        JobExecution exec;
        try {
            JobParameters params = new JobParametersBuilder()
                    .addString("run.id", runId)
                    .addString("trigger", req.trigger(), false)
                    .addString("dryRun", Boolean.toString(dryRun), false)
                    .addString("paused", Boolean.toString(paused), false)
                    .addString("revision", state.revision() == null ? "" : state.revision(), false)
                    .addString("clusters", String.join(",", req.clusters()), false)
                    .addString("shard", req.shard() == null ? "" : req.shard().toString(), false)
                    .addString("at", clock.instant().toString(), false)
                    .addString("launcher", RunnerIdentity.id(), false)
                    .toJobParameters();
            exec = jobOperator.start(buildJob(chore, runId), params);
        } catch (Exception e) {
            log.error("job={} could not be launched: {}", job, ChoreRunner.describe(e));
            return new RunResult(job, -1, 1, dryRun, paused, "launch failed: " + ChoreRunner.describe(e), List.of(),
                    List.of(), List.of(), List.of(), started, Instant.now());
        } finally {
            running.remove(runId);
            // a run's cluster clients (connection pools, event-loop threads) end with it; the runner lives for weeks
            if (platform.kube() != null) platform.kube().close();
            if (audit != null) audit.close();
            if (lease != null) lease.close();
        }
        List<? extends PartitionResult<?>> results = rs.sortedResults();
        List<Action> actions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (ephemeral != null) warnings.add(ephemeral);
        List<String> failed = new ArrayList<>();
        List<PartitionOutcome> outcomes = new ArrayList<>();
        for (PartitionResult<?> r : results) {
            outcomes.add(PartitionOutcome.of(r.partition(), r.error(), r.actions()));
            actions.addAll(r.actions());
            r.warnings().forEach(w -> warnings.add(r.partition() + ": " + w));
            if (r.isFailed()) failed.add(r.partition() + ": " + r.error());
        }
        ChoreReport report = rs.report;
        if (report != null) {
            if (!report.actions().isEmpty()) outcomes.add(PartitionOutcome.of(PartitionOutcome.FLEET, null, report.actions()));
            actions.addAll(report.actions());
            warnings.addAll(report.warnings());
        }
        int exit;
        String summary;
        if (exec.getStatus() != BatchStatus.COMPLETED || report == null) {
            exit = 1;
            summary = "crashed: " + (rs.finishError != null ? rs.finishError
                    : exec.getAllFailureExceptions().stream().map(ChoreRunner::describe).findFirst().orElse(exec.getStatus().name()));
        } else {
            exit = (!failed.isEmpty() || report.failed()) ? 3 : 0;
            summary = report.summary();
        }
        RunResult result = new RunResult(job, exec.getId(), exit, dryRun, paused, summary, actions, failed, warnings,
                report == null ? List.of() : report.artifacts(), started, Instant.now(), outcomes);
        pushRunMetrics(req, state, result, warnings);
        if (!dryRun) {
            Map<String, String> errors = new LinkedHashMap<>();
            results.stream().filter(PartitionResult::isFailed).forEach(r -> errors.put(r.partition(), r.error()));
            RunDigestSender.send(job, exec.getId(), out.getFileName().toString(), state, real,
                    results.stream().map(PartitionResult::partition).toList(), errors, actions).ifPresent(warnings::add);
        }
        return result;
    }

    /**
     * Runs outside a runner (CronJob pods, the CLI, Jenkins: trigger "cli") push their run metrics to the fleet's
     * Pushgateway when one is configured, under the runner's metric names ({@link RunMetrics}); the runner exposes its
     * own. Plans are not runs and push nothing. A failed push is a warning, never a failed run.
     */
    private void pushRunMetrics(RunRequest req, DesiredState state, RunResult r, List<String> warnings) {
        String url = state.fleetSpec().notifications().pushgatewayUrl();
        if (!"cli".equals(req.trigger()) || r.dryRun() || url == null || url.isBlank()) return;
        try {
            new io.kubechores.platform.notify.Pushgateway(java.net.http.HttpClient.newHttpClient(),
                    java.time.Duration.ofSeconds(10)).post(url, r.job(),
                    req.shard() == null ? List.of() : List.of("shard", String.valueOf(req.shard().index())),
                    RunMetrics.exposition(r, java.time.Duration.between(r.started(), r.ended()), r.ended()));
            log.info("job={} run metrics pushed to {}", r.job(), url);
        } catch (RuntimeException e) {
            log.warn("job={} run metrics not pushed to {}: {}", r.job(), url, e.getMessage());
            warnings.add("run metrics not pushed to the Pushgateway: " + e.getMessage());
        }
    }

    private RunResult invalid(String job, RunRequest req, Instant started, List<Problem> problems) {
        List<String> lines = problems.stream().map(Problem::toString).toList();
        return new RunResult(job, -1, 2, req.dryRun(), false, "invalid input:\n  " + String.join("\n  ", lines),
                List.of(), List.of(), lines, List.of(), started, Instant.now());
    }

    private Job buildJob(Chore<?, ?, ?> chore, String runId) {
        String name = chore.name();
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(name + "-");
        executor.setVirtualThreads(true);
        executor.setConcurrencyLimit(Math.max(1, props.concurrency()));

        Step worker = new StepBuilder(name + ".partition", jobRepository)
                .tasklet((contribution, chunk) -> {
                    RunState<?, ?, ?> rs = running.get(runId);
                    ExecutionContext ec = chunk.getStepContext().getStepExecution().getExecutionContext();
                    String key = ec.getString("partition");
                    PartitionResult<?> r = runAndKeep(rs, key);
                    ec.putInt("actions", r.actions().size());
                    if (r.isFailed()) {
                        ec.putString("error", truncate(r.error()));
                        contribution.setExitStatus(new ExitStatus(PARTIAL_FAILURE, truncate(r.error())));
                    }
                    return RepeatStatus.FINISHED;
                }, tx)
                .build();

        Step partitions = new StepBuilder(name + ".partitions", jobRepository)
                .partitioner(name + ".partition", gridSize -> {
                    RunState<?, ?, ?> rs = running.get(runId);
                    Map<String, ExecutionContext> map = new LinkedHashMap<>();
                    for (String key : rs.chore.partitions(rs.ctx)) {
                        ExecutionContext ec = new ExecutionContext();
                        ec.putString("partition", key);
                        map.put(name + ":" + key, ec);
                    }
                    return map;
                })
                .step(worker)
                .taskExecutor(executor)
                .gridSize(Math.max(1, props.concurrency()))
                .build();

        Step finish = new StepBuilder(name + ".finish", jobRepository)
                .tasklet((contribution, chunk) -> {
                    RunState<?, ?, ?> rs = running.get(runId);
                    try {
                        rs.finish();
                        // for the runner's run page: the plan/summary text and where the reports are
                        ExecutionContext job = chunk.getStepContext().getStepExecution().getJobExecution().getExecutionContext();
                        job.putString(SUMMARY, truncate(rs.report.summary(), 60_000));
                        job.putString(ARTIFACTS, rs.report.artifacts().stream().map(p -> p.toAbsolutePath().toString())
                                .collect(Collectors.joining("\n")));
                    } catch (Exception e) {
                        rs.finishError = ChoreRunner.describe(e);
                        // the job history stores the exception's stack trace: only the scrubbed description goes there
                        throw new IllegalStateException("finish failed: " + rs.finishError);
                    }
                    return RepeatStatus.FINISHED;
                }, tx)
                .build();

        return new JobBuilder(name, jobRepository)
                .start(partitions)
                .next(finish)
                .listener(new JobExecutionListener() {
                    @Override
                    public void afterJob(JobExecution je) {
                        RunState<?, ?, ?> rs = running.get(runId);
                        if (rs == null || je.getStatus() != BatchStatus.COMPLETED) return;
                        boolean partial = rs.results.stream().anyMatch(PartitionResult::isFailed)
                                || (rs.report != null && rs.report.failed());
                        if (partial) je.setExitStatus(new ExitStatus(PARTIAL_FAILURE, "some partitions failed"));
                    }
                })
                .build();
    }

    /**
     * Runs one partition on its own virtual thread, bounded by the partition deadline, the run's deadline and a stop
     * of the whole run (shutdown, lost lease). Past it the partition is FAILED with the reason: it may send no further
     * mutation (RunGuard), its cluster client is closed (requests in flight are cancelled) and its thread interrupted;
     * the other partitions go on.
     */
    private <R> PartitionResult<R> runAndKeep(RunState<?, R, ?> rs, String key) {
        PartitionResult<R> r = runWithDeadline(rs, key);
        rs.results.add(r);
        return r;
    }

    private <R> PartitionResult<R> runWithDeadline(RunState<?, R, ?> rs, String key) {
        long now = System.nanoTime();
        long left = Math.min(props.partitionDeadline().toNanos(), rs.runEndsNanos - now);
        String stopped = rs.stop.getNow(null);
        if (stopped != null || left <= 0) {
            String why = stopped != null ? stopped
                    : "run deadline of " + fmt(props.runDeadline()) + " (kubechores.run-deadline) passed before this partition started";
            log.warn("job={} partition={} not started: {}", rs.chore.name(), key, why);
            return PartitionResult.failed(key, "not started: " + why);
        }
        CompletableFuture<PartitionResult<R>> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name(rs.chore.name() + "-" + key).start(() ->
                result.complete(rs.runOne(key)));
        String why;
        try {
            CompletableFuture.anyOf(result, rs.stop).get(left, TimeUnit.NANOSECONDS);
            if (result.isDone()) return result.join();
            why = "stopped: " + rs.stop.getNow("stopped");
        } catch (TimeoutException e) {
            boolean partitionBound = props.partitionDeadline().toNanos() <= rs.runEndsNanos - now;
            why = partitionBound
                    ? "deadline: not done within the partition deadline of " + fmt(props.partitionDeadline())
                      + " (kubechores.partition-deadline)"
                    : "deadline: not done when the run deadline of " + fmt(props.runDeadline())
                      + " (kubechores.run-deadline) passed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "stopped: interrupted";
        } catch (ExecutionException e) {
            return PartitionResult.failed(key, ChoreRunner.describe(e.getCause()));
        }
        if (result.isDone()) return result.join();
        rs.guard.stopPartition(key, why);
        if (rs.ctx.platform() != null && rs.ctx.platform().kube() != null) rs.ctx.platform().kube().abandon(key, why);
        worker.interrupt();
        try { // let it unwind (its requests fail at once now) so its partial actions are not lost in the report
            result.get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) { // still stuck: reported without them
        }
        log.warn("job={} partition={} FAILED: {}; changes it applied so far are in the audit trail", rs.chore.name(),
                key, why);
        PartitionResult<R> partial = result.getNow(null);
        String failed = why + "; changes applied before that are in the audit trail";
        return partial == null ? PartitionResult.failed(key, failed) : partial.failedWith(failed);
    }

    /**
     * Runner shutdown (SIGTERM): stops every run in flight at once: no further mutation, partitions still running
     * are FAILED "stopped: ...", cluster clients closed; each run then ends normally (finish step, reports, history),
     * so Quartz's wait for running jobs is short. New launches are refused.
     */
    public void stopAll(String reason) {
        shuttingDown = reason;
        for (RunState<?, ?, ?> rs : running.values()) {
            log.warn("job={} stopping: {}", rs.chore.name(), reason);
            rs.guard.stop(reason);
            rs.stop.complete(reason);
        }
    }

    private static String fmt(java.time.Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : io.kubechores.core.Durations.compact(d);
    }

    /** Runs in flight now. */
    public int inFlight() {
        return running.size();
    }

    private static String truncate(String s) {
        return truncate(s, 1000);
    }

    private static String truncate(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) + "\n… (truncated)" : s;
    }
}
