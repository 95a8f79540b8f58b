package io.kubechores.runner;

import io.kubechores.cli.EchoChore;
import io.kubechores.core.Action;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher with the real Spring Batch JobRepository (H2 file): fleet.yaml's maxChangesPerRun reaches the run as a
 * SafetyLimit shared by all partitions, and the run's history (one partition step per cluster) is recorded.
 */
@SpringBootTest(properties = {"kubechores.home=${java.io.tmpdir}/kubechores-launcher-it-${random.uuid}"})
class BatchChoreLauncherIT {
    @Autowired JobRepository jobRepository;
    @Autowired JobOperator jobOperator;
    @Autowired PlatformTransactionManager tx;
    @Autowired KubechoresProperties props;

    static DesiredState exampleWithLimit(String job, int max) {
        DesiredState s = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "test");
        FleetSpec f = s.fleetSpec();
        FleetSpec limited = new FleetSpec(f.timeZone(), f.environments(), false,
                Map.of(job, new FleetSpec.JobSettings(false, max)), f.git(), f.forge(), f.notifications(), f.aws(),
                f.jenkins(), f.holidays(), f.freezeWindows());
        Resource<FleetSpec> fleet = new Resource<>(s.fleet().kind(), s.fleet().metadata(), limited, s.fleet().location(),
                s.fleet().fields());
        return new DesiredState(s.root(), s.revision(), fleet, s.clusters(), s.downscalePolicies(),
                s.rightsizePolicies(), s.quotaPolicies(), s.certificatePolicies(), s.tools());
    }

    @Test
    void maxChangesPerRunIsSharedByAllPartitionsAndHistoryIsRecorded() {
        DesiredState state = exampleWithLimit("downscale", 1);
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        io.kubechores.platform.kube.KubeClients kube = new io.kubechores.platform.kube.KubeClients() {
            @Override
            public io.fabric8.kubernetes.client.KubernetesClient client(Resource<io.kubechores.desiredstate.ClusterSpec> c) {
                throw new UnsupportedOperationException("the echo chore calls no cluster");
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        };
        BatchChoreLauncher launcher = new BatchChoreLauncher(List.of(new EchoChore("downscale")), jobRepository,
                jobOperator, tx, (repo, ref) -> new DesiredStateSource.Loaded(state, null),
                (loaded, clock) -> new Platform(kube, null, null, null, null, null, null), props);

        RunResult r = launcher.launch("downscale", new RunRequest("unused", null, Set.of(), false, null, "test"));

        assertThat(r.exitCode()).isZero();
        assertThat(closed).as("the run's cluster clients are closed when it ends").hasValue(1);
        assertThat(r.actions()).extracting(Action::status)
                .containsExactlyInAnyOrder(Action.Status.APPLIED, Action.Status.LIMITED, Action.Status.LIMITED,
                        Action.Status.LIMITED);
        JobExecution exec = jobRepository.getJobExecution(r.executionId());
        assertThat(exec.getJobInstance().getJobName()).isEqualTo("downscale");
        assertThat(exec.getJobParameters().getString("trigger")).isEqualTo("test");
        assertThat(exec.getStepExecutions()).extracting(se -> se.getStepName())
                .contains("downscale.partitions", "downscale.finish",
                        "downscale.partition:downscale:staging-eu-1", "downscale.partition:downscale:prod-us-1");
    }

    /** Issue 22: the run page listed no partition (and the status page no cluster) although four clusters failed. */
    @Test
    void theHistoryListsEveryPartitionWithItsOutcome() {
        DesiredState state = exampleWithLimit("downscale", 0);
        EchoChore failingProd = new EchoChore("downscale") {
            @Override
            public io.kubechores.core.PartitionPlan<Void> plan(io.kubechores.core.ChoreContext ctx, String partition) {
                if (partition.startsWith("prod")) throw new IllegalStateException("API server unreachable");
                return super.plan(ctx, partition);
            }
        };
        BatchChoreLauncher launcher = new BatchChoreLauncher(List.of(failingProd), jobRepository, jobOperator, tx,
                (repo, ref) -> new DesiredStateSource.Loaded(state, null),
                (loaded, clock) -> new Platform(null, null, null, null, null, null, null), props);

        RunResult r = launcher.launch("downscale", new RunRequest("unused", null, Set.of(), true, null, "test"));

        assertThat(r.exitCode()).isEqualTo(3);
        RunHistory.Run run = new RunHistory(jobRepository).find(r.executionId()).orElseThrow();
        assertThat(run.partitions()).extracting(RunHistory.PartitionRun::partition)
                .containsExactlyElementsOf(state.clusters().stream().map(Resource::name).sorted().toList());
        assertThat(run.partitions()).filteredOn(p -> p.partition().startsWith("prod")).isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(p.status()).isEqualTo("FAILED");
                    assertThat(p.error()).contains("API server unreachable");
                });
        assertThat(run.partitions()).filteredOn(p -> !p.partition().startsWith("prod")).isNotEmpty()
                .allSatisfy(p -> assertThat(p.status()).isEqualTo("COMPLETED"));
        assertThat(run.failedPartitions()).isEqualTo(state.clusters().stream().filter(c -> c.name().startsWith("prod")).count());
    }

    /**
     * Issue 22: a real run's failures reach Slack as one digest (Block Kit, grouped per cluster) — once per situation:
     * the same failure on the next run sends nothing, a plan sends nothing, a clean run forgets it so a later failure
     * alerts again.
     */
    @Test
    void aRunsFailuresReachSlackOncePerSituation() {
        DesiredState state = exampleWithLimit("downscale", 0);
        List<io.kubechores.platform.notify.SlackMessage> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.kubechores.platform.notify.Notifier slack = new io.kubechores.platform.notify.Notifier() {
            public void slack(String text) { throw new AssertionError("the digest is Block Kit"); }
            @Override public void slack(io.kubechores.platform.notify.SlackMessage m) { sent.add(m); }
            public void pushMetrics(String job, String body) { }
        };
        io.kubechores.platform.MemoryStateStore store = new io.kubechores.platform.MemoryStateStore();
        java.util.concurrent.atomic.AtomicBoolean prodFails = new java.util.concurrent.atomic.AtomicBoolean(true);
        EchoChore chore = new EchoChore("downscale") {
            @Override
            public io.kubechores.core.PartitionPlan<Void> plan(io.kubechores.core.ChoreContext ctx, String partition) {
                if (prodFails.get() && partition.equals("prod-us-1")) throw new IllegalStateException("API server unreachable");
                return super.plan(ctx, partition);
            }
        };
        BatchChoreLauncher launcher = new BatchChoreLauncher(List.of(chore), jobRepository, jobOperator, tx,
                (repo, ref) -> new DesiredStateSource.Loaded(state, null),
                (loaded, clock) -> new Platform(null, null, null, null, slack, store,
                        name -> name.equals("KUBECHORES_SLACK_WEBHOOK") ? java.util.Optional.of("https://hooks.slack.test/T/B/x")
                                : java.util.Optional.empty()), props);
        RunRequest run = new RunRequest("unused", null, Set.of(), false, null, "test");

        assertThat(launcher.launch("downscale", run).exitCode()).isEqualTo(3);
        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.text()).contains("prod-us-1").contains("1 failed");
            assertThat(m.blocks()).isNotEmpty();
            assertThat(m.blocks().toString()).contains("prod-us-1").contains("API server unreachable");
        });
        launcher.launch("downscale", run);
        assertThat(sent).as("the same failure again: already told").hasSize(1);
        launcher.launch("downscale", new RunRequest("unused", null, Set.of(), true, null, "test"));
        assertThat(sent).as("a plan tells nobody").hasSize(1);
        prodFails.set(false);
        assertThat(launcher.launch("downscale", run).exitCode()).isZero();
        assertThat(sent).as("a clean run sends nothing").hasSize(1);
        prodFails.set(true);
        launcher.launch("downscale", run);
        assertThat(sent).as("the failure is back after a clean run: told again").hasSize(2);
    }
}
