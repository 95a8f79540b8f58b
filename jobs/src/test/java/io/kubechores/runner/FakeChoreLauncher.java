package io.kubechores.runner;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the lead's Spring Batch launcher in runner tests: records each launch and writes a real job
 * execution (named after the chore, parameters trigger + dryRun) into the real JobRepository, as the real one does.
 */
public class FakeChoreLauncher implements ChoreLauncher {
    private static final AtomicLong RUN_IDS = new AtomicLong(System.nanoTime());

    private final JobRepository repository;
    private final List<String> jobs;
    /** Launches in order: "job trigger dryRun". */
    public final List<String> launches = new CopyOnWriteArrayList<>();
    /** Exit code per job (default 0). */
    public final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    public volatile long runMillis = 50;

    public FakeChoreLauncher(JobRepository repository, List<String> jobs) {
        this.repository = repository;
        this.jobs = List.copyOf(jobs);
    }

    @Override
    public RunResult launch(String job, RunRequest request) {
        launches.add(job + " " + request.trigger() + " " + request.dryRun());
        JobParameters params = new JobParametersBuilder()
                .addString("trigger", request.trigger())
                .addString("dryRun", Boolean.toString(request.dryRun()))
                .addLong("run.id", RUN_IDS.incrementAndGet())
                .toJobParameters();
        JobInstance instance = repository.createJobInstance(job, params);
        JobExecution e = repository.createJobExecution(instance, params, new ExecutionContext());
        Instant started = Instant.now();
        e.setStartTime(LocalDateTime.now());
        e.setStatus(BatchStatus.STARTED);
        repository.update(e);
        try {
            Thread.sleep(runMillis);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        int exit = exitCodes.getOrDefault(job, 0);
        e.setEndTime(LocalDateTime.now());
        e.setStatus(exit == 0 ? BatchStatus.COMPLETED : BatchStatus.FAILED);
        e.setExitStatus(exit == 0 ? ExitStatus.COMPLETED : ExitStatus.FAILED);
        repository.update(e);
        return new RunResult(job, e.getId(), exit, request.dryRun(), false, "fake run", List.of(), List.of(),
                List.of(), List.of(), started, Instant.now());
    }

    @Override
    public List<String> jobs() {
        return jobs;
    }
}
