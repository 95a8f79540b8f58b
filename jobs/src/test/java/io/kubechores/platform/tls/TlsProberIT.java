package io.kubechores.platform.tls;

import io.kubechores.testkit.tls.LoopbackTlsServer;

import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real TLS servers on loopback: a plain one, one demanding a client certificate, one that never answers. */
class TlsProberIT {
    static PkiMaker.Issued ca;
    static PkiMaker.Issued leaf;
    static LoopbackTlsServer plain;
    static LoopbackTlsServer mtls;
    static LoopbackTlsServer silent;

    @BeforeAll
    static void start() {
        ca = PkiMaker.cert("Test Root CA").ca()
                .valid(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2035-01-01T00:00:00Z")).issue();
        leaf = PkiMaker.cert("etcd-0").issuer(ca).keys(PkiMaker.rsa(2048)).ip("127.0.0.1")
                .valid(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")).issue();
        plain = LoopbackTlsServer.start(leaf.keys().getPrivate(), List.of(leaf.cert(), ca.cert()), false);
        mtls = LoopbackTlsServer.start(leaf.keys().getPrivate(), List.of(leaf.cert(), ca.cert()), true);
        silent = LoopbackTlsServer.silent();
    }

    @AfterAll
    static void stop() {
        plain.close();
        mtls.close();
        silent.close();
    }

    @Test
    void capturesTheWholeChainFromAPlainServer() {
        var p = new TlsProber(Duration.ofSeconds(3), 4).probe(new TlsProber.Target("127.0.0.1", plain.port(), null));
        assertThat(p.error()).isNull();
        assertThat(p.chain()).containsExactly(leaf.cert(), ca.cert());
        assertThat(p.clientCertRequested()).isFalse();
    }

    @Test
    void capturesTheServerCertificateEvenWhenAClientCertificateIsRequired() {
        var p = new TlsProber(Duration.ofSeconds(3), 4).probe(new TlsProber.Target("127.0.0.1", mtls.port(), null));
        assertThat(p.chain()).startsWith(leaf.cert());
        assertThat(p.clientCertRequested()).isTrue();
        assertThat(p.error()).isNull();
    }

    @Test
    void aServerThatNeverAnswersCostsTheTimeoutAndTheOthersStillFinish() throws Exception {
        int refusedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            refusedPort = s.getLocalPort();
        }
        var targets = List.of(new TlsProber.Target("127.0.0.1", silent.port(), null),
                new TlsProber.Target("127.0.0.1", plain.port(), null),
                new TlsProber.Target("127.0.0.1", mtls.port(), null),
                new TlsProber.Target("127.0.0.1", refusedPort, null));
        long t0 = System.nanoTime();
        var probes = new TlsProber(Duration.ofSeconds(3), 8).probeAll(targets);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("whole run bounded by the timeout").isLessThan(7_000);
        assertThat(probes.get(0).ok()).isFalse();
        assertThat(probes.get(0).millis()).isBetween(2_900L, 6_000L);
        assertThat(probes.get(0).error()).contains("no TLS answer within");
        assertThat(probes.get(1).ok()).as(probes.get(1).toString()).isTrue();
        assertThat(probes.get(2).ok()).isTrue();
        assertThat(probes.get(3).error()).containsIgnoringCase("refused");
    }

    /**
     * Node PKI (issue 19): probing every kubelet of a 150-node cluster must stay bounded: at most {@code concurrency}
     * connections at a time, each given up after the timeout. Nine kubelets that accept and never answer, three
     * probes at a time: never more than three connections open, every one reported as a timeout.
     */
    @Test
    void probesRunAtMostConcurrencyAtATime() throws Exception {
        java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            // one thread: at each accept, first drop the connections the prober has closed (on loopback its FIN is
            // queued before its next connect's SYN, so a closed one reads EOF at once), then count the open ones
            Thread acceptor = Thread.ofVirtual().start(() -> {
                List<java.net.Socket> open = new java.util.ArrayList<>();
                while (!server.isClosed()) {
                    try {
                        java.net.Socket c = server.accept();
                        accepted.incrementAndGet();
                        open.removeIf(TlsProberIT::closedByPeer);
                        open.add(c);
                        max.accumulateAndGet(open.size(), Math::max);
                    } catch (java.io.IOException e) {
                        break;
                    }
                }
                for (java.net.Socket o : open) {
                    try {
                        o.close();
                    } catch (java.io.IOException ignored) {
                        // test teardown
                    }
                }
            });
            List<TlsProber.Target> kubelets = new java.util.ArrayList<>();
            for (int i = 0; i < 9; i++) {
                // one address, nine node names: distinct targets (duplicates are probed once)
                kubelets.add(new TlsProber.Target("127.0.0.1", server.getLocalPort(), "ip-10-0-0-" + i + ".internal"));
            }
            var probes = new TlsProber(Duration.ofSeconds(1), 3).probeAll(kubelets);
            assertThat(probes).hasSize(9).allSatisfy(p -> assertThat(p.error()).contains("no TLS answer within 1 s"));
            assertThat(accepted.get()).isEqualTo(9);
            assertThat(max.get()).as("open connections at once").isLessThanOrEqualTo(3).isGreaterThan(1);
            server.close();
            acceptor.join(2000);
        }
    }

    /** True when the peer has closed the connection (EOF after whatever it sent), false while it is open. */
    static boolean closedByPeer(java.net.Socket s) {
        try {
            s.setSoTimeout(50);
            byte[] buf = new byte[4096];
            while (true) {
                if (s.getInputStream().read(buf) < 0) {
                    s.close();
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true; // reset: closed
        }
    }
}
