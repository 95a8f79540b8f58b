package io.kubechores.platform.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated cluster for downscale tests, benchmark and demo: fabric8's mock API server in CRUD mode (a real HTTP
 * Kubernetes API) that counts requests per verb and resource as the server sees them, e.g. "LIST deployments",
 * "PATCH deployments", "POST events".
 */
public final class DownscaleSimulatedCluster implements AutoCloseable {
    /** The mock server logs every request at INFO through java.util.logging: far too much for 40,000 objects. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final KubernetesMockServer server;
    private volatile boolean counting = true;

    public DownscaleSimulatedCluster() {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (counting) counts.computeIfAbsent(key(request), k -> new AtomicLong()).incrementAndGet();
                return super.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
    }

    /** A client with the given request timeout (ms). */
    public KubernetesClient client(int timeoutMillis) {
        Config c = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withTrustCerts(true)
                .withNamespace("default").withRequestTimeout(timeoutMillis).withConnectionTimeout(timeoutMillis)
                .withRequestRetryBackoffLimit(0).withHttp2Disable(true).build();
        return new KubernetesClientBuilder().withConfig(c).build();
    }

    /** Base URL of the API server. */
    public String url() {
        return server.url("/");
    }

    /** Stops/starts counting (e.g. while seeding). */
    public void counting(boolean on) {
        counting = on;
    }

    public void resetCounts() {
        counts.clear();
    }

    /** Requests seen, by "VERB resource" (LIST = GET without a name). */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long count(String verb) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(verb + " "))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    public long count(String verb, String resource) {
        AtomicLong n = counts.get(verb + " " + resource);
        return n == null ? 0 : n.get();
    }

    static String key(RecordedRequest r) {
        String path = r.getPath();
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        String[] s = path.replaceAll("^/+", "").split("/");
        // api/v1/... or apis/group/version/...
        int i = s.length > 0 && s[0].equals("api") ? 2 : 3;
        String resource;
        boolean named;
        if (s.length > i + 1 && s[i].equals("namespaces") && s.length > i + 2) {
            resource = s[i + 2];
            named = s.length > i + 3;
        } else if (s.length > i) {
            resource = s[i];
            named = s.length > i + 1;
        } else {
            resource = path;
            named = false;
        }
        String verb = r.getMethod().equals("GET") && !named ? "LIST" : r.getMethod();
        return verb + " " + resource;
    }

    @Override
    public void close() {
        server.destroy();
    }
}
