package io.kubechores.cli;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.demo.DownscaleDemo;
import io.kubechores.testkit.kube.SimulatedCluster;
import io.kubechores.testing.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `run downscale --shard INDEX/COUNT` as an Indexed Job's pods run it (Main.run, full Spring context): a fleet of five
 * simulated clusters (fabric8 API mock servers), the example repo pointing at them by apiUrl, two shards run one
 * after the other. Together they touch every cluster, each exactly once, and each shard's scale-downs land only on
 * its own clusters.
 */
class ShardCliIT {
    static final Path EXAMPLE = Path.of("../repo-layout/example").toAbsolutePath();
    /**
     * Tomorrow 22:00 Europe/Berlin: downtime for the example's staging policy. After the seeding, because the mock
     * API server stamps creationTimestamp with the real time (and the grace period protects new workloads).
     */
    static final Instant NIGHT = java.time.ZonedDateTime.now(java.time.ZoneId.of("Europe/Berlin")).plusDays(1)
            .withHour(22).withMinute(0).withSecond(0).withNano(0).toInstant();
    @TempDir
    static Path tmp;
    static final Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();
    static Path repo;

    @BeforeAll
    static void fleetOfFiveSimulatedClusters() throws IOException {
        System.setProperty("kubechores.home", tmp.resolve("home").toString());
        repo = tmp.resolve("fleet");
        TestFiles.copyTree(EXAMPLE, repo);
        // a fifth cluster, so two shards are uneven (3 + 2)
        Files.writeString(repo.resolve("clusters/staging-eu-2.yaml"), Files.readString(repo.resolve("clusters/staging-eu-1.yaml"))
                .replace("name: staging-eu-1", "name: staging-eu-2").replace("kubeconfigContext: staging-eu-1", "kubeconfigContext: staging-eu-2"));
        try (var files = Files.list(repo.resolve("clusters"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString().replace(".yaml", "");
                SimulatedCluster sim = SimulatedCluster.start(name);
                clusters.put(name, sim);
                Files.writeString(f, Files.readString(f).replace("kubeconfigContext: " + name,
                        // an apiUrl needs a set token env var (issue 14); the simulated API server takes any bearer token, and a
                        // test cannot set env vars in-process, so PATH (always set, never printed whole) stands in for it
                        "apiUrl: " + sim.url() + "\n    tokenEnv: PATH"));
            }
        }
        DesiredState state = new DesiredStateLoader().load(repo, "working-tree");
        Clock seedClock = Clock.fixed(NIGHT, ZoneOffset.UTC);
        DownscaleDemo demo = new DownscaleDemo();
        state.clusters().forEach(c -> demo.seedCluster(c, clusters.get(c.name()).client(), seedClock));
        clusters.values().forEach(SimulatedCluster::drainRequests); // seeding is not part of a run
    }

    @AfterAll
    static void stop() {
        clusters.values().forEach(SimulatedCluster::close);
        System.clearProperty("kubechores.home");
    }

    @Test
    void twoShardsOfARunTouchEveryClusterExactlyOnce() {
        Map<String, List<String>> touchedBy = new TreeMap<>();
        Map<String, Long> patchesBy = new TreeMap<>();
        List<String> outputs = new ArrayList<>();
        for (String shard : List.of("0/2", "1/2")) {
            CliIT.Result r = CliIT.run("run", "downscale", "--repo", repo.toString(), "--at", NIGHT.toString(),
                    "--shard", shard, "--home", tmp.resolve("home").toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            outputs.add(r.out());
            clusters.forEach((name, sim) -> {
                List<RecordedRequest> requests = sim.drainRequests();
                if (!requests.isEmpty()) touchedBy.computeIfAbsent(name, k -> new ArrayList<>()).add(shard);
                patchesBy.merge(name, requests.stream().filter(q -> q.getMethod().equals("PATCH")).count(), Long::sum);
            });
        }
        // sorted round-robin: prod-eu-1, prod-us-1, staging-eu-1, staging-eu-2, staging-us-1
        assertThat(touchedBy).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "prod-eu-1", List.of("0/2"), "staging-eu-1", List.of("0/2"), "staging-us-1", List.of("0/2"),
                "prod-us-1", List.of("1/2"), "staging-eu-2", List.of("1/2"))));
        // the night's scale-downs happened on every staging cluster, each by its own shard only
        assertThat(patchesBy).allSatisfy((name, n) -> {
            if (name.startsWith("staging")) assertThat(n).as(name).isPositive();
            else assertThat(n).as(name).isZero();
        });
        assertThat(outputs.get(0)).contains("staging-eu-1/").contains("staging-us-1/").doesNotContain("staging-eu-2/");
        assertThat(outputs.get(1)).contains("staging-eu-2/").doesNotContain("staging-eu-1/").doesNotContain("staging-us-1/");
    }

    @Test
    void aShardWithoutClustersIsAValidRunThatDoesNothing() {
        CliIT.Result r = CliIT.run("plan", "downscale", "--repo", repo.toString(), "--at", NIGHT.toString(),
                "--cluster", "staging-eu-1,staging-us-1", "--shard", "2/3", "--home", tmp.resolve("home").toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        clusters.forEach((name, sim) -> assertThat(sim.drainRequests()).as(name).isEmpty());
    }

    @Test
    void shardsApplyAfterTheClusterFilter() {
        CliIT.Result r = CliIT.run("plan", "downscale", "--repo", repo.toString(), "--at", NIGHT.toString(),
                "--cluster", "staging-eu-2,prod-us-1,staging-us-1", "--shard", "1/2", "--home", tmp.resolve("home").toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        Map<String, Integer> touched = new TreeMap<>();
        clusters.forEach((name, sim) -> touched.put(name, sim.drainRequests().size()));
        // filtered and sorted: prod-us-1, staging-eu-2, staging-us-1 -> shard 1 of 2 takes staging-eu-2
        assertThat(touched).allSatisfy((name, n) -> assertThat(n > 0).as(name).isEqualTo(name.equals("staging-eu-2")));
    }

    @Test
    void aBadShardOrAJobThatCannotBeShardedIsInvalidInput() {
        for (String bad : List.of("2/2")) {
            CliIT.Result r = CliIT.run("plan", "downscale", "--repo", repo.toString(), "--shard", bad,
                    "--home", tmp.resolve("home").toString());
            assertThat(r.code()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).contains("--shard");
        }
        CliIT.Result r = CliIT.run("plan", "rightsize", "--repo", repo.toString(), "--shard", "0/2",
                "--home", tmp.resolve("home").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("job 'rightsize' cannot be sharded");
        clusters.values().forEach(SimulatedCluster::drainRequests);
    }
}
