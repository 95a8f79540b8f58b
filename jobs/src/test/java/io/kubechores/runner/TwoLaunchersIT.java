package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two launchers (two runners) on one job-repository database: while one runs a job, the other's run of the same job
 * is not started (it waits up to the lease's ttl + 5 s, then reports who holds it), and once the first ends the job's
 * lease is free at once. The paused-runner case is RunLeaseIT.
 */
@SpringBootTest(properties = {"kubechores.home=${java.io.tmpdir}/kubechores-two-launchers-it-${random.uuid}"})
class TwoLaunchersIT {
    @Autowired JobRepository jobRepository;
    @Autowired JobOperator jobOperator;
    @Autowired PlatformTransactionManager tx;
    @Autowired JdbcTemplate jdbc;
    @TempDir Path home;

    /** One partition that waits for the test, applying one change (write-ahead) when released. */
    static final class Gate implements Chore<PartitionPlan<Void>, Void, RollUp> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        public String name() { return "promote"; }
        public String description() { return "gate"; }
        public List<String> partitions(ChoreContext ctx) { return List.of("tool-a"); }

        public PartitionPlan<Void> plan(ChoreContext ctx, String p) {
            return () -> PartitionResult.ok(p, List.of(new Action(p + "/trigger", "trigger-deploy", "job x", "test",
                    Action.Status.PLANNED)), List.of(), null);
        }

        @Override
        public PartitionResult<Void> apply(ChoreContext ctx, PartitionPlan<Void> plan) throws Exception {
            String p = plan.planned().partition();
            entered.countDown();
            release.await(60, TimeUnit.SECONDS);
            Action a = new Action(p + "/trigger", "trigger-deploy", "job x", "test", Action.Status.PLANNED);
            var intent = ctx.intend(a);
            Action done = a.withStatus(Action.Status.APPLIED);
            intent.outcome(done);
            return PartitionResult.ok(p, List.of(done), List.of(), null);
        }

        public RollUp rollUp(ChoreContext ctx, List<PartitionResult<Void>> results) {
            return RollUp.NONE;
        }

        public ChoreReport report(ChoreContext ctx, List<PartitionResult<Void>> results, RollUp rollUp) {
            return ChoreReport.of("done", List.of());
        }
    }

    BatchChoreLauncher launcher(Chore<?, ?, ?> chore, String runner) {
        DesiredState state = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "test");
        KubechoresProperties props = new KubechoresProperties(home, null, null, 2, 2000, null, null, null,
                Duration.ofSeconds(1));
        return new BatchChoreLauncher(List.of(chore), jobRepository, jobOperator, tx,
                (repo, ref) -> new DesiredStateSource.Loaded(state, null),
                (loaded, clock) -> new Platform(null, null, null, null, null, null, null), props)
                .withLeases(new JdbcRunLeases(jdbc, props.leaseTtl(), runner));
    }

    @Test
    void oneRunPerJobAcrossLaunchers() throws Exception {
        Gate gate = new Gate();
        BatchChoreLauncher a = launcher(gate, "runner-a");
        BatchChoreLauncher b = launcher(new Gate(), "runner-b");
        CompletableFuture<RunResult> first = CompletableFuture.supplyAsync(() ->
                a.launch("promote", new RunRequest("unused", null, Set.of(), false, null, "test")));
        assertThat(gate.entered.await(60, TimeUnit.SECONDS)).isTrue();

        RunResult second = b.launch("promote", new RunRequest("unused", null, Set.of(), false, null, "test"));
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.summary()).startsWith("not started: job promote is running on runner runner-a");
        assertThat(second.executionId()).as("no second execution in the history").isEqualTo(-1);

        gate.release.countDown();
        RunResult done = first.get(60, TimeUnit.SECONDS);
        assertThat(done.exitCode()).isZero();

        assertThat(new JdbcRunLeases(jdbc, Duration.ofSeconds(1), "probe").heldBy("promote"))
                .as("the lease is released when the run ends, not left to lapse").isEmpty();
        Gate next = new Gate();
        next.release.countDown();
        RunResult again = launcher(next, "runner-b").launch("promote", new RunRequest("unused", null, Set.of(), false, null, "test"));
        assertThat(again.exitCode()).isZero();
    }
}
