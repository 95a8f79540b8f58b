package io.kubechores.testkit.kube;

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

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Set;
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
    /** Added to every answer with a body (a Vert.x timer: the event loop is not blocked), 0 = none. */
    private volatile long latencyMillis;
    /** Wall-clock instants (epoch microseconds) of the first and the last counted request since the last reset. */
    private final AtomicLong firstMicros = new AtomicLong();
    private final AtomicLong lastMicros = new AtomicLong();
    /** Per "VERB resource": extra latency, and the instants of the first and last request of that kind. */
    private final Map<String, Long> latencyByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> firstByKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastByKey = new ConcurrentHashMap<>();
    private NameIndexedMap index;
    private final KubernetesCrudDispatcher dispatcher;

    public DownscaleSimulatedCluster() {
        dispatcher = new SimulatedApiDispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String key = key(request);
                if (counting) {
                    counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                    long now = epochMicros();
                    firstMicros.compareAndSet(0, now);
                    lastMicros.accumulateAndGet(now, Math::max);
                    firstByKey.computeIfAbsent(key, k -> new AtomicLong()).compareAndSet(0, now);
                    lastByKey.computeIfAbsent(key, k -> new AtomicLong()).accumulateAndGet(now, Math::max);
                }
                MockResponse r = super.dispatch(request);
                long delay = latencyMillis + latencyByKey.getOrDefault(key, 0L);
                if (delay > 0 && counting) r.setBodyDelay(delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                return r;
            }

            @Override
            public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
                if (index != null) {
                    Map.Entry<AttributeSet, String> hit = index.find(query);
                    if (hit == NameIndexedMap.ABSENT) return null;
                    if (hit != null) return hit;
                }
                return super.findResource(query);
            }
        };
        index = NameIndexedMap.install(dispatcher);
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
        firstMicros.set(0);
        lastMicros.set(0);
        firstByKey.clear();
        lastByKey.clear();
    }

    /** Extra latency for one kind of request only, e.g. ("POST events", 1s): answers to it are sent that much later. */
    public void latency(String verbAndResource, java.time.Duration latency) {
        latencyByKey.put(verbAndResource, latency.toMillis());
    }

    /** Epoch microseconds when the first request of this "VERB resource" arrived since the last reset, 0 if none. */
    public long firstRequestMicros(String verbAndResource) {
        AtomicLong v = firstByKey.get(verbAndResource);
        return v == null ? 0 : v.get();
    }

    /** Epoch microseconds when the last request of this "VERB resource" arrived since the last reset, 0 if none. */
    public long lastRequestMicros(String verbAndResource) {
        AtomicLong v = lastByKey.get(verbAndResource);
        return v == null ? 0 : v.get();
    }

    /**
     * Network latency to simulate (a central runner talking to remote API servers): every counted answer is sent
     * this much later, by a timer, so requests in flight overlap as they would on a real network.
     */
    public void latency(java.time.Duration latency) {
        latencyMillis = latency.toMillis();
    }

    /** Wall-clock instant (epoch microseconds) of the first counted request since the last reset, 0 if none. */
    public long firstRequestMicros() {
        return firstMicros.get();
    }

    /** Wall-clock instant (epoch microseconds) of the last counted request since the last reset, 0 if none. */
    public long lastRequestMicros() {
        return lastMicros.get();
    }

    private static long epochMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
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

    /**
     * The CRUD dispatcher finds an object for GET/PATCH/PUT/DELETE by scanning every stored object (O(n) attribute
     * matching), which dominates the cost once a simulated cluster holds thousands of objects. This map replaces its
     * store and keeps an index by object name; a lookup that the index cannot answer falls back to the full scan, so
     * behaviour is unchanged. If the store cannot be replaced (a future fabric8), the plain scan is used.
     */
    static final class NameIndexedMap extends LinkedHashMap<AttributeSet, String> {
        /** find(): definitely not stored. */
        static final Map.Entry<AttributeSet, String> ABSENT = Map.entry(new AttributeSet(), "");
        private final Map<String, Set<AttributeSet>> byName = new ConcurrentHashMap<>();
        /** keys indexed (named) + keys without a name: equals size() while every write went through put/remove. */
        private int tracked;

        static NameIndexedMap install(CrudDispatcher dispatcher) {
            try {
                Field f = CrudDispatcher.class.getDeclaredField("map");
                f.setAccessible(true);
                if (!((Map<?, ?>) f.get(dispatcher)).isEmpty()) return null;
                NameIndexedMap m = new NameIndexedMap();
                f.set(dispatcher, m);
                return m;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        private static String name(AttributeSet s) {
            Attribute a = s.getAttribute("name");
            return a == null ? null : a.getValues().toString();
        }

        @Override
        public String put(AttributeSet key, String value) {
            if (!containsKey(key)) {
                tracked++;
                String n = name(key);
                if (n != null) byName.computeIfAbsent(n, k -> ConcurrentHashMap.newKeySet()).add(key);
            }
            return super.put(key, value);
        }

        @Override
        public String remove(Object key) {
            if (key instanceof AttributeSet s && containsKey(s)) {
                tracked--;
                String n = name(s);
                Set<AttributeSet> set = n == null ? null : byName.get(n);
                if (set != null) set.remove(s);
            }
            return super.remove(key);
        }

        @Override
        public void clear() {
            byName.clear();
            tracked = 0;
            super.clear();
        }

        /** The entry, {@link #ABSENT} when the index is complete and has none, null when it cannot tell. */
        Map.Entry<AttributeSet, String> find(AttributeSet query) {
            String n = name(query);
            if (n == null) return null;
            Set<AttributeSet> candidates = byName.get(n);
            if (candidates != null) {
                for (AttributeSet c : candidates) {
                    String v = get(c);
                    if (v != null && c.matches(query)) return Map.entry(c, v);
                }
            }
            return tracked == size() ? ABSENT : null;
        }
    }

    /**
     * Stores an object directly in the simulated API server (no HTTP): for seeding thousands of objects quickly.
     *
     * @param collectionPath e.g. /apis/apps/v1/namespaces/shop/deployments
     * @param json           the object
     */
    public void store(String collectionPath, String json) {
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RecordedRequest req = new RecordedRequest("POST " + collectionPath + " HTTP/1.1", HttpMethod.POST,
                collectionPath, Headers.builder().add("Content-Type", "application/json").build(), new Buffer(body));
        boolean was = counting;
        counting = false;
        try {
            MockResponse r = dispatcher.dispatch(req);
            if (r.code() >= 300) throw new IllegalStateException("store " + collectionPath + ": HTTP " + r.code());
        } finally {
            counting = was;
        }
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
