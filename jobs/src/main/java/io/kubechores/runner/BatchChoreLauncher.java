package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.PartitionResult;
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
import java.util.concurrent.ConcurrentLinkedQueue;
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

    private final Map<String, Chore> chores;
    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final PlatformTransactionManager tx;
    private final DesiredStateSource source;
    private final PlatformProvider platforms;
    private final KubechoresProperties props;
    private final Map<String, RunState> running = new ConcurrentHashMap<>();

    public BatchChoreLauncher(List<Chore> chores, JobRepository jobRepository, JobOperator jobOperator,
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

    @Override
    public List<String> jobs() {
        return List.copyOf(chores.keySet());
    }

    private static final class RunState {
        final Chore chore;
        final ChoreContext ctx;
        final ConcurrentLinkedQueue<PartitionResult> results = new ConcurrentLinkedQueue<>();
        volatile ChoreReport report;
        volatile String finishError;

        RunState(Chore chore, ChoreContext ctx) {
            this.chore = chore;
            this.ctx = ctx;
        }
    }

    @Override
    public RunResult launch(String job, RunRequest req) {
        Instant started = Instant.now();
        Chore chore = chores.get(job);
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
        Platform real = platforms.platform(loaded, clock);
        // DESIGN §1: the runner, not each job, guarantees that a plan mutates nothing
        Platform platform = dryRun ? real.readOnly() : real;
        ChoreContext ctx = new ChoreContext(job, state, platform, clock, dryRun,
                max > 0 ? new SafetyLimit(max) : SafetyLimit.unlimited(),
                dryRun ? io.kubechores.core.AuditLog.NONE : new FileAuditLog(props.home(), runId, req.trigger(), clock),
                out);
        RunState rs = new RunState(chore, ctx);
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
        }
        List<PartitionResult> results = new ArrayList<>(rs.results);
        results.sort(Comparator.comparing(PartitionResult::partition));
        List<Action> actions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<PartitionOutcome> outcomes = new ArrayList<>();
        for (PartitionResult r : results) {
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
        return new RunResult(job, exec.getId(), exit, dryRun, paused, summary, actions, failed, warnings,
                report == null ? List.of() : report.artifacts(), started, Instant.now(), outcomes);
    }

    private RunResult invalid(String job, RunRequest req, Instant started, List<Problem> problems) {
        List<String> lines = problems.stream().map(Problem::toString).toList();
        return new RunResult(job, -1, 2, req.dryRun(), false, "invalid input:\n  " + String.join("\n  ", lines),
                List.of(), List.of(), lines, List.of(), started, Instant.now());
    }

    private Job buildJob(Chore chore, String runId) {
        String name = chore.name();
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(name + "-");
        executor.setVirtualThreads(true);
        executor.setConcurrencyLimit(Math.max(1, props.concurrency()));

        Step worker = new StepBuilder(name + ".partition", jobRepository)
                .tasklet((contribution, chunk) -> {
                    RunState rs = running.get(runId);
                    ExecutionContext ec = chunk.getStepContext().getStepExecution().getExecutionContext();
                    String key = ec.getString("partition");
                    PartitionResult r = ChoreRunner.runOne(rs.chore, rs.ctx, key);
                    rs.results.add(r);
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
                    RunState rs = running.get(runId);
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
                    RunState rs = running.get(runId);
                    List<PartitionResult> results = new ArrayList<>(rs.results);
                    results.sort(Comparator.comparing(PartitionResult::partition));
                    try {
                        rs.report = rs.chore.finish(rs.ctx, results);
                        // for the runner's run page: the plan/summary text and where the reports are
                        ExecutionContext job = chunk.getStepContext().getStepExecution().getJobExecution().getExecutionContext();
                        job.putString(SUMMARY, truncate(rs.report.summary(), 60_000));
                        job.putString(ARTIFACTS, rs.report.artifacts().stream().map(p -> p.toAbsolutePath().toString())
                                .collect(Collectors.joining("\n")));
                    } catch (Exception e) {
                        rs.finishError = ChoreRunner.describe(e);
                        throw e;
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
                        RunState rs = running.get(runId);
                        if (rs == null || je.getStatus() != BatchStatus.COMPLETED) return;
                        boolean partial = rs.results.stream().anyMatch(PartitionResult::isFailed)
                                || (rs.report != null && rs.report.failed());
                        if (partial) je.setExitStatus(new ExitStatus(PARTIAL_FAILURE, "some partitions failed"));
                    }
                })
                .build();
    }

    private static String truncate(String s) {
        return truncate(s, 1000);
    }

    private static String truncate(String s, int max) {
        return s == null ? null : s.length() > max ? s.substring(0, max) + "\n… (truncated)" : s;
    }
}
