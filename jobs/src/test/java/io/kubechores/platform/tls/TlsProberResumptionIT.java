package io.kubechores.platform.tls;

import io.kubechores.testkit.tls.LoopbackTlsServer;
import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session resumption must never hide a certificate. Two etcd members answer on the same port of two loopback hosts
 * (127.0.0.1:P and 127.0.0.2:P) under the same server name, and share one server SSLContext, i.e. one session cache
 * and one session-ticket key, like replicas behind a name. A client that keys its session cache by
 * (server name, port) — the JDK's client cache does — offers the first member's session to the second, which accepts
 * it: an abbreviated handshake (RFC 5246 §7.3 session-ID resumption in TLS 1.2, RFC 8446 §2.2 PSK resumption in
 * TLS 1.3) in which the server sends no Certificate message, so nothing is captured. Before the fix the TLS 1.2 case
 * failed here: the second probe came back with an empty chain and no error (the report's "…: null" line). TLS 1.3
 * did not resume only because the probe never reads the post-handshake NewSessionTicket; it is kept so a prober that
 * starts reading cannot bring the bug back.
 */
class TlsProberResumptionIT {
    static final String NAME = "etcd.cluster.local";

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void everyProbeSeesAFullHandshakeEvenWhenTheServerWouldResume(String protocol) throws Exception {
        var ca = PkiMaker.cert("etcd-ca").ca()
                .valid(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2035-01-01T00:00:00Z")).issue();
        var a = PkiMaker.cert("etcd-a").issuer(ca).dns(NAME).ip("127.0.0.1")
                .valid(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")).issue();
        SSLContext shared = LoopbackTlsServer.context(a.keys().getPrivate(), List.of(a.cert(), ca.cert()));
        try (var first = LoopbackTlsServer.start(shared, false, InetAddress.getByName("127.0.0.1"), 0, protocol);
             var second = LoopbackTlsServer.start(shared, false, InetAddress.getByName("127.0.0.2"), first.port(),
                     protocol)) {
            var targets = List.of(new TlsProber.Target("127.0.0.1", first.port(), NAME),
                    new TlsProber.Target("127.0.0.2", second.port(), NAME));
            var prober = new TlsProber(Duration.ofSeconds(5), 1); // one at a time: the first session exists first
            for (int run = 0; run < 2; run++) {
                var probes = prober.probeAll(targets);
                assertThat(probes).allSatisfy(p -> {
                    assertThat(p.error()).as(p.toString()).isNull();
                    assertThat(p.protocol()).isEqualTo(protocol);
                });
                assertThat(probes.get(0).chain()).containsExactly(a.cert(), ca.cert());
                assertThat(probes.get(1).chain()).as("second member, same name and port: not resumed")
                        .containsExactly(a.cert(), ca.cert());
            }
        }
    }
}
