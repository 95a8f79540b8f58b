package io.kubechores.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A single runner on its default H2 file store, killed (SIGKILL) mid-run and started again on the same host: the
 * run the dead process left STARTED is closed as FAILED/ABANDONED at start instead of showing "running" forever.
 */
class RunnerRestartIT {
    @TempDir
    Path home;

    @Test
    void aRunLeftByAKilledRunnerIsClosedWhenTheRunnerStartsAgain() throws Exception {
        List<String> args = List.of(
                "--spring.datasource.url=jdbc:h2:file:" + home.resolve("db/kubechores") + ";AUTO_SERVER=TRUE",
                "--spring.batch.jdbc.initialize-schema=always",
                "--spring.batch.job.enabled=false",
                "--server.port=0",
                "--kubechores.runner.schedules=../schedules",
                "--kubechores.runner.scheduling.enabled=false",
                "--kubechores.home=" + home);
        Process doomed = RunnerProcess.start(concat(args, "--kubechores.test.run-millis=600000",
                "--kubechores.test.trigger-on-start=quotas"), Path.of("target/runner-restart-it.log"));
        ConfigurableApplicationContext again = null;
        try {
            // the killed runner's run is visible through the shared H2 file (AUTO_SERVER) while it runs
            ConfigurableApplicationContext peek = null;
            long deadline = System.currentTimeMillis() + 90_000;
            while (true) {
                if (!doomed.isAlive()) throw new AssertionError("runner process ended early, see target/runner-restart-it.log");
                if (System.currentTimeMillis() > deadline) throw new AssertionError("the killed runner never started its run");
                try {
                    if (peek == null) peek = start(args);
                    if (peek.getBean(RunHistory.class).lastRuns("quotas", 5).stream().anyMatch(RunHistory.Run::running)) break;
                } catch (RuntimeException notYet) { // database or tables not there yet
                }
                Thread.sleep(300);
            }
            peek.close();
            doomed.destroyForcibly().waitFor();

            again = start(args);
            List<RunHistory.Run> runs = again.getBean(RunHistory.class).lastRuns("quotas", 5);
            assertThat(runs).hasSize(1);
            assertThat(runs.getFirst().status()).isEqualTo("FAILED");
            assertThat(runs.getFirst().exitCode()).isEqualTo(RunHistory.ABANDONED);
            assertThat(runs.getFirst().exitDescription()).contains("the process that ran it on this host is gone");
            assertThat(runs.getFirst().launcher()).contains(":" + doomed.pid() + ":");
        } finally {
            doomed.destroyForcibly();
            if (again != null) again.close();
        }
    }

    private static ConfigurableApplicationContext start(List<String> args) {
        return new SpringApplicationBuilder(RunnerTestApp.class).profiles("serve").run(args.toArray(String[]::new));
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
