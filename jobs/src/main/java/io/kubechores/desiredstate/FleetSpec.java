package io.kubechores.desiredstate;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Fleet-wide defaults (fleet.yaml).
 *
 * @param timeZone      IANA time zone used where a schedule names none (e.g. Europe/Berlin)
 * @param environments  environment order, first to last (e.g. staging, prod); promotion follows it
 * @param paused        global kill switch: when true no job mutates anything (plans still print)
 * @param jobs          per-job settings keyed by job name (downscale, rightsize, quotas, certs, promote)
 * @param git           author of bot commits
 * @param forge         where bot pull requests are opened
 * @param notifications Slack / Pushgateway targets
 * @param aws           how to reach AWS accounts
 * @param jenkins       Jenkins controller used to trigger deploy jobs
 * @param holidays      dates (in timeZone) treated as non-working days by every job
 * @param freezeWindows windows when promotions are denied (or the only times they are allowed)
 * @param downscale     downscale-only settings (default week frame of schedules written without days)
 */
public record FleetSpec(
        String timeZone,
        List<String> environments,
        boolean paused,
        Map<String, JobSettings> jobs,
        GitAuthor git,
        Forge forge,
        Notifications notifications,
        Aws aws,
        Jenkins jenkins,
        List<LocalDate> holidays,
        List<FreezeWindow> freezeWindows,
        Downscale downscale) {

    public FleetSpec {
        timeZone = timeZone == null ? "UTC" : timeZone;
        environments = environments == null ? List.of() : List.copyOf(environments);
        jobs = jobs == null ? Map.of() : Map.copyOf(jobs);
        git = git == null ? new GitAuthor(null, null) : git;
        forge = forge == null ? new Forge(null, null, null, null, null) : forge;
        notifications = notifications == null ? new Notifications(null, null, null) : notifications;
        aws = aws == null ? new Aws(null, null) : aws;
        holidays = holidays == null ? List.of() : List.copyOf(holidays);
        freezeWindows = freezeWindows == null ? List.of() : List.copyOf(freezeWindows);
        downscale = downscale == null ? Downscale.DEFAULT : downscale;
    }

    /** Without downscale settings. */
    public FleetSpec(String timeZone, List<String> environments, boolean paused, Map<String, JobSettings> jobs,
                     GitAuthor git, Forge forge, Notifications notifications, Aws aws, Jenkins jenkins,
                     List<LocalDate> holidays, List<FreezeWindow> freezeWindows) {
        this(timeZone, environments, paused, jobs, git, forge, notifications, aws, jenkins, holidays, freezeWindows,
                null);
    }

    /**
     * @param defaultWeekFrame days that uptime/downtime ranges written without days cover, e.g. "Mon-Fri"
     *                         (kube-downscaler's and GoKubeDownscaler's DEFAULT_WEEKFRAME); null = such ranges are
     *                         an error
     * @param prices           what a vCPU-hour and a GiB-hour cost, for the savings estimate; null = AWS on-demand
     *                         defaults (see io.kubechores.downscale.Prices)
     */
    public record Downscale(String defaultWeekFrame, Prices prices) {
        public static final Downscale DEFAULT = new Downscale(null, null);

        public Downscale(String defaultWeekFrame) {
            this(defaultWeekFrame, null);
        }
    }

    /**
     * @param instanceFamily AWS instance family whose on-demand price is split into vCPU and GiB (e.g. m6i)
     * @param vcpuHour       price of one vCPU for one hour (overrides the family's)
     * @param gibHour        price of one GiB of memory for one hour (overrides the family's)
     * @param currency       shown next to the amounts (default USD)
     */
    public record Prices(String instanceFamily, Double vcpuHour, Double gibHour, String currency) {}

    /** Settings of one job; never null. */
    public JobSettings job(String name) {
        return jobs.getOrDefault(name, JobSettings.DEFAULT);
    }

    /** True when the global switch or the job's own switch is on. */
    public boolean isPaused(String job) {
        return paused || job(job).paused();
    }

    /**
     * @param paused           this job's kill switch
     * @param maxChangesPerRun safety limit: at most this many mutating actions per run (0 = the job's default)
     */
    public record JobSettings(boolean paused, int maxChangesPerRun) {
        public static final JobSettings DEFAULT = new JobSettings(false, 0);
    }

    /** Bot commit author. */
    public record GitAuthor(String name, String email) {
        public GitAuthor {
            name = name == null ? "kubechores-bot" : name;
            email = email == null ? "kubechores-bot@users.noreply.local" : email;
        }
    }

    /**
     * @param type       local | github | gitlab
     * @param url        API base URL (github: https://api.github.com, gitlab: https://gitlab.example.com/api/v4); local: a folder
     * @param repository owner/name (GitHub) or project path (GitLab)
     * @param tokenEnv   name of the environment variable holding the API token (never the token itself)
     * @param baseBranch branch PRs target (default main)
     */
    public record Forge(String type, String url, String repository, String tokenEnv, String baseBranch) {
        public Forge {
            type = type == null ? "local" : type;
            baseBranch = baseBranch == null ? "main" : baseBranch;
        }
    }

    /**
     * @param slackWebhookEnv env var holding the Slack incoming-webhook URL
     * @param slackChannel    channel name shown in messages
     * @param pushgatewayUrl  Prometheus Pushgateway base URL
     */
    public record Notifications(String slackWebhookEnv, String slackChannel, String pushgatewayUrl) {
        /** Whether a Slack message can go out: the fleet names the webhook's env var and it is set. */
        public boolean slackConfigured(SecretSource secrets) {
            return slackWebhookEnv != null && secrets != null && secrets.get(slackWebhookEnv).isPresent();
        }
    }

    /**
     * @param roleArnPattern         role assumed per account, {accountId} is replaced (e.g. arn:aws:iam::{accountId}:role/kubechores)
     * @param endpoint               override for every AWS API endpoint (tests, demo, VPC endpoints)
     * @param externalIds            account id → the ExternalId its role's trust policy requires (sts:ExternalId)
     * @param sessionDurationSeconds AssumeRole DurationSeconds (900..43200, at most the role's maximum session)
     */
    public record Aws(String roleArnPattern, String endpoint, java.util.Map<String, String> externalIds,
                      Integer sessionDurationSeconds) {
        public Aws {
            externalIds = externalIds == null ? java.util.Map.of() : java.util.Map.copyOf(externalIds);
        }

        public Aws(String roleArnPattern, String endpoint) {
            this(roleArnPattern, endpoint, null, null);
        }
    }

    /**
     * @param url         Jenkins base URL
     * @param userEnv     env var with the Jenkins user
     * @param tokenEnv    env var with the Jenkins API token
     */
    public record Jenkins(String url, String userEnv, String tokenEnv) {}

    /**
     * A promotion freeze window.
     *
     * @param name     label shown in plans
     * @param type     Deny (no promotions inside) or Allow (promotions only inside)
     * @param schedule recurring window in the downscale grammar, e.g. "Fri-Sun 00:00-24:00 Europe/Berlin"
     * @param start    absolute start (ISO local date-time in timeZone), with end
     * @param end      absolute end
     */
    public record FreezeWindow(String name, String type, String schedule, String start, String end) {}
}
