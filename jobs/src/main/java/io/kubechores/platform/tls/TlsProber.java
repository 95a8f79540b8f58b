package io.kubechores.platform.tls;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connects to TLS endpoints and captures the certificate chain they present. Trusts everything on purpose (it
 * inspects, it never sends data), so the chain is captured from servers with self-signed or expired certificates
 * and from servers that demand a client certificate (etcd, kubelets): the chain arrives before the client's
 * certificate is asked for, and this client offers none.
 * <p>
 * Each probe has one deadline covering connect and handshake ({@code timeout}); a watchdog closes the socket when it
 * passes, so a server that accepts the connection and never answers costs exactly the timeout. Probes run on virtual
 * threads, at most {@code concurrency} at a time.
 */
public final class TlsProber {
    private final Duration timeout;
    private final int concurrency;

    public TlsProber(Duration timeout, int concurrency) {
        this.timeout = timeout;
        this.concurrency = Math.max(1, concurrency);
    }

    /** host:port, with the SNI / expected name when it differs from host (null = host). */
    public record Target(String host, int port, String serverName) {
        public String hostPort() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        /** The name the certificate must carry. */
        public String expectedName() {
            return serverName == null || serverName.isBlank() ? host : serverName;
        }
    }

    /**
     * @param chain              presented chain, leaf first (empty when none was captured)
     * @param protocol           negotiated protocol (TLSv1.3...) or null
     * @param clientCertRequested the server asked for a client certificate
     * @param error              why no chain was captured (timeout, refused...), null on success
     * @param millis             time taken
     */
    public record Probe(Target target, List<X509Certificate> chain, String protocol, boolean clientCertRequested,
                        String error, long millis) {
        public boolean ok() {
            return !chain.isEmpty();
        }
    }

    /**
     * Probes every target (duplicates are probed once). Every probe gets its own client SSLContext, hence its own
     * empty session cache: a resumed session presents no certificate (TLS 1.2 session-ID resumption, RFC 5246 §7.3;
     * TLS 1.3 PSK, RFC 8446 §2.2), and the JDK's client cache is keyed by (server name, port) only, so two hosts
     * behind one name and port (etcd members, ingress replicas sharing a ticket key) would otherwise hand each other
     * their sessions and the second would capture nothing. Measured: a context per probe costs no more CPU than a
     * shared one beyond noise (400 ECDSA probes on loopback, servers in the same JVM, 3 runs each on a busy 2-core
     * machine: 3.0-3.9 s CPU shared, 2.7-4.6 s per probe).
     */
    public List<Probe> probeAll(List<Target> targets) {
        if (targets.isEmpty()) return List.of();
        List<Target> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(targets));
        if (distinct.size() < targets.size()) {
            java.util.Map<Target, Probe> byTarget = new java.util.HashMap<>();
            List<Probe> once = probeAll(distinct);
            for (int i = 0; i < distinct.size(); i++) byTarget.put(distinct.get(i), once.get(i));
            return targets.stream().map(byTarget::get).toList();
        }
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-probe-watchdog");
            t.setDaemon(true);
            return t;
        });
        Semaphore permits = new Semaphore(concurrency);
        List<Future<Probe>> futures = new ArrayList<>(targets.size());
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Target t : targets) {
                futures.add(ex.submit(() -> {
                    permits.acquire();
                    try {
                        return probe(t, watchdog);
                    } finally {
                        permits.release();
                    }
                }));
            }
        } finally {
            watchdog.shutdownNow();
        }
        List<Probe> out = new ArrayList<>(targets.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (Exception e) {
                out.add(new Probe(targets.get(i), List.of(), null, false, "probe failed: " + e, 0));
            }
        }
        return out;
    }

    public Probe probe(Target target) {
        return probeAll(List.of(target)).getFirst();
    }

    private Probe probe(Target target, ScheduledExecutorService watchdog) {
        long start = System.nanoTime();
        Capture capture = new Capture();
        SSLContext ctx = capture.context();
        AtomicBoolean timedOut = new AtomicBoolean();
        Socket raw = new Socket();
        ScheduledFuture<?> kill = watchdog.schedule(() -> {
            timedOut.set(true);
            try {
                raw.close();
            } catch (Exception ignored) {
                // closing is all we want
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        String protocol = null;
        String error = null;
        try {
            raw.connect(new InetSocketAddress(target.host(), target.port()), (int) timeout.toMillis());
            raw.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, target.expectedName(),
                    target.port(), true)) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm(null);
                String sni = target.expectedName();
                p.setServerNames(isHostName(sni) ? List.of(new SNIHostName(sni)) : List.of());
                s.setSSLParameters(p);
                s.startHandshake();
                protocol = s.getSession().getProtocol();
                if (capture.chain.get() == null) {
                    // cannot happen with a fresh context; said loudly rather than reported as "null" if it ever does
                    error = "handshake completed without a server certificate (resumed session?)";
                }
            }
        } catch (Exception e) {
            if (capture.chain.get() == null) {
                error = timedOut.get() || e instanceof SocketTimeoutException
                        ? "no TLS answer within " + timeout.toSeconds() + " s"
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        } finally {
            kill.cancel(false);
            try {
                raw.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
        X509Certificate[] chain = capture.chain.get();
        long ms = (System.nanoTime() - start) / 1_000_000;
        return new Probe(target, chain == null ? List.of() : List.of(chain), protocol, capture.clientCertRequested.get(),
                error, ms);
    }

    static boolean isHostName(String s) {
        if (s == null || s.isEmpty() || s.contains(":")) return false;
        if (s.chars().allMatch(c -> Character.isDigit(c) || c == '.')) return false;
        try {
            new SNIHostName(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** What one probe saw, and the trust-all, no-key client context (its own session cache) that records it. */
    private static final class Capture {
        final AtomicReference<X509Certificate[]> chain = new AtomicReference<>();
        final AtomicBoolean clientCertRequested = new AtomicBoolean();

        SSLContext context() {
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(new javax.net.ssl.KeyManager[]{keyManager}, new javax.net.ssl.TrustManager[]{trustManager},
                        null);
                return ctx;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        final X509ExtendedTrustManager trustManager = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] c, String authType, Socket socket) {
                chain.compareAndSet(null, c.clone());
            }
            @Override
            public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine engine) {
                throw new UnsupportedOperationException("sockets only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String authType) {
                throw new UnsupportedOperationException("sockets only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String authType, Socket socket) {
                throw new UnsupportedOperationException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String authType, SSLEngine engine) {
                throw new UnsupportedOperationException("client side only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String authType) {
                throw new UnsupportedOperationException("client side only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };

        final X509ExtendedKeyManager keyManager = new X509ExtendedKeyManager() {
            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                clientCertRequested.set(true);
                return null;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return null;
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return null;
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return null;
            }
        };
    }
}
