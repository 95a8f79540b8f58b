package io.kubechores.demo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.ChoreRunner;
import io.kubechores.demo.DemoContribution;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Resource;
import io.kubechores.testkit.kube.SimulatedCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything `kubechores demo` simulates, in-process and on loopback only: one Kubernetes API server per Cluster of
 * the example fleet (fabric8 mock server, CRUD mode), the desired-state repo as a local bare git remote, WireMock
 * answering the AWS (Service Quotas / STS / Support), Jenkins and Slack APIs, and a folder acting as the forge.
 */
public final class DemoEnvironment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoEnvironment.class);

    private final Path dir;
    private final Clock clock;
    private final Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();
    private final WireMockServer aws;
    private final WireMockServer jenkins;
    private final WireMockServer slack;
    private final String remoteUrl;
    private final DesiredState exampleState;

    private DemoEnvironment(Path dir, Clock clock, List<DemoContribution> contributions, boolean journal) {
        this.dir = dir;
        this.clock = clock;
        this.aws = wiremock(journal);
        this.jenkins = wiremock(journal);
        this.slack = wiremock(journal);
        slack.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/services/demo/webhook")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.ok("ok")));
        try (DemoRepoBuilder repo = new DemoRepoBuilder(dir.resolve("seed"), clock.instant().minus(Duration.ofDays(30)))) {
            this.exampleState = new DesiredStateLoader().load(repo.workTree(), "seed");
            for (Resource<ClusterSpec> c : exampleState.clusters()) {
                SimulatedCluster sim = SimulatedCluster.start(c.name());
                clusters.put(c.name(), sim);
            }
            for (DemoContribution d : contributions) {
                guarded(d, "stubAws", () -> d.stubAws(aws, clock));
                guarded(d, "stubJenkins", () -> d.stubJenkins(jenkins, clock));
                guarded(d, "prepareRepo", () -> d.prepareRepo(repo, clock));
            }
            seedClustersInParallel(contributions);
            this.remoteUrl = repo.publish(dir.resolve("remote.git"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts the simulated world in dir (which should be empty) at the given clock. */
    public static DemoEnvironment start(Path dir, Clock clock, List<DemoContribution> contributions) {
        return new DemoEnvironment(dir, clock, contributions, false);
    }

    /** Like {@link #start}, with the WireMock servers keeping a request journal (tests that count requests). */
    public static DemoEnvironment startRecording(Path dir, Clock clock, List<DemoContribution> contributions) {
        return new DemoEnvironment(dir, clock, contributions, true);
    }

    /** Seeds every simulated cluster at once (each cluster gets every contribution, in order). */
    private void seedClustersInParallel(List<DemoContribution> contributions) {
        List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Resource<ClusterSpec> c : exampleState.clusters()) {
                futures.add(ex.submit(() -> {
                    for (DemoContribution d : contributions) {
                        guarded(d, "seedCluster " + c.name(), () -> d.seedCluster(c, clusters.get(c.name()).client(), clock));
                    }
                }));
            }
        }
        for (var f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void guarded(DemoContribution d, String what, Runnable r) {
        long t0 = System.nanoTime();
        try {
            r.run();
            log.debug("demo {} {} took {} ms", d.job(), what, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            throw new IllegalStateException("demo of " + d.job() + " failed in " + what + ": " + ChoreRunner.describe(e), e);
        }
    }

    private static WireMockServer wiremock(boolean journal) {
        WireMockConfiguration options = WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(16);
        WireMockServer s = new WireMockServer(journal ? options : options.disableRequestJournal());
        s.start();
        return s;
    }

    public Path dir() { return dir; }
    public Clock clock() { return clock; }
    public String remoteUrl() { return remoteUrl; }
    public DesiredState exampleState() { return exampleState; }
    public Map<String, KubernetesClient> clients() {
        Map<String, KubernetesClient> m = new LinkedHashMap<>();
        clusters.forEach((k, v) -> m.put(k, v.client()));
        return m;
    }
    public Map<String, SimulatedCluster> clusters() { return clusters; }
    public WireMockServer aws() { return aws; }
    public WireMockServer jenkins() { return jenkins; }
    public WireMockServer slack() { return slack; }
    public String slackWebhookUrl() { return slack.baseUrl() + "/services/demo/webhook"; }
    /** The local forge folder: fleet.yaml spec.forge.url resolved against the demo folder. */
    public Path forgeDir() { return dir.resolve(exampleState.fleetSpec().forge().url()).normalize(); }

    @Override
    public void close() {
        clusters.values().forEach(s -> {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.debug("closing {}: {}", s.name(), e.toString());
            }
        });
        for (WireMockServer s : new WireMockServer[] {aws, jenkins, slack}) {
            if (s != null && s.isRunning()) s.stop();
        }
    }
}
