package io.kubechores.runner;

import io.kubechores.runner.schedule.CronSchedule;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDateTime;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner (profile serve) on a real web server with an in-memory H2 job repository and the RAM Quartz store:
 * schedules become Quartz triggers, manual triggers run through Quartz, history/JSON/metrics show the runs,
 * cross-site posts are refused.
 */
@SpringBootTest(classes = RunnerTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:runner-serve-test;DB_CLOSE_DELAY=-1",
        "spring.batch.jdbc.initialize-schema=always",
        "spring.batch.job.enabled=false",
        "kubechores.runner.schedules=../schedules",
        "kubechores.runner.token=" + RunnerServeIT.TOKEN,
        "kubechores.home=target/runner-serve-it"})
@ActiveProfiles("serve")
class RunnerServeIT {
    static final String TOKEN = "s3cret-runner-token";
    @LocalServerPort int port;
    @Autowired Scheduler scheduler;
    @Autowired FakeChoreLauncher launcher;
    @Autowired RunHistory history;
    @Autowired RunService runs;
    @Autowired JobRepository repository;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyEnabledScheduleIsACronTriggerInItsTimeZoneThatSkipsMisfires() throws Exception {
        Set<String> triggers = scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(RunnerScheduler.SCHEDULE_GROUP))
                .stream().map(TriggerKey::getName).collect(Collectors.toSet());
        assertThat(triggers).containsExactlyInAnyOrder("certs-daily", "downscale-every-15-min", "promote-hourly",
                "quotas-daily", "rightsize-weekly"); // certs-prod-plan-weekly is disabled
        CronTrigger promote = (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey("promote-hourly", "schedules"));
        assertThat(promote.getTimeZone().getID()).isEqualTo("Europe/Berlin");
        assertThat(promote.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
        assertThat(promote.getJobKey()).isEqualTo(RunnerScheduler.jobKey("promote"));
        ZonedDateTime now = ZonedDateTime.now(ZoneId.of("Europe/Berlin"));
        assertThat(promote.getFireTimeAfter(java.util.Date.from(now.toInstant())).toInstant())
                .isEqualTo(CronSchedule.parse("0 8-17 * * 1-5").next(now, ZoneId.of("Europe/Berlin")).orElseThrow().toInstant());
        JobDetail detail = scheduler.getJobDetail(RunnerScheduler.jobKey("downscale"));
        assertThat(detail.isConcurrentExecutionDisallowed()).isTrue();
        assertThat(detail.isDurable()).isTrue();
    }

    @Test
    void aScheduleFireLaunchesTheJobWithTriggerSchedule() throws Exception {
        CronTrigger t = (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey("rightsize-weekly", "schedules"));
        scheduler.triggerJob(t.getJobKey(), t.getJobDataMap());
        await(() -> launcher.launches.contains("rightsize schedule false"));
        await(() -> get("/api/jobs").body().contains("\"trigger\":\"schedule\""));
    }

    @Test
    void jsonManualTriggerRunsAndShowsInHistoryJsonAndMetrics() throws Exception {
        launcher.exitCodes.put("quotas", 3);
        HttpResponse<String> r = post("/jobs/certs/run", "application/json", "{\"dryRun\":true}", null);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("\"trigger\":\"manual\"");
        assertThat(post("/jobs/quotas/run", "application/json", "{}", null).statusCode()).isEqualTo(202);
        await(() -> launcher.launches.contains("certs manual true") && launcher.launches.contains("quotas manual false"));
        // the metrics are counted once each run returns (after its history is written): wait for both runs' counts
        await(() -> get("/actuator/prometheus").body().contains("kubechores_job_runs_total{job=\"quotas\",outcome=\"partial\"}")
                && get("/actuator/prometheus").body().contains("kubechores_job_runs_total{job=\"certs\",outcome=\"success\"}"));
        String json = get("/api/jobs").body();
        assertThat(json).contains("\"name\":\"certs\"", "\"trigger\":\"manual\"", "\"dryRun\":true", "\"status\":\"COMPLETED\"");

        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics).contains(
                "kubechores_actions_total{cluster=\"staging-eu-1\",job=\"certs\",status=\"planned\"} 2.0",
                "kubechores_actions_total{cluster=\"staging-eu-1\",job=\"quotas\",status=\"applied\"} 2.0",
                "kubechores_partition_failures_total{cluster=\"prod-eu-1\",job=\"quotas\"} 1.0");
        assertThat(metrics).doesNotContain("kubechores_partition_failures_total{cluster=\"staging-eu-1\"");
        assertThat(metrics).contains("kubechores_job_runs_total{job=\"certs\",outcome=\"success\"} 1.0",
                "kubechores_job_runs_total{job=\"quotas\",outcome=\"partial\"} 1.0",
                "kubechores_job_duration_seconds_count{job=\"certs\",outcome=\"success\"} 1",
                "kubechores_job_last_success_timestamp_seconds{job=\"certs\"}");
        assertThat(metrics).doesNotContain("kubechores_job_last_success_timestamp_seconds{job=\"quotas\"}");
        // the last-run gauges the PrometheusRule alerts on (LastRunSignals), as a pushed CronJob run has them
        assertThat(metrics).contains("kubechores_partition_failed{cluster=\"prod-eu-1\",job=\"quotas\"} 1.0",
                "kubechores_partition_failed{cluster=\"staging-eu-1\",job=\"quotas\"} 0.0",
                "kubechores_job_last_run_actions{job=\"quotas\",status=\"failed\",verb=\"request-increase\"} 0.0",
                "kubechores_job_last_run_timestamp_seconds{job=\"quotas\"}");
    }

    @Test
    void cronJobRunsLongPastTheirDeadlineAreClosedButRunnerRunsAndRecentOnesAreNot() {
        long stale = startedRun("quotas", "cli", "cronjob-pod-x1:1:1", Duration.ofHours(3));
        long recent = startedRun("quotas", "cli", "cronjob-pod-x2:1:1", Duration.ofMinutes(10));
        long quartz = startedRun("quotas", "manual", "other-runner:7:1", Duration.ofHours(3));

        assertThat(runs.sweepStaleRuns()).containsExactly(stale);
        assertThat(runs.sweepStaleRuns()).as("a second sweep finds nothing").isEmpty();

        RunHistory.Run closed = history.find(stale).orElseThrow();
        assertThat(closed.status()).isEqualTo("FAILED");
        assertThat(closed.exitCode()).isEqualTo(RunHistory.ABANDONED);
        assertThat(closed.exitDescription()).contains("started by cronjob-pod-x1:1:1 more than 120 min ago");
        assertThat(history.find(recent).orElseThrow().running()).isTrue();
        assertThat(history.find(quartz).orElseThrow().running()).as("Quartz recovers runner runs").isTrue();
        for (long id : new long[]{recent, quartz}) { // leave the shared history clean for the other tests
            JobExecution e = repository.getJobExecution(id);
            e.setStatus(BatchStatus.COMPLETED);
            e.setEndTime(LocalDateTime.now());
            repository.update(e);
        }
    }

    private long startedRun(String job, String trigger, String launcher, Duration ago) {
        JobParameters params = new JobParametersBuilder().addString("trigger", trigger)
                .addString("launcher", launcher, false).addString("run.id", java.util.UUID.randomUUID().toString())
                .toJobParameters();
        JobExecution e = repository.createJobExecution(repository.createJobInstance(job, params), params,
                new ExecutionContext());
        e.setStartTime(LocalDateTime.now().minus(ago));
        e.setStatus(BatchStatus.STARTED);
        repository.update(e);
        return e.getId();
    }

    @Test
    void livenessAndReadinessProbesAnswerUp() throws Exception {
        for (String probe : new String[]{"/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> r = get(probe);
            assertThat(r.statusCode()).as(probe).isEqualTo(200);
            assertThat(r.body()).as(probe).contains("\"status\":\"UP\"");
        }
    }

    @Test
    void aTriggerWithoutTheRightTokenIsRefusedAndTheTokenIsNeverEchoed() throws Exception {
        int before = launcher.launches.size();
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/certs/run"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/certs/run"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN + "x")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("wrong or missing runner token").doesNotContain(TOKEN);
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/certs/run"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("dryRun=false&token=guess")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(401);
        Thread.sleep(300);
        assertThat(launcher.launches).hasSize(before);
    }

    @Test
    void eachRunHasAPageWithItsPerClusterOutcomeAndReport() throws Exception {
        launcher.exitCodes.put("rightsize", 3);
        assertThat(post("/jobs/rightsize/run", "application/json", "{\"dryRun\":true}", null).statusCode()).isEqualTo(202);
        await(() -> history.lastRuns("rightsize", 10).stream().anyMatch(r -> r.trigger().equals("manual") && !r.running()));
        long id = history.lastRuns("rightsize", 10).stream().filter(r -> r.trigger().equals("manual")).findFirst()
                .orElseThrow().executionId();
        String url = "/runs/" + id;
        assertThat(get("/api/jobs").body()).contains("\"partitions\":2,\"failedPartitions\":1,\"url\":\"" + url + "\"");
        String page = get(url).body();
        assertThat(page).contains("rightsize · run", "manual (plan: nothing changed)", "PARTIAL_FAILURE",
                "data-partition=\"prod-eu-1\"", "API server answered 500", "data-partition=\"staging-eu-1\"",
                "rightsize plan: 2 action(s) on staging-eu-1; prod-eu-1 failed", "report.html");
        String report = get(url + "/artifacts/0").body();
        assertThat(report).contains("rightsize report of run " + url.substring("/runs/".length()));
        assertThat(get(url + "/artifacts/1").statusCode()).isEqualTo(404);
        assertThat(get("/runs/999999").statusCode()).isEqualTo(404);
    }

    @Test
    void crossSitePostsAreRefusedAndRunNothing() throws Exception {
        int before = launcher.launches.size();
        assertThat(post("/jobs/downscale/run", "application/x-www-form-urlencoded", "dryRun=false",
                new String[]{"Origin", "https://evil.example"}).statusCode()).isEqualTo(403);
        assertThat(post("/jobs/downscale/run", "application/x-www-form-urlencoded", "dryRun=false",
                new String[]{"Sec-Fetch-Site", "cross-site"}).statusCode()).isEqualTo(403);
        assertThat(post("/jobs/downscale/run", "text/plain", "{}", null).statusCode()).isEqualTo(415);
        assertThat(post("/jobs/backup/run", "application/json", "{}", null).statusCode()).isEqualTo(404);
        Thread.sleep(300);
        assertThat(launcher.launches).hasSize(before).noneMatch(l -> l.startsWith("downscale manual"));

        HttpResponse<String> same = post("/jobs/downscale/run", "application/x-www-form-urlencoded", "dryRun=false&token=" + TOKEN,
                new String[]{"Origin", "http://localhost:" + port});
        assertThat(same.statusCode()).isEqualTo(303);
        assertThat(same.headers().firstValue("Location")).hasValue("/?triggered=downscale");
        await(() -> launcher.launches.contains("downscale manual false"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String type, String body, String[] header) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", type).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) b.header(header[0], header[1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void await(Check c) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!c.ok()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met within 15s");
            Thread.sleep(100);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }
}
