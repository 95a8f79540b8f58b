package io.kubechores.runner;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.cli.Main;
import io.kubechores.testkit.kube.DownscaleDemoSeed;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23: a real SIGTERM to `kubechores serve` (the production entry point in its own JVM) while a run is in
 * flight against a slow cluster (every API request answered after 2 s, so the run would go on for minutes): the
 * runner exits within the bound (30 s, the figure; Kubernetes' default terminationGracePeriodSeconds is 30),
 * sends no request after it began to stop, and the job history records the run as ended, its partition FAILED
 * "stopped: runner ... shutting down (SIGTERM)", with its report written.
 */
class ServeSigtermIT {
    static final String TOKEN = "sigterm-it-runner-token";
    @TempDir Path tmp;

    @Test
    void sigtermStopsTheRunInFlightWithinTheBoundAndRecordsIt() throws Exception {
        try (DownscaleSimulatedCluster behindSlow = new DownscaleSimulatedCluster()) {
            try (KubernetesClient c = behindSlow.client(5000)) {
                DownscaleDemoSeed.seed(c, "downscale/us-workloads.yaml", Instant.parse("2026-10-01T00:00:00Z"));
            }
            try (FaultyApiServer slow = FaultyApiServer.slow(behindSlow.url(), Duration.ofSeconds(2))) {
                Path repo = tmp.resolve("repo");
                copyExample(repo, slow.url());
                Path home = tmp.resolve("home");
                int port;
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
                Path log = tmp.resolve("serve.log");
                List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                        "serve", "--repo", repo.toString(), "--home", home.toString(), "--server.port", Integer.toString(port)));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
                Map<String, String> env = pb.environment();
                env.remove("SPRING_DATASOURCE_URL");
                env.put("SERVER_ADDRESS", "127.0.0.1");
                env.put("KUBECHORES_RUNNER_TOKEN", TOKEN);
                env.put("KUBECHORES_RUNNER_SCHEDULING_ENABLED", "false"); // only the run this test starts
                env.put("KC_TEST_TOKEN", "test-token");
                Process runner = pb.start();
                try {
                    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                    String base = "http://127.0.0.1:" + port;
                    awaitUp(runner, http, base, log);

                    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/downscale/run"))
                            .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"clusters\":[\"prod-us-1\"]}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    while (slow.requests.get() < 2) {
                        assertThat(runner.isAlive()).as(Files.readString(log)).isTrue();
                        assertThat(System.nanoTime()).as("the run never reached the slow cluster: " + Files.readString(log))
                                .isLessThan(until);
                        Thread.sleep(100);
                    }

                    long t0 = System.nanoTime();
                    runner.toHandle().destroy(); // SIGTERM, as the kubelet sends at pod deletion
                    boolean ended = runner.waitFor(60, TimeUnit.SECONDS);
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    int requestsAtExit = slow.requests.get();
                    String out = Files.readString(log);
                    assertThat(ended).as("serve did not exit within 60 s of SIGTERM: " + out).isTrue();
                    System.out.printf("ServeSigtermIT: serve exited %d ms after SIGTERM (exit %d), run in flight stopped%n",
                            took.toMillis(), runner.exitValue());
                    assertThat(took).as(out).isLessThan(Duration.ofSeconds(30));
                    assertThat(out).contains("runner shutting down: stopping 1 run(s) in flight");
                    Thread.sleep(2500);
                    assertThat(slow.requests.get()).as("no request after the runner exited").isEqualTo(requestsAtExit);

                    // the job history (the runner's H2 file) says the run ended, its partition stopped by the shutdown
                    try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("db/kubechores"), "sa", "");
                         Statement st = db.createStatement()) {
                        ResultSet job = st.executeQuery("SELECT STATUS, EXIT_CODE, END_TIME FROM BATCH_JOB_EXECUTION");
                        assertThat(job.next()).isTrue();
                        assertThat(job.getString(1)).as("the run is not left STARTED (%s %s): %s", job.getString(1),
                                job.getString(2), out).isEqualTo("COMPLETED");
                        assertThat(job.getString(2)).isEqualTo(BatchChoreLauncher.PARTIAL_FAILURE);
                        assertThat(job.getTimestamp(3)).isNotNull();
                        assertThat(job.next()).as("one run").isFalse();
                        ResultSet step = st.executeQuery("SELECT EXIT_MESSAGE FROM BATCH_STEP_EXECUTION"
                                + " WHERE STEP_NAME = 'downscale.partition:downscale:prod-us-1'");
                        assertThat(step.next()).isTrue();
                        assertThat(step.getString(1)).contains("stopped: runner ").contains("shutting down (SIGTERM)");
                    }
                    try (Stream<Path> reports = Files.walk(home.resolve("reports/downscale"))) {
                        assertThat(reports.filter(Files::isRegularFile).toList()).as("the stopped run's report").isNotEmpty();
                    }
                } finally {
                    if (runner.isAlive()) runner.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    static void awaitUp(Process runner, HttpClient http, String base, Path log) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(runner.isAlive()).as("serve ended early: " + Files.readString(log)).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("serve did not come up: " + Files.readString(log)).isLessThan(until);
            Thread.sleep(250);
        }
    }

    /** The example fleet, every cluster at the slow API server with a token from KC_TEST_TOKEN. */
    static void copyExample(Path to, String url) throws IOException {
        Path from = Path.of("../repo-layout/example");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        try (Stream<Path> s = Files.list(to.resolve("clusters"))) {
            for (Path c : s.toList()) {
                Files.writeString(c, Files.readString(c).replaceAll("kubeconfigContext: [^\\n]+",
                        "apiUrl: " + url + "\n    tokenEnv: KC_TEST_TOKEN"));
            }
        }
    }
}
