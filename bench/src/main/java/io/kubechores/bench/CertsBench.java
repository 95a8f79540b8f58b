package io.kubechores.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubechores.certs.CertPlan;
import io.kubechores.certs.CertsChore;
import io.kubechores.testkit.tls.PkiMaker;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.Notifier;
import io.kubechores.testkit.tls.LoopbackTlsServer;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * certs at fleet scale. Two scenarios (both by default, or name one: endpoints | secrets):
 * <ul>
 *   <li>endpoints: 1,000 TLS endpoints on loopback, 100 of which accept TCP and never answer, 5 s timeout — the whole
 *       job run (probe, judge, report) must finish in under 15 s on 2 cores;</li>
 *   <li>secrets: one simulated cluster with 20,000 Secrets — 2,000 Helm release Secrets of 500 KiB each (the
 *       x509-certificate-exporter memory blow-up, enix #222), 12,000 TLS, 5,000 Opaque, 1,000 service-account tokens
 *       — served by an API server in a child process that pages (limit + continue) and applies Secret field
 *       selectors like a real one, scanned by the job's default settings with the heap capped:
 *       BENCH_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" (target: completes, peak heap under 256 MB).</li>
 * </ul>
 * Usage: BENCH_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" bench/run.sh CertsBench [endpoints|secrets]
 */
public final class CertsBench {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "all" : args[0];
        if (which.equals("serve")) {
            serve(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (which.equals("serve-secrets")) {
            serveSecrets(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        System.out.printf("CertsBench: %d cores, max heap %d MB, java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024), System.getProperty("java.version"));
        if (which.equals("all") || which.equals("endpoints")) endpoints(1000, 100, 5);
        if (which.equals("all") || which.equals("secrets")) secrets(20_000, 2_000, 500 * 1024);
        System.exit(0);
    }

    static DesiredState state(List<Resource<ClusterSpec>> clusters, CertificatePolicySpec policy) {
        var fleet = Resource.of(Kind.FLEET, "bench", new FleetSpec("UTC", List.of("prod"), false, Map.of(), null,
                null, null, null, null, null, null));
        return new DesiredState(Path.of("."), "bench", fleet, clusters, List.of(), List.of(), List.of(),
                List.of(Resource.of(Kind.CERTIFICATE_POLICY, "bench", policy)), List.of());
    }

    static ChoreContext ctx(DesiredState s, Map<String, KubernetesClient> clients, Path out) {
        var platform = new Platform(new StaticKubeClients(clients), null, null, null, Notifier.NONE,
                new MemoryStateStore(), SecretSource.of(Map.of()));
        return new ChoreContext("certs", s, platform, Clock.fixed(NOW, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
    }

    /**
     * Child-process mode: starts the simulated endpoints, prints their ports on one line, serves until stdin closes.
     * Keeping the 900 TLS servers out of the measured JVM makes the CPU figure the prober's own.
     */
    static void serve(int total, int silent) throws Exception {
        // ECDSA P-256 like most modern endpoints (RSA-2048 signing would make the simulation the bottleneck)
        var ca = PkiMaker.cert("Bench CA").ca().keys(PkiMaker.ec())
                .valid(NOW.minus(Duration.ofDays(100)), NOW.plus(Duration.ofDays(900))).issue();
        var leaf = PkiMaker.cert("bench.local").issuer(ca).ip("127.0.0.1").keys(PkiMaker.ec())
                .valid(NOW.minus(Duration.ofDays(100)), NOW.plus(Duration.ofDays(20))).issue();
        javax.net.ssl.SSLContext serverCtx = LoopbackTlsServer.context(leaf.keys().getPrivate(),
                List.of(leaf.cert(), ca.cert()));
        List<LoopbackTlsServer> servers = new ArrayList<>();
        StringBuilder ports = new StringBuilder("PORTS");
        for (int i = 0; i < total; i++) {
            LoopbackTlsServer s = i % (total / silent) == 0 ? LoopbackTlsServer.silent()
                    : LoopbackTlsServer.start(serverCtx, i % 3 == 0);
            servers.add(s);
            ports.append(i == 0 ? " " : ",").append(s.port());
        }
        System.out.println(ports);
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our stdin
        }
        servers.forEach(LoopbackTlsServer::close);
    }

    static void endpoints(int total, int silent, int timeoutSeconds) throws Exception {
        long s0 = System.nanoTime();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                CertsBench.class.getName(), "serve", String.valueOf(total), String.valueOf(silent))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("PORTS "));
            if (line == null) throw new IllegalStateException("endpoint server process did not start");
            List<CertificatePolicySpec.Endpoint> eps = new ArrayList<>();
            for (String p : line.substring(6).split(",")) {
                eps.add(new CertificatePolicySpec.Endpoint("127.0.0.1", Integer.parseInt(p), null));
            }
            System.out.printf("endpoints: %d loopback servers (%d silent, every 3rd TLS one demands a client"
                    + " certificate) ready in a separate process after %d ms%n", eps.size(), silent,
                    (System.nanoTime() - s0) / 1_000_000);
            var policy = new CertificatePolicySpec(new io.kubechores.desiredstate.ClusterSelector(
                    List.of("none"), List.of(), Map.of()), eps, null, 30, 7, null, null, timeoutSeconds);
            Path out = Files.createTempDirectory("certs-bench-endpoints");
            long t0 = System.nanoTime();
            long cpu0 = cpuNanos();
            ChoreRunner.Outcome<?> o = ChoreRunner.run(new CertsChore(), ctx(state(List.of(), policy), Map.of(), out), 2);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long cpuMs = (cpuNanos() - cpu0) / 1_000_000;
            CertPlan plan = (CertPlan) o.partitions().getFirst().data();
            long answered = plan.findings().stream().filter(f -> f.item().equals("chain#0")).count();
            System.out.printf("endpoints: %d endpoints, timeout %d s: whole run %d ms wall (target < 15000 ms), %d ms"
                            + " CPU in the job's JVM — %d chains captured, %d could not be checked, %d certificates"
                            + " judged; load average %.1f on %d cores%n", total, timeoutSeconds, ms, cpuMs, answered,
                    plan.problems().size(), plan.findings().size(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println(ms < 15_000 ? "endpoints: PASS" : "endpoints: FAIL (over 15 s)");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) child.destroyForcibly();
        }
    }

    static void secrets(int count, int helm, int helmBytes) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CertsBench.class.getName(), "serve-secrets", String.valueOf(count), String.valueOf(helm),
                String.valueOf(helmBytes)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("URL "));
            if (line == null) throw new IllegalStateException("secrets API server process did not start");
            String url = line.substring(4);
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder().withMasterUrl(url).withRequestTimeout(60_000).build()).build()) {
                var cluster = Resource.of(Kind.CLUSTER, "big", new ClusterSpec("prod",
                        new ClusterSpec.Connection(null, null, false, url, null, null), null, List.of(), List.of()));
                var policy = new CertificatePolicySpec(null, null, null, 30, 7, null, null, 5);
                Path out = Files.createTempDirectory("certs-bench-secrets");
                System.gc();
                List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP).toList();
                heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                long t0 = System.nanoTime();
                long cpu0 = cpuNanos();
                CertsChore chore = new CertsChore(); // the job's defaults: page size, filters
                ChoreRunner.Outcome<?> o = ChoreRunner.run(chore, ctx(state(List.of(cluster), policy),
                        Map.of("big", client), out), 1);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long cpuMs = (cpuNanos() - cpu0) / 1_000_000;
                long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                if (o.partitions().getFirst().isFailed()) {
                    System.out.println("secrets: FAILED " + o.partitions().getFirst().error());
                    return;
                }
                CertPlan plan = (CertPlan) o.partitions().getFirst().data();
                child.getOutputStream().write("stats\n".getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                String stats;
                do {
                    stats = reader.readLine();
                } while (stats != null && !stats.startsWith("STATS "));
                System.out.printf("secrets: %d Secrets (%d Helm releases of %d KiB, %d TLS, %d Opaque, %d SA tokens),"
                                + " job defaults (page size %d): %d certificates judged (%d expired, %d critical,"
                                + " %d warning) in %d ms wall, %d ms CPU%n", count, helm, helmBytes / 1024,
                        tlsCount(count, helm), opaqueCount(count), saCount(count), CertsChore.DEFAULT_PAGE_SIZE,
                        plan.findings().size(), plan.count(io.kubechores.certs.Severity.EXPIRED),
                        plan.count(io.kubechores.certs.Severity.CRITICAL),
                        plan.count(io.kubechores.certs.Severity.WARNING), ms, cpuMs);
                System.out.println("secrets: API server " + (stats == null ? "(no stats)" : stats.substring(6)));
                System.gc();
                long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                long max = Runtime.getRuntime().maxMemory() / (1024 * 1024);
                System.out.printf("secrets: peak heap used %d MB (sum of heap pools' peaks, garbage included; max heap"
                                + " %d MB, target < 256 MB); live after GC with all %d findings still held: %d MB%n",
                        peak / (1024 * 1024), max, plan.findings().size(), live / (1024 * 1024));
                System.out.println(peak < 256L * 1024 * 1024 ? "secrets: PASS" : "secrets: FAIL (peak over 256 MB)");
            }
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) child.destroyForcibly();
        }
    }

    static int saCount(int count) {
        return count / 20;
    }

    static int opaqueCount(int count) {
        return count / 4;
    }

    static int tlsCount(int count, int helm) {
        return count - helm - saCount(count) - opaqueCount(count);
    }

    /**
     * Child-process mode: a paging API server for /api/v1/secrets (and /api/v1/namespaces/NS/secrets) that applies
     * Secret field selectors like kube-apiserver (type, metadata.namespace; =, ==, !=; comma = AND) and streams each
     * page (chunked) so its own heap stays small. Prints "URL ..." and serves until stdin closes; "stats" on stdin
     * prints what was sent. Secret i: the first {@code helm} are Helm releases (one shared blob of helmBytes, base64
     * ~4/3 larger), then SA tokens (1 in 20 in kube-system), Opaque without certificates, and TLS (leaf i % 64 + CA).
     */
    static void serveSecrets(int count, int helm, int helmBytes) throws Exception {
        var ca = PkiMaker.cert("Bench Apps CA").ca().valid(NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(900)))
                .issue();
        List<String> tlsCrt = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            var leaf = PkiMaker.cert("svc-" + i + ".bench.local").issuer(ca).dns("svc-" + i + ".bench.local")
                    .valid(NOW.minus(Duration.ofDays(60)), NOW.plus(Duration.ofDays(i * 5L - 10))).issue();
            tlsCrt.add(b64(leaf.pem() + ca.pem()));
        }
        String caCrt = b64(ca.pem());
        byte[] blob = new byte[helmBytes];
        new java.util.Random(19).nextBytes(blob);
        blob[0] = 0x1f; // gzip magic, like Helm's release payload
        blob[1] = (byte) 0x8b;
        String helmValue = Base64.getEncoder().encodeToString(blob);
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger requests = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong items = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong helmSent = new java.util.concurrent.atomic.AtomicLong();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        api.createContext("/", ex -> {
            try {
                serveSecretList(ex, count, helm, helmValue, tlsCrt, caCrt, bytes, requests, items, helmSent);
            } catch (RuntimeException e) {
                e.printStackTrace();
                throw e;
            }
        });
        api.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        api.start();
        System.out.println("URL http://127.0.0.1:" + api.getAddress().getPort());
        System.out.flush();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("stats")) {
                System.out.printf("STATS %d list requests, %d Secrets sent (%d Helm releases), %d MB sent; left on the"
                                + " server by the field selector: %d Helm releases = %d MB of base64%n", requests.get(),
                        items.get(), helmSent.get(), bytes.get() / (1024 * 1024), helm - helmSent.get(),
                        (helm - helmSent.get()) * helmValue.length() / (1024 * 1024));
                System.out.flush();
            }
        }
        api.stop(0);
    }

    static void serveSecretList(HttpExchange ex, int count, int helm, String helmValue, List<String> tlsCrt,
                                String caCrt, java.util.concurrent.atomic.AtomicLong bytes, AtomicInteger requests,
                                java.util.concurrent.atomic.AtomicLong items,
                                java.util.concurrent.atomic.AtomicLong helmSent) throws IOException {
        String path = ex.getRequestURI().getPath();
        String nsOnly = path.startsWith("/api/v1/namespaces/") && path.endsWith("/secrets")
                ? path.substring("/api/v1/namespaces/".length(), path.length() - "/secrets".length()) : null;
        if (!path.equals("/api/v1/secrets") && nsOnly == null) {
            byte[] body = "{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
            return;
        }
        requests.incrementAndGet();
        int limit = Integer.MAX_VALUE;
        int offset = 0;
        List<String[]> reqs = new ArrayList<>();
        String query = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
        for (String p : query.split("&")) {
            if (p.startsWith("limit=")) limit = Integer.parseInt(p.substring(6));
            if (p.startsWith("continue=")) offset = Integer.parseInt(p.substring(9));
            if (p.startsWith("fieldSelector=")) {
                for (String r : java.net.URLDecoder.decode(p.substring(14), StandardCharsets.UTF_8).split(",")) {
                    boolean neg = r.contains("!=");
                    String[] kv = r.split(neg ? "!=" : "==?", 2);
                    reqs.add(new String[]{kv[0], neg ? "!=" : "=", kv[1]});
                }
            }
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 0); // chunked: streamed item by item
        try (OutputStream raw = ex.getResponseBody();
             var os = new java.io.BufferedOutputStream(new java.io.FilterOutputStream(raw) {
                 @Override
                 public void write(byte[] b, int off, int len) throws IOException {
                     bytes.addAndGet(len);
                     out.write(b, off, len);
                 }
             }, 1 << 16)) {
            // items first, metadata (with the continue token, known only at the end) last: field order is free
            os.write("{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"items\":[".getBytes(StandardCharsets.UTF_8));
            StringBuilder itemsJson = new StringBuilder();
            int sent = 0;
            int i = offset;
            // like the API server: filter, then fill the page; the continue token is the next index to look at
            while (i < count && sent < limit) {
                String type = typeOf(i, count, helm);
                String ns = i % 20 == 0 && type.equals("kubernetes.io/service-account-token") ? "kube-system"
                        : "ns-" + (i % 200);
                if (matches(reqs, type, ns) && (nsOnly == null || nsOnly.equals(ns))) {
                    itemsJson.setLength(0);
                    if (sent > 0) itemsJson.append(',');
                    itemsJson.append("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s-").append(i)
                            .append("\",\"namespace\":\"").append(ns).append("\",\"uid\":\"u").append(i)
                            .append("\"},\"type\":\"").append(type).append("\",\"data\":{");
                    switch (type) {
                        case "helm.sh/release.v1" -> {
                            helmSent.incrementAndGet();
                            itemsJson.append("\"release\":\"").append(helmValue).append('"');
                        }
                        case "kubernetes.io/service-account-token" -> itemsJson.append("\"ca.crt\":\"").append(caCrt)
                                .append("\",\"token\":\"ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklp\"");
                        case "Opaque" -> itemsJson.append("\"password\":\"").append(b64("secret-" + i))
                                .append("\",\"config.yaml\":\"").append(b64("replicas: 3\nlog: debug\n")).append('"');
                        default -> itemsJson.append("\"tls.crt\":\"").append(tlsCrt.get(i % tlsCrt.size()))
                                .append("\",\"ca.crt\":\"").append(caCrt).append("\",\"tls.key\":\"c2VjcmV0\"");
                    }
                    itemsJson.append("}}");
                    os.write(itemsJson.toString().getBytes(StandardCharsets.UTF_8));
                    sent++;
                    items.incrementAndGet();
                }
                i++;
            }
            os.write(("],\"metadata\":{\"resourceVersion\":\"1\"" + (i < count ? ",\"continue\":\"" + i + "\"" : "")
                    + "}}").getBytes(StandardCharsets.UTF_8));
        }
    }

    static String typeOf(int i, int count, int helm) {
        if (i < helm) return "helm.sh/release.v1";
        int r = i - helm;
        if (r < saCount(count)) return "kubernetes.io/service-account-token";
        if (r < saCount(count) + opaqueCount(count)) return "Opaque";
        return "kubernetes.io/tls";
    }

    static boolean matches(List<String[]> reqs, String type, String ns) {
        for (String[] r : reqs) {
            String v = r[0].equals("type") ? type : r[0].equals("metadata.namespace") ? ns : null;
            if (v == null) continue;
            if (r[1].equals("=") != v.equals(r[2])) return false;
        }
        return true;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
