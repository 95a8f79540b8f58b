package io.kubechores.runner;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Past runs of each chore, read from the Spring Batch JobRepository (the launcher names each Batch job after its
 * chore and passes the job parameters {@code trigger} and {@code dryRun}).
 */
@Component
@Profile("serve")
public class RunHistory {
    private final JobRepository repository;
    private final ZoneId batchZone = ZoneId.systemDefault(); // Spring Batch stores LocalDateTime in the JVM's zone

    public RunHistory(JobRepository repository) {
        this.repository = repository;
    }

    /** One run as the status page and /api/jobs show it. */
    public record Run(long executionId, String job, String status, String exitCode, String trigger, boolean dryRun,
                      Instant start, Instant end, Duration duration) {
        public boolean running() {
            return end == null;
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

    /** When the last run that completed without failure ended (for the last-success metric after a restart). */
    public Optional<Instant> lastSuccess(String job) {
        for (JobInstance instance : repository.getJobInstances(job, 0, 50)) {
            Optional<Instant> end = repository.getJobExecutions(instance).stream()
                    .filter(e -> e.getStatus() == BatchStatus.COMPLETED && e.getEndTime() != null)
                    .map(e -> instant(e.getEndTime())).max(Comparator.naturalOrder());
            if (end.isPresent()) return end;
        }
        return Optional.empty();
    }

    private Run toRun(String job, JobExecution e) {
        Instant start = instant(e.getStartTime() != null ? e.getStartTime() : e.getCreateTime());
        Instant end = instant(e.getEndTime());
        JobParameter<?> trigger = e.getJobParameters().getParameter("trigger");
        JobParameter<?> dry = e.getJobParameters().getParameter("dryRun");
        return new Run(e.getId(), job, e.getStatus().name(),
                e.getExitStatus() == null ? "" : e.getExitStatus().getExitCode(),
                trigger == null ? "" : String.valueOf(trigger.value()),
                dry != null && Boolean.parseBoolean(String.valueOf(dry.value())),
                start, end, start != null && end != null ? Duration.between(start, end) : null);
    }

    private Instant instant(LocalDateTime t) {
        return t == null ? null : t.atZone(batchZone).toInstant();
    }
}
