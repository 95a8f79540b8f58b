package io.kubechores.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Past runs of each chore, read from the Spring Batch JobRepository (the launcher names each Batch job after its
 * chore, passes the job parameters {@code trigger}, {@code dryRun} and {@code launcher}, runs one step per
 * partition named {@code job:partition}, and keeps the run's summary and report paths in the job's execution
 * context). Also closes runs whose runner died: such a run stays STARTED in the repository forever unless someone
 * marks it failed.
 */
@Component
@Profile("serve")
public class RunHistory {
    private static final Logger log = LoggerFactory.getLogger(RunHistory.class);
    /** Exit code of a run closed because its runner died mid-run. */
    public static final String ABANDONED = "ABANDONED";

    private final JobRepository repository;
    private final ZoneId batchZone = ZoneId.systemDefault(); // Spring Batch stores LocalDateTime in the JVM's zone

    public RunHistory(JobRepository repository) {
        this.repository = repository;
    }

    /** What one partition (cluster, account, tool) of a run did. */
    public record PartitionRun(String partition, String status, int actions, String error) {
        public boolean failed() {
            return error != null || "FAILED".equals(status);
        }
    }

    /** One run as the status page and /api/jobs show it. */
    public record Run(long executionId, String job, String status, String exitCode, String exitDescription,
                      String trigger, boolean dryRun, String launcher, Instant start, Instant end, Duration duration,
                      List<PartitionRun> partitions, String summary, List<Path> artifacts) {
        public boolean running() {
            return end == null;
        }

        /**
         * The status a person should see: Spring Batch calls a run whose clusters failed COMPLETED (the job itself
         * finished); its exit code says PARTIAL_FAILURE, and that is what the pages show, in red.
         */
        public String shownStatus() {
            return "COMPLETED".equals(status) && BatchChoreLauncher.PARTIAL_FAILURE.equals(exitCode) ? BatchChoreLauncher.PARTIAL_FAILURE : status;
        }

        public long failedPartitions() {
            return partitions.stream().filter(PartitionRun::failed).count();
        }
    }

    /** The most recent runs of a chore, newest first. */
    public List<Run> lastRuns(String job, int n) {
        List<Run> out = new ArrayList<>();
        for (JobInstance instance : repository.getJobInstances(job, 0, n)) {
            for (JobExecution e : repository.getJobExecutions(instance)) out.add(toRun(job, e));
        }
        out.sort(Comparator.comparingLong(Run::executionId).reversed());
        return out.size() > n ? List.copyOf(out.subList(0, n)) : out;
    }

    /** One run by its execution id. */
    public Optional<Run> find(long executionId) {
        JobExecution e;
        try {
            e = repository.getJobExecution(executionId);
        } catch (RuntimeException missing) { // some DAOs throw instead of answering null for an unknown id
            return Optional.empty();
        }
        return e == null ? Optional.empty() : Optional.of(toRun(e.getJobInstance().getJobName(), e));
    }

    /** The run id (job parameter run.id, which the audit trail's lines carry) of an execution. */
    public Optional<String> runId(long executionId) {
        try {
            JobExecution e = repository.getJobExecution(executionId);
            String id = e == null ? "" : param(e, "run.id");
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (RuntimeException missing) {
            return Optional.empty();
        }
    }

    /**
     * When the last run that completed without failure ended (for the last-success metric after a restart): Batch
     * status COMPLETED and exit COMPLETED. A run whose clusters failed (some or all) completes in Batch terms with
     * exit PARTIAL_FAILURE and is no success, else a "no success for N hours" alert would never fire.
     */
    public Optional<Instant> lastSuccess(String job) {
        for (JobInstance instance : repository.getJobInstances(job, 0, 50)) {
            Optional<Instant> end = repository.getJobExecutions(instance).stream()
                    .filter(e -> e.getStatus() == BatchStatus.COMPLETED && e.getEndTime() != null
                            && e.getExitStatus() != null && ExitStatus.COMPLETED.getExitCode().equals(e.getExitStatus().getExitCode()))
                    .map(e -> instant(e.getEndTime())).max(Comparator.naturalOrder());
            if (end.isPresent()) return end;
        }
        return Optional.empty();
    }

    /**
     * Marks the runs of {@code job} still recorded as running whose launcher matches as FAILED with exit code
     * {@link #ABANDONED} and {@code why} (their steps too), so that no run is ever silently lost. Returns their ids.
     */
    public List<Long> abandon(String job, Predicate<String> launcher, String why) {
        return close(job, e -> launcher.test(param(e, "launcher")), e -> why);
    }

    /** Triggers of runs a runner started through Quartz: those are recovered by Quartz, never swept by age. */
    static final Set<String> RUNNER_TRIGGERS = Set.of("schedule", "manual", "recovery");

    /**
     * Closes runs started outside a runner (CronJob pods, the CLI, Jenkins: trigger cli/jenkins/...) that are still
     * recorded as running although they started more than {@code olderThan} ago. A CronJob pod is killed after its
     * activeDeadlineSeconds (3600 in k8s/), so such a run's process is gone; nothing else would ever close it.
     */
    public List<Long> abandonStale(List<String> jobs, Duration olderThan, Instant now) {
        List<Long> closed = new ArrayList<>();
        Instant cutoff = now.minus(olderThan);
        for (String job : jobs) {
            closed.addAll(close(job, e -> {
                Instant start = instant(e.getStartTime() != null ? e.getStartTime() : e.getCreateTime());
                return !RUNNER_TRIGGERS.contains(param(e, "trigger")) && start != null && start.isBefore(cutoff);
            }, e -> "started by " + (param(e, "launcher").isEmpty() ? "an unknown process" : param(e, "launcher"))
                    + " more than " + olderThan.toMinutes() + " min ago and still recorded as running: its process is"
                    + " gone (a CronJob pod ends within activeDeadlineSeconds); closed by runner " + RunnerIdentity.id()));
        }
        return closed;
    }

    private List<Long> close(String job, Predicate<JobExecution> which, java.util.function.Function<JobExecution, String> reason) {
        List<Long> closed = new ArrayList<>();
        for (JobExecution e : repository.findRunningJobExecutions(job)) {
            String l = param(e, "launcher");
            if (!which.test(e)) continue;
            String why = reason.apply(e);
            LocalDateTime now = LocalDateTime.now(batchZone);
            for (StepExecution s : e.getStepExecutions()) {
                if (!s.getStatus().isRunning()) continue;
                s.setStatus(BatchStatus.FAILED);
                s.setExitStatus(new ExitStatus(ABANDONED, why));
                s.setEndTime(now);
                repository.update(s);
            }
            e.setStatus(BatchStatus.FAILED);
            e.setExitStatus(new ExitStatus(ABANDONED, why));
            e.setEndTime(now);
            repository.update(e);
            closed.add(e.getId());
            log.warn("job={} execution={} launcher={} marked FAILED ({}): {}", job, e.getId(), l, ABANDONED, why);
        }
        return closed;
    }

    /** Closes runs of every listed job whose launcher was a process on this host that no longer exists. */
    public List<Long> abandonDeadHere(List<String> jobs) {
        List<Long> closed = new ArrayList<>();
        for (String job : jobs) {
            closed.addAll(abandon(job, RunnerIdentity::isDeadHere,
                    "the process that ran it on this host is gone (killed or crashed mid-run); found by runner "
                            + RunnerIdentity.id() + " at start"));
        }
        return closed;
    }

    /**
     * The partition key of a partition step, null for the job's other steps. Spring Batch names a partition's step
     * execution {@code <partitioner step>:<key>} (SimpleStepExecutionSplitter.STEP_NAME_SEPARATOR), and the
     * launcher's keys are {@code <job>:<partition>}: "downscale.partition:downscale:prod-eu-1" → "prod-eu-1".
     */
    static String partitionKey(String job, String stepName) {
        String step = job + ".partition:" + job + ":";
        if (stepName.startsWith(step)) return stepName.substring(step.length());
        return null;
    }

    private Run toRun(String job, JobExecution e) {
        Instant start = instant(e.getStartTime() != null ? e.getStartTime() : e.getCreateTime());
        Instant end = instant(e.getEndTime());
        List<PartitionRun> partitions = e.getStepExecutions().stream()
                .filter(s -> partitionKey(job, s.getStepName()) != null)
                .map(s -> {
                    ExecutionContext sc = s.getExecutionContext();
                    String error = sc.containsKey("error") ? sc.getString("error")
                            : s.getStatus() == BatchStatus.FAILED
                            || BatchChoreLauncher.PARTIAL_FAILURE.equals(s.getExitStatus().getExitCode())
                            ? s.getExitStatus().getExitDescription() : null;
                    // a failed partition is a completed Batch step (the others go on): show it as FAILED
                    return new PartitionRun(partitionKey(job, s.getStepName()),
                            error != null ? "FAILED" : s.getStatus().name(),
                            sc.containsKey("actions") ? sc.getInt("actions") : 0, error);
                })
                .sorted(Comparator.comparing(PartitionRun::partition))
                .toList();
        ExecutionContext ec = e.getExecutionContext();
        String summary = ec.containsKey(BatchChoreLauncher.SUMMARY) ? ec.getString(BatchChoreLauncher.SUMMARY) : null;
        List<Path> artifacts = ec.containsKey(BatchChoreLauncher.ARTIFACTS)
                ? Arrays.stream(ec.getString(BatchChoreLauncher.ARTIFACTS).split("\n")).filter(s -> !s.isBlank()).map(Path::of).toList()
                : List.of();
        return new Run(e.getId(), job, e.getStatus().name(),
                e.getExitStatus() == null ? "" : e.getExitStatus().getExitCode(),
                e.getExitStatus() == null ? "" : e.getExitStatus().getExitDescription(),
                param(e, "trigger"), Boolean.parseBoolean(param(e, "dryRun")), param(e, "launcher"),
                start, end, start != null && end != null ? Duration.between(start, end) : null,
                partitions, summary, artifacts);
    }

    private static String param(JobExecution e, String name) {
        JobParameter<?> p = e.getJobParameters().getParameter(name);
        return p == null ? "" : String.valueOf(p.value());
    }

    private Instant instant(LocalDateTime t) {
        return t == null ? null : t.atZone(batchZone).toInstant();
    }
}
