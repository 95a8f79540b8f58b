package io.kubechores.runner;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Resource;
import io.kubechores.downscale.DownscaleChore;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.kube.ConnectionKubeClients;
import io.kubechores.testkit.kube.DownscaleDemoSeed;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every run ends by a deadline (issue 23): a cluster whose API server answers and then trickles its body at 1 byte/s
 * (fabric8's request timeout is an idle timeout and never fires, see RequestDeadline), and one that answers every
 * request after 2 s, no longer hold the run: the first fails by the request deadline, the second by the partition
 * deadline, the two good clusters are scaled down, the report is written and the exit code is 3. A runner shutdown
 * stops a run in flight within seconds and records it.
 */
@SpringBootTest(properties = {"kubechores.home=${java.io.tmpdir}/kubechores-deadlines-it-${random.uuid}"})
class DeadlinesIT {
    static final Instant NIGHT = Instant.parse("2026-11-24T21:00:00Z"); // Tue 22:00 Europe/Berlin: staging is off
    /** apiUrl clusters need a token env var since issue 14's honest connection errors; the mock servers take any token. */
    static final SecretSource NO_SECRETS = name -> "KC_TEST_TOKEN".equals(name) ? java.util.Optional.of("test-token")
            : java.util.Optional.empty();
    @Autowired JobRepository jobRepository;
    @Autowired JobOperator jobOperator;
    @Autowired PlatformTransactionManager tx;
    @TempDir Path home;

    final List<AutoCloseable> closing = new ArrayList<>();
    DownscaleSimulatedCluster eu, us, behindSlow;
    FaultyApiServer trickling, slow;

    @BeforeEach
    void servers() throws Exception {
        eu = new DownscaleSimulatedCluster();
        us = new DownscaleSimulatedCluster();
        behindSlow = new DownscaleSimulatedCluster();
        Instant created = Instant.parse("2026-10-01T00:00:00Z");
        try (KubernetesClient c = eu.client(5000)) {
            DownscaleDemoSeed.seed(c, "downscale/crds.yaml", created);
            DownscaleDemoSeed.seed(c, "downscale/workloads.yaml", created);
        }
        try (KubernetesClient c = us.client(5000)) {
            DownscaleDemoSeed.seed(c, "downscale/us-workloads.yaml", created);
        }
        try (KubernetesClient c = behindSlow.client(5000)) {
            DownscaleDemoSeed.seed(c, "downscale/us-workloads.yaml", created);
        }
        trickling = FaultyApiServer.trickling();
        slow = FaultyApiServer.slow(behindSlow.url(), Duration.ofSeconds(2));
        closing.addAll(List.of(trickling, slow, eu, us, behindSlow));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) c.close();
    }

    /** The example fleet with each cluster reached at one of our loopback API servers. */
    DesiredState fleet(Map<String, String> urls) {
        DesiredState s = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "test");
        List<Resource<ClusterSpec>> clusters = s.clusters().stream().map(c -> {
            ClusterSpec spec = c.spec();
            ClusterSpec at = new ClusterSpec(spec.environment(),
                    new ClusterSpec.Connection(null, null, false, urls.get(c.name()), "KC_TEST_TOKEN", null), spec.aws(),
                    spec.nodePools(), spec.etcdEndpoints());
            return new Resource<>(c.kind(), c.metadata(), at, c.location(), c.fields());
        }).toList();
        return new DesiredState(s.root(), s.revision(), s.fleet(), clusters, s.downscalePolicies(),
                s.rightsizePolicies(), s.quotaPolicies(), s.certificatePolicies(), s.tools());
    }

    BatchChoreLauncher launcher(DesiredState state, Duration partitionDeadline, Duration runDeadline) {
        // request deadline 5 s (idle timeout 3 s): the 2 s/request server stays under both, the trickle does not
        KubechoresProperties props = new KubechoresProperties(home, null, null, 4, 3000, Duration.ofSeconds(5),
                partitionDeadline, runDeadline, null);
        return new BatchChoreLauncher(List.of(new DownscaleChore("kubechores")), jobRepository, jobOperator, tx,
                (repo, ref) -> new DesiredStateSource.Loaded(state, null),
                (loaded, clock) -> new Platform(new ConnectionKubeClients(NO_SECRETS, 3000,
                        Duration.ofSeconds(5)), null, null, null, null, new MemoryStateStore(), NO_SECRETS),
                props);
    }

    Map<String, String> urls() {
        return Map.of("staging-eu-1", eu.url(), "staging-us-1", us.url(), "prod-eu-1", trickling.url(),
                "prod-us-1", slow.url());
    }

    @Test
    void aTricklingAndASlowClusterFailByTheirDeadlinesTheOthersCompleteExitThree() {
        BatchChoreLauncher launcher = launcher(fleet(urls()), Duration.ofSeconds(6), Duration.ofMinutes(2));
        long t0 = System.nanoTime();
        RunResult r = launcher.launch("downscale", new RunRequest("unused", null, Set.of(), false, NIGHT, "test"));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.exitCode()).as(r.summary()).isEqualTo(3);
        assertThat(r.failedPartitions()).hasSize(2);
        assertThat(r.failedPartitions()).filteredOn(f -> f.startsWith("prod-eu-1:")).singleElement().asString()
                .contains("request deadline of 5000 ms");
        assertThat(r.failedPartitions()).filteredOn(f -> f.startsWith("prod-us-1:")).singleElement().asString()
                .contains("partition deadline of 6s");
        assertThat(trickling.requests).hasPositiveValue();
        assertThat(r.actions()).filteredOn(a -> a.target().startsWith("staging-eu-1/")
                && a.status() == io.kubechores.core.Action.Status.APPLIED).isNotEmpty();
        assertThat(r.actions()).filteredOn(a -> a.target().startsWith("staging-us-1/")
                && a.status() == io.kubechores.core.Action.Status.APPLIED).isNotEmpty();
        assertThat(r.artifacts()).isNotEmpty().allSatisfy(p -> assertThat(p).exists());
        // generous for a shared 2-core machine; without the deadlines this run does not end (the body never does)
        assertThat(took).isLessThan(Duration.ofSeconds(45));
        assertThat(jobRepository.getJobExecution(r.executionId()).getExitStatus().getExitCode())
                .isEqualTo(BatchChoreLauncher.PARTIAL_FAILURE);
    }

    @Test
    void theRunDeadlineFailsWhatIsLeftAndStillWritesTheReport() {
        // partition deadline longer than the run's: the run deadline decides
        BatchChoreLauncher launcher = launcher(fleet(urls()), Duration.ofMinutes(5), Duration.ofSeconds(5));
        RunResult r = launcher.launch("downscale", new RunRequest("unused", null, Set.of(), false, NIGHT, "test"));
        assertThat(r.exitCode()).as(r.summary()).isEqualTo(3);
        assertThat(r.failedPartitions()).filteredOn(f -> f.startsWith("prod-us-1:")).singleElement().asString()
                .contains("run deadline of 5s");
        assertThat(r.artifacts()).isNotEmpty();
    }

    @Test
    void shutdownStopsARunInFlightWithinSecondsAndRecordsIt() throws Exception {
        // only the slow cluster: with these deadlines the run would take minutes
        BatchChoreLauncher launcher = launcher(fleet(urls()), Duration.ofMinutes(5), Duration.ofMinutes(5));
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> launcher.launch("downscale",
                new RunRequest("unused", null, Set.of("prod-us-1"), false, NIGHT, "test")));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slow.requests.get() == 0 && System.nanoTime() < until) Thread.sleep(50);
        assertThat(slow.requests).as("the run reached the slow cluster").hasPositiveValue();

        long t0 = System.nanoTime();
        launcher.stopAll("runner test shutting down (SIGTERM)");
        RunResult r = run.get(15, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.failedPartitions()).singleElement().asString()
                .startsWith("prod-us-1: stopped: runner test shutting down (SIGTERM)");
        var exec = jobRepository.getJobExecution(r.executionId());
        assertThat(exec.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(exec.getExitStatus().getExitCode()).isEqualTo(BatchChoreLauncher.PARTIAL_FAILURE);
        // a launch after the shutdown began is refused
        assertThat(launcher.launch("downscale", new RunRequest("unused", null, Set.of(), false, NIGHT, "test"))
                .summary()).startsWith("not started: runner test shutting down");
        assertThat(Files.exists(home.resolve("reports"))).isTrue();
    }
}
