package io.kubechores.testkit.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TLS server on 127.0.0.1 presenting a given chain (simulated etcd/API server/ingress endpoints for the demo,
 * tests and benchmarks), optionally demanding a client certificate; or a "silent" server that accepts TCP
 * connections and never says a word. Accepts on a virtual thread; {@link #close()} stops it.
 */
public final class LoopbackTlsServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LoopbackTlsServer(ServerSocket server, boolean silent) {
        this.server = server;
        Thread.ofVirtual().name("loopback-tls-" + server.getLocalPort()).start(() -> acceptLoop(silent));
    }

    /** Presents chain (leaf first) signed by key; needClientAuth makes it demand a client certificate. */
    public static LoopbackTlsServer start(PrivateKey key, List<X509Certificate> chain, boolean needClientAuth) {
        return start(context(key, chain), needClientAuth);
    }

    /** Serves with a prepared context (many servers can share one: much cheaper than one context each). */
    public static LoopbackTlsServer start(SSLContext ctx, boolean needClientAuth) {
        return start(ctx, needClientAuth, InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * Serves on a given loopback address and port (0 = any), optionally restricted to some protocols (TLSv1.2...).
     * Two servers on 127.0.0.1:P and 127.0.0.2:P sharing one context are "the same service on two hosts": the
     * context's session cache lets a client resume across them.
     */
    public static LoopbackTlsServer start(SSLContext ctx, boolean needClientAuth, InetAddress bind, int port,
                                          String... protocols) {
        if (!bind.isLoopbackAddress()) throw new IllegalArgumentException("loopback addresses only: " + bind);
        try {
            SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(port, 512, bind);
            s.setNeedClientAuth(needClientAuth);
            if (protocols.length > 0) s.setEnabledProtocols(protocols);
            return new LoopbackTlsServer(s, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start loopback TLS server", e);
        }
    }

    /**
     * A server context presenting chain exactly as given (leaf first; the rest in any order, extras included, as
     * real misconfigured servers do: a KeyStore would refuse such a chain), trusting client certificates issued by
     * the chain's last one.
     */
    public static SSLContext context(PrivateKey key, List<X509Certificate> chain) {
        try {
            X509Certificate[] served = chain.toArray(X509Certificate[]::new);
            String alg = key.getAlgorithm();
            var km = new javax.net.ssl.X509ExtendedKeyManager() {
                boolean fits(String keyType) {
                    return keyType != null && (keyType.equals(alg) || ("RSA".equals(alg) && keyType.equals("RSASSA-PSS"))
                            || ("EC".equals(alg) && keyType.startsWith("EC")));
                }

                @Override
                public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
                    return fits(keyType) ? "server" : null;
                }

                @Override
                public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers,
                                                      javax.net.ssl.SSLEngine e) {
                    return fits(keyType) ? "server" : null;
                }

                @Override
                public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                    return fits(keyType) ? new String[]{"server"} : null;
                }

                @Override
                public X509Certificate[] getCertificateChain(String alias) {
                    return served.clone();
                }

                @Override
                public PrivateKey getPrivateKey(String alias) {
                    return key;
                }

                @Override
                public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
                    return null;
                }
            };
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", chain.getLast());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new javax.net.ssl.KeyManager[]{km}, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build loopback TLS context", e);
        }
    }

    /** Accepts TCP connections and never answers (a hung etcd member, a black-holed load balancer). */
    public static LoopbackTlsServer silent() {
        try {
            return new LoopbackTlsServer(new ServerSocket(0, 512, InetAddress.getLoopbackAddress()), true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    private void acceptLoop(boolean silent) {
        while (!closed) {
            try {
                Socket s = server.accept();
                if (silent) {
                    held.add(s);
                } else {
                    Thread.ofVirtual().start(() -> serve((SSLSocket) s));
                }
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private static void serve(SSLSocket s) {
        try (s) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.getOutputStream().write("ok\n".getBytes());
            s.getOutputStream().flush();
        } catch (IOException ignored) {
            // clients without a certificate, probes that hang up: expected
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
