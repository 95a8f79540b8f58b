package io.kubechores.certs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CertMetricsTest {
    @Test
    void exposesNotAfterPerCertificateWithEscapedLabels() {
        Finding a = new Finding("k1", "prod-eu-1", CertSource.TLS_SECRET, "shop", "web-tls", "tls.crt#0",
                "CN=shop \"web\",O=Acme", "CN=ca", Instant.ofEpochSecond(1_800_000_000L), 3, Severity.CRITICAL,
                List.of(), "r", "p", "0123456789abcdef0123");
        Finding same = new Finding("k1b", "prod-eu-1", CertSource.TLS_SECRET, "shop", "web-tls", "tls.crt#1",
                "CN=shop \"web\",O=Acme", "CN=ca", Instant.ofEpochSecond(1_800_000_000L), 3, Severity.CRITICAL,
                List.of(), "r", "p", "0123456789abcdef0123");
        Finding neverIssued = new Finding("k2", "prod-eu-1", CertSource.CERT_MANAGER, "shop", "web", "", "Certificate",
                "", null, Long.MAX_VALUE, Severity.WARNING, List.of(), "r", "p", "");
        String text = CertMetrics.exposition(List.of(a, same, neverIssued), Instant.ofEpochSecond(1_799_000_000L));
        assertThat(text.lines()).containsSubsequence(
                "# TYPE kubechores_certificate_expiration_timestamp_seconds gauge",
                "kubechores_certificate_expiration_timestamp_seconds{cluster=\"prod-eu-1\",source=\"tls-secret\",subject=\"CN=shop \\\"web\\\",O=Acme\",namespace=\"shop\",name=\"web-tls\",fingerprint=\"0123456789abcdef\"} 1800000000",
                "# TYPE kubechores_certificate_severity gauge",
                "kubechores_certificate_severity{cluster=\"prod-eu-1\",source=\"tls-secret\",subject=\"CN=shop \\\"web\\\",O=Acme\",namespace=\"shop\",name=\"web-tls\",fingerprint=\"0123456789abcdef\"} 2",
                "kubechores_certs_last_run_timestamp_seconds 1799000000");
        assertThat(text.lines().filter(l -> l.startsWith("kubechores_certificate_expiration_timestamp_seconds{"))).hasSize(1);
        assertThat(text).endsWith("\n");
    }

    /** Endpoints not tied to a cluster carry cluster="" (no cluster, to PromQL), never a placeholder value. */
    @Test
    void endpointsWithoutAClusterHaveAnEmptyClusterLabel() {
        Finding ep = new Finding("k3", ObservedCert.FLEET, CertSource.TLS_ENDPOINT, "", "api.acme.example:443", "",
                "CN=api", "CN=ca", Instant.ofEpochSecond(1_800_000_000L), 3, Severity.CRITICAL, List.of(), "r", "p", "ab".repeat(16));
        String text = CertMetrics.exposition(List.of(ep), Instant.ofEpochSecond(1_799_000_000L))
                + CertMetrics.readErrors(List.of(), List.of(ObservedCert.FLEET, "prod-eu-1"));
        assertThat(text).contains("kubechores_certificate_expiration_timestamp_seconds{cluster=\"\",source=\"tls-endpoint\"")
                .contains("kubechores_certs_scan_ok{cluster=\"\"} 1").doesNotContain("cluster=\"-\"");
    }
}
