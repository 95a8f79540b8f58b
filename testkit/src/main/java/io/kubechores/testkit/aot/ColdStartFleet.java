package io.kubechores.testkit.aot;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.testkit.tls.PkiMaker;
import io.kubechores.testkit.kube.SimulatedApiDispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-cluster fleet for cold-start work (the AOT cache's training run in the image build, and
 * {@code bench/run.sh ColdStartBench}): a desired-state folder (the example fleet's {@code fleet.yaml}, one Cluster
 * reached by {@code apiUrl} + {@code tokenEnv}, a CertificatePolicy scanning in-cluster sources) and, behind it, a
 * simulated API server on loopback (fabric8 mock server, CRUD mode, one namespace with one TLS secret) that records
 * the instant ({@link System#nanoTime()}) of the first request it receives — the end of a cold start.
 */
public final class ColdStartFleet implements AutoCloseable {
    /** The environment variable the Cluster's {@code connection.tokenEnv} names. */
    public static final String TOKEN_ENV = "KUBECHORES_COLDSTART_TOKEN";
    public static final String CLUSTER = "coldstart-1";
    /** The mock server logs every request through java.util.logging at INFO; held here since JUL keeps weak refs. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final Path repo;
    private final AtomicReference<CountDownLatch> first = new AtomicReference<>(new CountDownLatch(1));
    private final AtomicLong firstNanos = new AtomicLong();

    private ColdStartFleet(Path dir) throws IOException {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new SimulatedApiDispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        long now = System.nanoTime();
                        CountDownLatch latch = first.get();
                        if (latch.getCount() > 0 && firstNanos.compareAndSet(0, now)) latch.countDown();
                        return super.dispatch(request);
                    }
                }, false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        try (var client = server.createClient()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata()
                    .build()).create();
            Instant now = Instant.now();
            var leaf = PkiMaker.cert("shop.apps.svc").keys(PkiMaker.ec())
                    .valid(now.minus(Duration.ofDays(60)), now.plus(Duration.ofDays(20))).issue();
            var b64 = Base64.getEncoder();
            client.secrets().inNamespace("apps").resource(new SecretBuilder().withNewMetadata().withName("shop-tls")
                    .endMetadata().withType("kubernetes.io/tls")
                    .addToData("tls.crt", b64.encodeToString(leaf.pem().getBytes(StandardCharsets.US_ASCII)))
                    .addToData("tls.key", b64.encodeToString(leaf.keyPem().getBytes(StandardCharsets.US_ASCII)))
                    .build()).create();
        }
        this.repo = Files.createDirectories(dir);
        writeRepo(repo, server.url("/").replaceAll("/$", ""));
        resetFirstRequest();
    }

    /** Starts the simulated API server and writes the fleet into {@code dir} (created when missing). */
    public static ColdStartFleet start(Path dir) {
        try {
            return new ColdStartFleet(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeRepo(Path repo, String apiUrl) throws IOException {
        // fleet.yaml as in repo-layout/example (shipped in the jar as example/)
        try (InputStream in = ColdStartFleet.class.getResourceAsStream("/example/fleet.yaml")) {
            if (in == null) throw new IllegalStateException("example/fleet.yaml is missing from the classpath");
            Files.write(repo.resolve("fleet.yaml"), in.readAllBytes());
        }
        Files.createDirectories(repo.resolve("clusters"));
        Files.writeString(repo.resolve("clusters/" + CLUSTER + ".yaml"), """
                # one cluster behind a simulated API server on loopback (written by ColdStartFleet)
                apiVersion: kubechores.io/v1alpha1
                kind: Cluster
                metadata:
                  name: %s
                spec:
                  environment: staging
                  connection:
                    apiUrl: %s
                    tokenEnv: %s
                """.formatted(CLUSTER, apiUrl, TOKEN_ENV));
        Files.createDirectories(repo.resolve("certificates"));
        // repo-layout/example's cluster-certs policy without the public endpoint, the TLS probe of the API server and
        // etcd (the simulated server speaks plain HTTP; no network is needed)
        Files.writeString(repo.resolve("certificates/cluster-certs.yaml"), """
                apiVersion: kubechores.io/v1alpha1
                kind: CertificatePolicy
                metadata:
                  name: cluster-certs
                spec:
                  clusters: {}
                  scan:
                    tlsSecrets: true
                    pemSecrets: true
                    configMaps: true
                    kubeconfig: false
                    webhooks: true
                    apiServer: false
                    etcd: false
                    certManager: true
                  warningDays: 30
                  criticalDays: 7
                  timeoutSeconds: 5
                """);
    }

    /** The desired-state folder to pass as {@code --repo}. */
    public Path repo() {
        return repo;
    }

    /** Environment for the kubechores process: the bearer token the Cluster's {@code tokenEnv} names. */
    public Map<String, String> env() {
        return Map.of(TOKEN_ENV, "coldstart-token");
    }

    /** Forgets the first request seen so far: the next request the server receives is recorded. */
    public void resetFirstRequest() {
        firstNanos.set(0);
        first.set(new CountDownLatch(1));
    }

    /** {@link System#nanoTime()} of the first request since the last reset, or -1 when none came within the wait. */
    public long awaitFirstRequest(Duration wait) throws InterruptedException {
        return first.get().await(wait.toMillis(), TimeUnit.MILLISECONDS) ? firstNanos.get() : -1;
    }

    /** Requests the server has received in total. */
    public int requestCount() {
        return server.getRequestCount();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
