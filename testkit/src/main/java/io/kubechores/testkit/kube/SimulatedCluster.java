package io.kubechores.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;

/**
 * A simulated cluster: fabric8's Kubernetes API mock server in CRUD mode (a real HTTP API server on loopback that
 * stores what is created/patched and answers lists, watches and patches) plus a client pointed at it.
 * Used by `demo`, tests and benchmarks.
 */
public final class SimulatedCluster implements AutoCloseable {
    private final String name;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final SimulatedApiDispatcher dispatcher;

    private SimulatedCluster(String name, KubernetesMockServer server, KubernetesClient client,
                             SimulatedApiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.name = name;
        this.server = server;
        this.client = client;
    }

    /** Starts a CRUD-mode API server on 127.0.0.1 (random port). */
    public static SimulatedCluster start(String name) {
        SimulatedApiDispatcher dispatcher = new SimulatedApiDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return new SimulatedCluster(name, server, server.createClient(), dispatcher);
    }

    public String name() {
        return name;
    }

    public KubernetesClient client() {
        return client;
    }

    /** Every request this server received since the last call, oldest first (tests count and classify them). */
    public java.util.List<io.fabric8.mockwebserver.http.RecordedRequest> drainRequests() {
        java.util.List<io.fabric8.mockwebserver.http.RecordedRequest> out = new java.util.ArrayList<>();
        try {
            for (io.fabric8.mockwebserver.http.RecordedRequest q;
                 (q = server().takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS)) != null; ) {
                out.add(q);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Who this API server says the caller is and what it may do (SelfSubjectReview/AccessReview, 401s). */
    public SimulatedApiDispatcher.Access access() {
        return dispatcher.access();
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** Number of HTTP requests the server has received so far. */
    public int requestCount() {
        return server.getRequestCount();
    }

    /** The API server URL (http://127.0.0.1:PORT). */
    public String url() {
        return client.getMasterUrl().toString();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
