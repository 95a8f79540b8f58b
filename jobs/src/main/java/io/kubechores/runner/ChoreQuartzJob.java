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
 * <p>
 * Recovery: the JobDetails request recovery, so when a runner dies mid-run the clustered store hands the run to
 * another runner with a trigger named {@code recover_<dead instance id>_<n>} carrying the original trigger's data.
 * That run first closes the dead runner's Batch execution (FAILED, {@link RunHistory#ABANDONED}) and then runs the
 * chore again with trigger {@code recovery} — safe because every apply is idempotent.
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
    static final String RECOVERY = "recovery";

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
        String job = d.getString(JOB);
        String trigger = d.getString(TRIGGER);
        if (context.isRecovering()) {
            runs.closeAbandoned(job, deadInstance(context.getTrigger().getKey().getName()));
            trigger = RECOVERY;
        }
        runs.run(job, d.getString(SCHEDULE), new ChoreLauncher.RunRequest(
                d.getString(REPO), d.getString(REF), cl, Boolean.parseBoolean(d.getString(DRY_RUN)), null, trigger));
    }

    /** The dead runner's identity from Quartz's recovery trigger name {@code recover_<instanceId>_<n>}. */
    static String deadInstance(String recoveryTriggerName) {
        String s = recoveryTriggerName.startsWith("recover_") ? recoveryTriggerName.substring("recover_".length())
                : recoveryTriggerName;
        int last = s.lastIndexOf('_');
        return RunnerIdentity.ofSchedulerInstance(last > 0 ? s.substring(0, last) : s);
    }
}
