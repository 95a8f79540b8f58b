package io.kubechores.platform.notify;

import io.kubechores.certs.CertMetrics;
import io.kubechores.certs.CertSource;
import io.kubechores.certs.Finding;
import io.kubechores.certs.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The real Prometheus Pushgateway (Debian package prometheus-pushgateway) accepts what HttpNotifier pushes. */
class PushgatewayIT {
    static final Path BINARY = Path.of("/usr/bin/prometheus-pushgateway");
    Process gateway;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) gateway.destroyForcibly();
        }
    }

    String start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "prometheus-pushgateway not installed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        gateway = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=" + dir.resolve("pg.data"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("pg.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) break;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) throw e;
            }
            Thread.sleep(100);
        }
        return base;
    }

    @Test
    void metricsPushedByTheNotifierCanBeReadBack() throws Exception {
        String base = start();
        HttpClient http = HttpClient.newHttpClient();
        Finding f = new Finding("k", "prod-eu-1", CertSource.TLS_SECRET, "shop", "web-tls", "tls.crt#0",
                "CN=web.shop.acme.example", "CN=Acme Apps CA", Instant.ofEpochSecond(1_796_083_200L), 3,
                Severity.CRITICAL, List.of(), "r", "p", "00112233445566778899aabbccddeeff");
        new HttpNotifier(null, null, base, Duration.ofSeconds(5))
                .pushMetrics("kubechores_certs", CertMetrics.exposition(List.of(f), Instant.ofEpochSecond(1_795_000_000L)));

        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics.lines()).anyMatch(l -> l.startsWith("kubechores_certificate_expiration_timestamp_seconds{")
                && l.contains("cluster=\"prod-eu-1\"") && l.contains("job=\"kubechores_certs\"")
                && l.contains("subject=\"CN=web.shop.acme.example\"") && l.endsWith(" 1.7960832e+09"));
        assertThat(metrics).contains("kubechores_certs_last_run_timestamp_seconds{instance=\"\",job=\"kubechores_certs\"}");
    }

    /**
     * What the alerts rely on, against the real Pushgateway: a CronJob run's POST (Pushgateway README, "POST": only
     * metrics with the same name are replaced) clears the last run's failure, because every partition has a 0/1 row,
     * and keeps the last success when the new run failed.
     */
    @Test
    void aCleanRunPushedAfterAFailedOneClearsTheFailureAndAFailedOneKeepsTheLastSuccess() throws Exception {
        String base = start();
        HttpClient http = HttpClient.newHttpClient();
        Instant t = Instant.ofEpochSecond(1_796_000_000L);
        java.util.function.BiFunction<Integer, String, io.kubechores.runner.ChoreLauncher.RunResult> run = (exit, error) ->
                new io.kubechores.runner.ChoreLauncher.RunResult("downscale", 1, exit, false, false, "s", List.of(), List.of(),
                        List.of(), List.of(), t, t, List.of(new io.kubechores.runner.ChoreLauncher.PartitionOutcome("prod-eu-1", error, java.util.Map.of())));
        Pushgateway gw = new Pushgateway(http, Duration.ofSeconds(5));
        gw.post(base, "downscale", List.of(), io.kubechores.runner.RunMetrics.exposition(run.apply(0, null), Duration.ofSeconds(1), t));
        gw.post(base, "downscale", List.of(), io.kubechores.runner.RunMetrics.exposition(run.apply(3, "timeout"), Duration.ofSeconds(1), t.plusSeconds(900)));
        String failed = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(failed.lines()).anyMatch(l -> l.startsWith("kubechores_partition_failed{") && l.contains("cluster=\"prod-eu-1\"") && l.endsWith(" 1"))
                .anyMatch(l -> l.startsWith("kubechores_job_last_success_timestamp_seconds{") && l.endsWith(" 1.796e+09"));
        gw.post(base, "downscale", List.of(), io.kubechores.runner.RunMetrics.exposition(run.apply(0, null), Duration.ofSeconds(1), t.plusSeconds(1800)));
        String clean = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(clean.lines()).anyMatch(l -> l.startsWith("kubechores_partition_failed{") && l.contains("cluster=\"prod-eu-1\"") && l.endsWith(" 0"))
                .anyMatch(l -> l.startsWith("kubechores_partition_failures_total{") && l.contains("cluster=\"prod-eu-1\"") && l.endsWith(" 0"))
                .noneMatch(l -> l.startsWith("kubechores_partition_failed{") && l.endsWith(" 1"));
    }
}
