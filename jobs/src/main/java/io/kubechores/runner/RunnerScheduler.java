package io.kubechores.runner;

import io.kubechores.runner.schedule.JobSchedule;
import io.kubechores.runner.schedule.ScheduleLoader;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Puts schedules/ into Quartz: one durable JobDetail per chore, one CronTrigger per enabled schedule (in the
 * schedule's time zone, misfires skipped), stale schedule triggers removed; and one-shot triggers for "Run now".
 * <p>
 * Schedules come from {@code kubechores.runner.schedules} (a folder; default ./schedules when it exists, else the
 * copy inside the jar). {@code kubechores.runner.scheduling.enabled=false} keeps manual triggers but no schedule
 * triggers (in Kubernetes the CronJobs own the schedule).
 */
@Component
@Profile("serve")
public class RunnerScheduler implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(RunnerScheduler.class);
    static final String JOB_GROUP = "kubechores";
    static final String SCHEDULE_GROUP = "schedules";
    static final String MANUAL_GROUP = "manual";

    private final Scheduler scheduler;
    private final ChoreLauncher launcher;
    private final List<JobSchedule> schedules;
    private final boolean schedulingEnabled;

    public RunnerScheduler(Scheduler scheduler, ChoreLauncher launcher,
                           @Value("${kubechores.runner.schedules:schedules}") String schedulesFolder,
                           @Value("${kubechores.runner.scheduling.enabled:true}") boolean schedulingEnabled) {
        this.scheduler = scheduler;
        this.launcher = launcher;
        this.schedules = new ScheduleLoader().loadFolderOrClasspath(Path.of(schedulesFolder));
        this.schedulingEnabled = schedulingEnabled;
    }

    public List<JobSchedule> schedules() {
        return schedules;
    }

    public boolean schedulingEnabled() {
        return schedulingEnabled;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            sync();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot register the schedules with Quartz: " + e.getMessage(), e);
        }
    }

    static JobKey jobKey(String job) {
        return JobKey.jobKey(job, JOB_GROUP);
    }

    void sync() throws SchedulerException {
        Set<String> known = Set.copyOf(launcher.jobs());
        for (String job : known) {
            JobDetail detail = JobBuilder.newJob(ChoreQuartzJob.class).withIdentity(jobKey(job)).storeDurably()
                    .requestRecovery(true) // clustered: a run whose runner dies is re-run by another runner
                    .withDescription("kubechores " + job).usingJobData(ChoreQuartzJob.JOB, job).build();
            scheduler.addJob(detail, true);
        }
        Set<TriggerKey> wanted = new HashSet<>();
        if (schedulingEnabled) {
            for (JobSchedule s : schedules) {
                if (!s.enabled()) continue;
                if (!known.contains(s.job())) {
                    log.warn("schedule={} job={} is not a chore this build knows; not scheduled", s.name(), s.job());
                    continue;
                }
                Trigger t = cronTrigger(s);
                wanted.add(t.getKey());
                if (scheduler.checkExists(t.getKey())) scheduler.rescheduleJob(t.getKey(), t);
                else scheduler.scheduleJob(t);
            }
        }
        for (TriggerKey k : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(SCHEDULE_GROUP))) {
            if (!wanted.contains(k)) {
                log.info("schedule={} removed from Quartz (no longer in schedules/ or disabled)", k.getName());
                scheduler.unscheduleJob(k);
            }
        }
        log.info("Quartz: {} schedule trigger(s) for {} chore(s){}", wanted.size(), known.size(),
                schedulingEnabled ? "" : " (scheduling disabled: manual triggers only)");
    }

    static Trigger cronTrigger(JobSchedule s) {
        return TriggerBuilder.newTrigger().withIdentity(s.name(), SCHEDULE_GROUP).forJob(jobKey(s.job()))
                .withDescription(s.description())
                .usingJobData(ChoreQuartzJob.JOB, s.job())
                .usingJobData(ChoreQuartzJob.SCHEDULE, s.name())
                .usingJobData(ChoreQuartzJob.TRIGGER, "schedule")
                .usingJobData(ChoreQuartzJob.DRY_RUN, Boolean.toString(s.args().dryRun()))
                .usingJobData(ChoreQuartzJob.CLUSTERS, String.join(",", s.args().clusters()))
                .usingJobData(ChoreQuartzJob.REPO, s.args().repo())
                .usingJobData(ChoreQuartzJob.REF, s.args().ref())
                .withSchedule(CronScheduleBuilder.cronSchedule(s.cronSchedule().quartz())
                        .inTimeZone(TimeZone.getTimeZone(s.timeZone()))
                        .withMisfireHandlingInstructionDoNothing())
                .build();
    }

    /**
     * Queues a manual run of a chore now (trigger "manual"). Through Quartz, so it never overlaps a scheduled run
     * of the same chore on any runner.
     */
    public String triggerNow(String job, boolean dryRun, List<String> clusters, String ref) throws SchedulerException {
        if (!launcher.jobs().contains(job)) throw new IllegalArgumentException("unknown job '" + job + "'");
        String id = job + "-" + UUID.randomUUID();
        Trigger t = TriggerBuilder.newTrigger().withIdentity(id, MANUAL_GROUP).forJob(jobKey(job))
                .usingJobData(ChoreQuartzJob.JOB, job)
                .usingJobData(ChoreQuartzJob.TRIGGER, "manual")
                .usingJobData(ChoreQuartzJob.DRY_RUN, Boolean.toString(dryRun))
                .usingJobData(ChoreQuartzJob.CLUSTERS, clusters == null ? "" : String.join(",", clusters))
                .usingJobData(ChoreQuartzJob.REF, ref)
                .startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        scheduler.scheduleJob(t);
        return id;
    }

    /** When the schedule's trigger fires next (empty when not scheduled here). */
    public Optional<Instant> nextFire(JobSchedule s) {
        try {
            Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(s.name(), SCHEDULE_GROUP));
            return t == null || t.getNextFireTime() == null ? Optional.empty() : Optional.of(t.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    /** Manual runs queued but not started yet, per chore. */
    public int pendingManual(String job) {
        try {
            return (int) scheduler.getTriggersOfJob(jobKey(job)).stream()
                    .filter(t -> MANUAL_GROUP.equals(t.getKey().getGroup())).count();
        } catch (SchedulerException e) {
            return 0;
        }
    }
}
