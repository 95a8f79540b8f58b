package io.kubechores.runner;

import io.kubechores.core.Action;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the Spring Batch launcher in runner tests: records each launch and writes a real job execution into
 * the real JobRepository the way BatchChoreLauncher does (named after the chore; parameters trigger, dryRun and
 * launcher; one step per partition named job:partition with its action count and error; the summary and the report
 * file in the job's execution context), plus a report file under kubechores.home.
 */
public class FakeChoreLauncher implements ChoreLauncher {
    private static final AtomicLong RUN_IDS = new AtomicLong(System.nanoTime());
    static final List<String> PARTITIONS = List.of("prod-eu-1", "staging-eu-1");

    private final JobRepository repository;
    private final List<String> jobs;
    private final Path home;
    /** Launches in order: "job trigger dryRun". */
    public final List<String> launches = new CopyOnWriteArrayList<>();
    /** Exit code per job (default 0); 3 fails the partition prod-eu-1. */
    public final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    public volatile long runMillis = 50;

    public FakeChoreLauncher(JobRepository repository, List<String> jobs, Path home) {
        this.repository = repository;
        this.jobs = List.copyOf(jobs);
        this.home = home;
    }

    @Override
    public RunResult launch(String job, RunRequest request) {
        launches.add(job + " " + request.trigger() + " " + request.dryRun());
        JobParameters params = new JobParametersBuilder()
                .addString("trigger", request.trigger())
                .addString("dryRun", Boolean.toString(request.dryRun()))
                .addString("launcher", RunnerIdentity.id(), false)
                .addLong("run.id", RUN_IDS.incrementAndGet())
                .toJobParameters();
        JobInstance instance = repository.createJobInstance(job, params);
        JobExecution e = repository.createJobExecution(instance, params, new ExecutionContext());
        Instant started = Instant.now();
        e.setStartTime(LocalDateTime.now());
        e.setStatus(BatchStatus.STARTED);
        repository.update(e);
        int exit = exitCodes.getOrDefault(job, 0);
        List<StepExecution> steps = new ArrayList<>();
        for (String p : PARTITIONS) {
            // named as Spring Batch names the real launcher's partition steps: <partitioner step>:<job>:<partition>
            StepExecution s = repository.createStepExecution(job + ".partition:" + job + ":" + p, e);
            s.setStartTime(LocalDateTime.now());
            s.setStatus(BatchStatus.STARTED);
            repository.update(s);
            steps.add(s);
        }
        try {
            Thread.sleep(runMillis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        List<PartitionOutcome> outcomes = new ArrayList<>();
        for (StepExecution s : steps) {
            String p = s.getStepName().substring((job + ".partition:" + job + ":").length());
            boolean failed = exit == 3 && p.equals("prod-eu-1");
            s.getExecutionContext().putInt("actions", failed ? 0 : 2);
            if (failed) s.getExecutionContext().putString("error", "API server answered 500");
            s.setEndTime(LocalDateTime.now());
            s.setStatus(BatchStatus.COMPLETED);
            s.setExitStatus(failed ? new ExitStatus(BatchChoreLauncher.PARTIAL_FAILURE, "API server answered 500") : ExitStatus.COMPLETED);
            repository.updateExecutionContext(s);
            repository.update(s);
            outcomes.add(new PartitionOutcome(p, failed ? "API server answered 500" : null,
                    failed ? Map.of() : Map.of(request.dryRun() ? Action.Status.PLANNED : Action.Status.APPLIED, 2)));
        }
        Path report = home.resolve("reports").resolve(job).resolve("run-" + e.getId()).resolve("report.html");
        try {
            Files.createDirectories(report.getParent());
            Files.writeString(report, "<html><body><h1 id='report'>" + job + " report of run " + e.getId() + "</h1></body></html>");
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
        e.getExecutionContext().putString(BatchChoreLauncher.SUMMARY, job + (request.dryRun() ? " plan" : " run")
                + ": 2 action(s) on staging-eu-1" + (exit == 3 ? "; prod-eu-1 failed" : "; 2 action(s) on prod-eu-1"));
        e.getExecutionContext().putString(BatchChoreLauncher.ARTIFACTS, report.toAbsolutePath().toString());
        repository.updateExecutionContext(e);
        e.setEndTime(LocalDateTime.now());
        e.setStatus(exit == 0 || exit == 3 ? BatchStatus.COMPLETED : BatchStatus.FAILED);
        e.setExitStatus(exit == 0 ? ExitStatus.COMPLETED : exit == 3 ? new ExitStatus(BatchChoreLauncher.PARTIAL_FAILURE)
                : ExitStatus.FAILED);
        repository.update(e);
        return new RunResult(job, e.getId(), exit, request.dryRun(), false, "fake run", List.of(), List.of(),
                List.of(), List.of(report), started, Instant.now(), outcomes);
    }

    @Override
    public List<String> jobs() {
        return jobs;
    }

    /** For tests that assert on the set of partitions. */
    static Set<String> partitions() {
        return Set.copyOf(PARTITIONS);
    }
}
