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

    @Test
    void metricsPushedByTheNotifierCanBeReadBack() throws Exception {
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
}
