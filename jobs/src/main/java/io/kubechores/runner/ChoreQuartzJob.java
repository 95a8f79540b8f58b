package io.kubechores.runner;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a Quartz trigger runs: one chore run through {@link RunService}. One JobDetail per chore, so
 * {@code @DisallowConcurrentExecution} keeps two runs of one chore from overlapping across all its schedules, manual
 * triggers and (clustered store) all runners.
 */
@DisallowConcurrentExecution
public class ChoreQuartzJob implements Job {
    static final String JOB = "job";
    static final String SCHEDULE = "schedule";
    static final String TRIGGER = "trigger";
    static final String DRY_RUN = "dryRun";
    static final String CLUSTERS = "clusters";
    static final String REPO = "repo";
    static final String REF = "ref";

    private final RunService runs;

    public ChoreQuartzJob(RunService runs) {
        this.runs = runs;
    }

    @Override
    public void execute(JobExecutionContext context) {
        JobDataMap d = context.getMergedJobDataMap();
        String clusters = d.getString(CLUSTERS);
        Set<String> cl = clusters == null || clusters.isBlank() ? Set.of()
                : Arrays.stream(clusters.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        runs.run(d.getString(JOB), d.getString(SCHEDULE), new io.kubechores.runner.ChoreLauncher.RunRequest(
                d.getString(REPO), d.getString(REF), cl, Boolean.parseBoolean(d.getString(DRY_RUN)), null,
                d.getString(TRIGGER)));
    }
}
