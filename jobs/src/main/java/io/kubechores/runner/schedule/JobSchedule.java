package io.kubechores.runner.schedule;

import io.kubechores.desiredstate.Location;

import java.time.ZoneId;
import java.util.List;

/**
 * One schedule from schedules/: the single source for the Kubernetes CronJobs, the Quartz runner and Jenkins.
 *
 * @param name              DNS label; also the CronJob and Quartz trigger name
 * @param job               chore name (downscale, rightsize, quotas, certs, promote)
 * @param cron              5-field cron as written
 * @param timeZone          zone the cron is read in
 * @param args              run arguments
 * @param enabled           false: CronJob suspended, no Quartz or Jenkins trigger
 * @param concurrencyPolicy always Forbid (two runs of one job never overlap)
 * @param location          where the schedule was written (file:line:column)
 * @param shards            1, or N: the CronJob runs an Indexed Job of N pods, pod i running {@code --shard i/N}
 *                          (the serve runner and Jenkins run the whole fleet in one process and ignore it)
 */
public record JobSchedule(String name, String job, String description, String cron, ZoneId timeZone, Args args,
                       boolean enabled, String concurrencyPolicy, Location location, int shards) {

    /** An unsharded schedule. */
    public JobSchedule(String name, String job, String description, String cron, ZoneId timeZone, Args args,
                    boolean enabled, String concurrencyPolicy, Location location) {
        this(name, job, description, cron, timeZone, args, enabled, concurrencyPolicy, location, 1);
    }

    /** Overrides passed to the run: dry run, cluster filter, desired-state repo and ref (null = deployment default). */
    public record Args(boolean dryRun, List<String> clusters, String repo, String ref) {
        public static final Args DEFAULT = new Args(false, List.of(), null, null);

        public Args {
            clusters = clusters == null ? List.of() : List.copyOf(clusters);
        }
    }

    public JobSchedule {
        args = args == null ? Args.DEFAULT : args;
        description = description == null ? "" : description;
        concurrencyPolicy = concurrencyPolicy == null ? "Forbid" : concurrencyPolicy;
        if (shards < 1) throw new IllegalArgumentException("shards must be at least 1, got " + shards);
    }

    /** The parsed cron in this schedule's time zone. */
    public CronSchedule cronSchedule() {
        return CronSchedule.parse(cron);
    }
}
