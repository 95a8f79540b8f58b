package io.kubechores.runner;

import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

import static io.kubechores.runner.RunnerServeIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two runners on one real PostgreSQL: the clustered Quartz JDBC store and the Spring Batch tables are created,
 * triggers are persisted with their time zones, a manual run and a cron schedule each fire on exactly one runner,
 * a manual run shows in the other runner's
 * history, and a restart keeps the triggers (the Quartz schema script is idempotent). Each run uses its own
 * PostgreSQL schema, dropped afterwards. Subclasses say where the database is.
 */
abstract class AbstractRunnerPostgresCheck {
    abstract String url();

    abstract String user();

    abstract String password();

    @Test
    void twoRunnersShareOneClusteredStoreAndOneHistory() throws Exception {
        String schema = "kubechores_it_" + UUID.randomUUID().toString().substring(0, 8);
        exec("CREATE SCHEMA " + schema);
        List<ConfigurableApplicationContext> contexts = new ArrayList<>();
        try {
            ConfigurableApplicationContext a = runner(schema, true);
            contexts.add(a);
            ConfigurableApplicationContext b = runner(schema, false);
            contexts.add(b);

            for (ConfigurableApplicationContext c : contexts) {
                Scheduler s = c.getBean(Scheduler.class);
                assertThat(s.getMetaData().isJobStoreClustered()).isTrue();
                assertThat(s.getMetaData().getJobStoreClass().getSimpleName()).isEqualTo("LocalDataSourceJobStore");
            }
            await(() -> count(schema, "SELECT count(*) FROM qrtz_scheduler_state") == 2);
            assertThat(strings(schema, "SELECT trigger_name || ' ' || time_zone_id FROM qrtz_cron_triggers ORDER BY 1"))
                    .containsExactly("certs-daily Europe/Berlin", "downscale-every-15-min Europe/Berlin",
                            "promote-hourly Europe/Berlin", "quotas-daily Europe/Berlin", "rightsize-weekly Europe/Berlin");
            assertThat(strings(schema, "SELECT DISTINCT misfire_instr::text FROM qrtz_triggers WHERE trigger_group = 'schedules'"))
                    .containsExactly("2"); // CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING
            assertThat(strings(schema, "SELECT DISTINCT is_nonconcurrent::text FROM qrtz_job_details")).containsExactly("true");

            FakeChoreLauncher la = a.getBean(FakeChoreLauncher.class);
            FakeChoreLauncher lb = b.getBean(FakeChoreLauncher.class);
            a.getBean(RunnerScheduler.class).triggerNow("certs", true, List.of("prod-eu-1"), null);
            await(() -> la.launches.size() + lb.launches.size() == 1);
            Thread.sleep(3000); // a second runner must not pick the same trigger up
            assertThat(la.launches.size() + lb.launches.size()).isEqualTo(1);
            await(() -> !b.getBean(RunHistory.class).lastRuns("certs", 5).isEmpty());
            RunHistory.Run run = b.getBean(RunHistory.class).lastRuns("certs", 5).getFirst();
            assertThat(run.trigger()).isEqualTo("manual");
            assertThat(run.dryRun()).isTrue();
            assertThat(run.status()).isEqualTo("COMPLETED");
            assertThat(count(schema, "SELECT count(*) FROM batch_job_execution")).isEqualTo(1);

            // a schedule that fires every minute fires on exactly one of the two runners
            a.getBean(Scheduler.class).scheduleJob(RunnerScheduler.cronTrigger(new io.kubechores.runner.schedule.ScheduleLoader()
                    .orThrow(List.of(new io.kubechores.runner.schedule.ScheduleLoader.Source("promote-every-minute.yaml", """
                            name: promote-every-minute
                            job: promote
                            description: fires every minute (test)
                            cron: "* * * * *"
                            timeZone: Pacific/Chatham
                            enabled: true
                            """))).getFirst()));
            awaitFor(() -> la.launches.size() + lb.launches.size() == 2, 75);
            Thread.sleep(3000);
            assertThat(Stream.concat(la.launches.stream(), lb.launches.stream()))
                    .containsExactlyInAnyOrder("certs manual true", "promote schedule false");
            a.getBean(Scheduler.class).unscheduleJob(org.quartz.TriggerKey.triggerKey("promote-every-minute", RunnerScheduler.SCHEDULE_GROUP));

            // restart one runner: the idempotent Quartz script keeps every trigger
            a.close();
            contexts.remove(a);
            contexts.add(runner(schema, false));
            assertThat(count(schema, "SELECT count(*) FROM qrtz_cron_triggers")).isEqualTo(5);
        } finally {
            for (ConfigurableApplicationContext c : contexts) c.close();
            exec("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /**
     * A runner killed mid-run (SIGKILL, in its own process) is never silently lost: another runner notices the
     * missed check-ins, closes the dead runner's run as FAILED/ABANDONED naming it, and runs the job again
     * (trigger "recovery").
     */
    @Test
    void aRunnerKilledMidRunIsRecoveredByAnother() throws Exception {
        String schema = "kubechores_it_" + UUID.randomUUID().toString().substring(0, 8);
        exec("CREATE SCHEMA " + schema);
        Process doomed = null;
        ConfigurableApplicationContext survivor = null;
        Path log = Path.of("target", "runner-killed-" + schema + ".log");
        try {
            List<String> cmd = new ArrayList<>(args(schema, true));
            cmd.add("--kubechores.test.run-millis=600000"); // still running when it is killed
            cmd.add("--kubechores.test.trigger-on-start=certs");
            doomed = RunnerProcess.start(cmd, log);
            Process p = doomed;
            awaitFor(() -> {
                if (!p.isAlive()) throw new AssertionError("runner process ended early, see " + log);
                try {
                    return count(schema, "SELECT count(*) FROM batch_job_execution WHERE status = 'STARTED'") == 1;
                } catch (SQLException notYet) { // tables not created yet
                    return false;
                }
            }, 90);
            String deadRunner = strings(schema, "SELECT parameter_value FROM batch_job_execution_params"
                    + " WHERE parameter_name = 'launcher'").getFirst();
            assertThat(deadRunner).contains(":" + doomed.pid() + ":");

            survivor = new SpringApplicationBuilder(RunnerTestApp.class).profiles("serve")
                    .run(args(schema, false).toArray(String[]::new));
            FakeChoreLauncher lb = survivor.getBean(FakeChoreLauncher.class);
            doomed.destroyForcibly().waitFor();

            awaitFor(() -> lb.launches.contains("certs recovery true"), 90);
            RunHistory history = survivor.getBean(RunHistory.class);
            awaitFor(() -> history.lastRuns("certs", 5).size() == 2
                    && history.lastRuns("certs", 5).stream().noneMatch(RunHistory.Run::running), 30);
            List<RunHistory.Run> runs = history.lastRuns("certs", 5);
            assertThat(runs).hasSize(2);
            RunHistory.Run recovered = runs.get(0), abandoned = runs.get(1);
            assertThat(abandoned.status()).isEqualTo("FAILED");
            assertThat(abandoned.exitCode()).isEqualTo(RunHistory.ABANDONED);
            assertThat(abandoned.exitDescription()).contains("runner " + deadRunner + " stopped mid-run",
                    "run again by runner " + RunnerIdentity.id());
            assertThat(abandoned.partitions()).allSatisfy(pr -> assertThat(pr.status()).isEqualTo("FAILED"));
            assertThat(recovered.trigger()).isEqualTo("recovery");
            assertThat(recovered.dryRun()).isTrue(); // the original trigger's data carries over
            assertThat(recovered.status()).isEqualTo("COMPLETED");
            assertThat(lb.launches).containsExactly("certs recovery true");
        } finally {
            if (doomed != null) doomed.destroyForcibly();
            if (survivor != null) survivor.close();
            exec("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private ConfigurableApplicationContext runner(String schema, boolean createBatchTables) {
        // as command-line arguments: they override application-serve.properties (server.port among others)
        return new SpringApplicationBuilder(RunnerTestApp.class).profiles("serve")
                .run(args(schema, createBatchTables).toArray(String[]::new));
    }

    private List<String> args(String schema, boolean createBatchTables) {
        return List.of(
                "--spring.datasource.url=" + url() + (url().contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "--spring.datasource.username=" + user(),
                "--spring.datasource.password=" + password(),
                "--spring.batch.jdbc.initialize-schema=" + (createBatchTables ? "always" : "never"),
                "--spring.batch.job.enabled=false",
                "--server.port=0",
                "--kubechores.runner.schedules=../schedules",
                "--kubechores.runner.cluster-checkin-millis=1000",
                "--kubechores.home=target/runner-postgres-it");
    }

    private static void awaitFor(RunnerServeIT.Check c, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!c.ok()) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError("condition not met within " + seconds + "s");
            Thread.sleep(200);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String schema, String sql) throws SQLException {
        return Long.parseLong(strings(schema, sql).getFirst());
    }

    private List<String> strings(String schema, String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema.toLowerCase(Locale.ROOT));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }
    }
}
