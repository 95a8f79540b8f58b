package io.kubechores.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSelector;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.NamespaceSelector;
import io.kubechores.desiredstate.Resource;
import io.kubechores.downscale.DownscaleChore;
import io.kubechores.platform.Platform;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.ConnectionKubeClients;
import io.kubechores.platform.kube.KubeClients;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Fleet-scale downscale: N simulated clusters (fabric8 mock API server, CRUD mode) × M workloads of every kind. Runs
 * the job at night (scale-down), again in the same minute (must be 0 PATCH), and in the morning (restore), printing
 * wall time, CPU time and peak heap of the job's JVM, the API calls counted at the servers, and pass/fail for the
 * targets (under 20 s, at most one LIST per kind per cluster, exactly one PATCH per changed object, 0 PATCH again).
 * <p>
 * The simulated API servers run in a separate child JVM (same classpath, {@code serve} mode below), like CertsBench
 * does for its TLS servers: their request handling, objects and garbage are not the job's, so they must not be in
 * the job's CPU and heap figures. The job's JVM reaches them over loopback HTTP with clients built exactly as in
 * production ({@link ConnectionKubeClients} from each Cluster's API URL). The child counts requests as the servers
 * see them; the job's JVM asks it for the counts over the child's stdin/stdout (one command a line). Both JVMs share
 * the machine's cores, so the wall time still includes the time the servers need to answer; the child's CPU time
 * during each run is printed next to the job's (and the rest of the machine's) so they can be told apart. The servers
 * are warmed up on a scratch server before the runs (real API servers are not cold); the job's JVM is not: its first
 * run is a cold start, as in production.
 * <p>
 * Usage: bench/run.sh DownscaleBench [clusters=20] [workloadsPerCluster=2000] [concurrency=4]
 * (BENCH_JAVA_OPTS sets the job JVM's options, e.g. -Xmx1g; BENCH_SERVER_JAVA_OPTS the servers' JVM, default
 * "-Xmx1g -XX:+UseSerialGC")
 */
public final class DownscaleBench {
    static final Instant NIGHT = Instant.parse("2026-11-24T21:00:00Z");   // Tue 22:00 Europe/Berlin
    static final Instant MORNING = Instant.parse("2026-11-25T07:00:00Z"); // Wed 08:00 Europe/Berlin
    /** The target: one whole run (collect, plan, apply, report) over the fleet. */
    static final double TARGET_SECONDS = 20;
    /** Request timeout of the job's clients (production default of kubechores.kube-timeout-millis is similar). */
    static final int REQUEST_TIMEOUT_MILLIS = 30_000;
    /**
     * Each Cluster connects with an API URL and a bearer token, as production does. (Without a token fabric8 re-reads
     * its whole auto-configuration, kubeconfig and environment, before every request looking for one, a cost no
     * production connection has.)
     */
    static final String TOKEN_ENV = "BENCH_API_TOKEN";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perCluster = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        quietLogs();
        System.out.printf("downscale bench: %d clusters x %d workloads, partition concurrency %d, %d cores, job JVM max"
                        + " heap %d MiB, java %s%n", clusters, perCluster, concurrency,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));

        long t0 = System.nanoTime();
        try (Servers servers = Servers.start(clusters, perCluster)) {
            System.out.printf("servers: %d simulated API servers with %d objects in a separate JVM (pid %d, %s),"
                            + " ready after %.1f s (seeding is not part of the figures)%n", servers.urls.size(),
                    clusters * perCluster, servers.process.pid(), servers.javaOpts, (System.nanoTime() - t0) / 1e9);

            List<Resource<ClusterSpec>> clusterDocs = new ArrayList<>();
            for (var e : servers.urls.entrySet()) {
                clusterDocs.add(Resource.of(Kind.CLUSTER, e.getKey(), new ClusterSpec("staging",
                        new ClusterSpec.Connection(null, null, false, e.getValue(), TOKEN_ENV, null), null, null,
                        null)));
            }
            DesiredState state = state(clusterDocs);
            List<Boolean> verdicts = new ArrayList<>();
            // the job's clients, built like production builds them from each Cluster's connection (not the test ones)
            // an API URL comes with a ServiceAccount token in production; the simulated servers accept any token
            try (KubeClients kube = new ConnectionKubeClients(
                    name -> TOKEN_ENV.equals(name) ? Optional.of("bench-token") : Optional.empty(),
                    REQUEST_TIMEOUT_MILLIS)) {
                Platform platform = new Platform(kube, null, null, null, null, new MemoryStateStore(), null);
                DownscaleChore chore = new DownscaleChore("kubechores");
                Path out = Files.createTempDirectory("downscale-bench");

                verdicts.add(run("night (scale down)", chore, state, platform, NIGHT, concurrency, servers,
                        out.resolve("night"), false));
                verdicts.add(run("night, same minute again", chore, state, platform, NIGHT.plusSeconds(30),
                        concurrency, servers, out.resolve("again"), true));
                verdicts.add(run("morning (restore, unlimited budget)", chore, state, platform, MORNING, concurrency,
                        servers, out.resolve("morning"), false));
            }
            boolean ok = verdicts.stream().allMatch(b -> b);
            System.out.printf("%nDownscaleBench: %s%n", ok ? "PASS" : "FAIL");
            System.out.flush();
            System.exit(ok ? 0 : 1);
        }
    }

    /** Runs the job once and prints its figures; true when every target is met. */
    static boolean run(String label, DownscaleChore chore, DesiredState state, Platform platform, Instant at,
                       int concurrency, Servers servers, Path out, boolean expectNoChange) throws Exception {
        long serverCpu0 = servers.reset();
        System.gc();
        long baseline = usedHeap();
        resetPeaks();
        ChoreContext ctx = new ChoreContext("downscale", state, platform, Clock.fixed(at, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
        long cpu0 = cpuNanos();
        long gc0 = gcMillis();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long machine0 = machineBusyNanos();
        long t = System.nanoTime();
        ChoreRunner.Outcome<?> o = ChoreRunner.run(chore, ctx, concurrency);
        double secs = (System.nanoTime() - t) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        long machine1 = machineBusyNanos();
        long gc = gcMillis() - gc0;
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
        long peak = peakHeap();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Servers.Counts counts = servers.counts();
        double serverCpu = (counts.cpuNanos() - serverCpu0) / 1e9;
        double others = machine0 < 0 || machine1 < 0 ? Double.NaN : (machine1 - machine0) / 1e9 - cpu - serverCpu;

        long changed = o.allActions().stream().filter(a -> a.status() == Action.Status.APPLIED).count();
        long failed = o.allActions().stream().filter(a -> a.status() == Action.Status.FAILED).count();
        long failedPartitions = o.partitions().stream().filter(p -> p.isFailed()).count();
        long patches = counts.sum("PATCH");
        long gets = counts.sum("GET");
        long events = counts.sum("POST events");
        Map<String, Long> maxListPerKind = new TreeMap<>();
        counts.perCluster().values().forEach(m -> m.forEach((k, v) -> {
            if (k.startsWith("LIST ")) maxListPerKind.merge(k.substring(5), v, Math::max);
        }));
        long maxList = maxListPerKind.values().stream().mapToLong(Long::longValue).max().orElse(0);

        boolean inTime = secs <= TARGET_SECONDS;
        boolean onePatchEach = patches == changed && (!expectNoChange || patches == 0);
        boolean listOnce = maxList <= 1;
        boolean clean = o.exitCode() == 0 && failed == 0 && failedPartitions == 0;
        System.out.printf(Locale.ROOT, "%n== %s ==%n", label);
        System.out.printf(Locale.ROOT, "job JVM wall time   %.2f s  (target <= %.0f s: %s)%n", secs, TARGET_SECONDS,
                inTime ? "ok" : "OVER");
        System.out.printf(Locale.ROOT, "job JVM CPU time    %.2f s  (%.0f%% of one core over the wall time; GC %d ms,"
                + " JIT compiling %d ms elapsed)%n", cpu, 100 * cpu / secs, gc, jit);
        System.out.printf(Locale.ROOT, "job JVM heap        before %d MiB, peak %d MiB (sum of heap pools' peaks,"
                + " garbage included; max %d MiB)%n", baseline >> 20, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "servers' JVM CPU    %.2f s  (the %d simulated API servers, same %d cores;"
                        + " load average %.1f)%n", serverCpu, counts.perCluster().size(),
                Runtime.getRuntime().availableProcessors(), load);
        if (!Double.isNaN(others)) {
            System.out.printf(Locale.ROOT, "other CPU use       %.2f s  (the machine's busy CPU time over the run minus the two"
                    + " JVMs: other processes, kernel, hypervisor steal; capacity %.0f s)%n", Math.max(0, others),
                    secs * Runtime.getRuntime().availableProcessors());
        }
        System.out.printf(Locale.ROOT, "exit code           %d (failed partitions: %d)%n", o.exitCode(), failedPartitions);
        System.out.printf(Locale.ROOT, "objects changed     %d (failed actions: %d)%n", changed, failed);
        System.out.printf(Locale.ROOT, "PATCH calls         %d  (%s)%n", patches, expectNoChange
                ? (patches == 0 ? "ok, none on a repeated run" : "NOT 0 on a repeated run")
                : (patches == changed ? "exactly one per changed object" : "NOT one per changed object"));
        System.out.printf(Locale.ROOT, "GET calls           %d%n", gets);
        System.out.printf(Locale.ROOT, "Event POSTs         %d%n", events);
        System.out.printf(Locale.ROOT, "all requests        %d  (counted at the servers)%n", counts.sum(""));
        System.out.printf(Locale.ROOT, "max LIST per kind per cluster %s (%s)%n", maxListPerKind,
                listOnce ? "ok, at most one" : "MORE than one");
        System.out.println(o.report().summary());
        return inTime && onePatchEach && listOnce && clean;
    }

    /**
     * The child JVM that holds the simulated API servers. Protocol over its stdin/stdout, one line each:
     * it prints {@code CLUSTER <name> <url>} per server, then {@code READY}; then answers {@code RESET} (zero the
     * request counters) with {@code OK <cpuNanos>}, and {@code COUNTS} with {@code COUNT <cluster> <n> <VERB resource>}
     * lines and {@code END <cpuNanos>}; it stops when its stdin closes.
     */
    static final class Servers implements AutoCloseable {
        record Counts(Map<String, Map<String, Long>> perCluster, long cpuNanos) {
            /** Sum over all clusters of the counters whose key starts with prefix ("PATCH", "POST events", ""). */
            long sum(String prefix) {
                return perCluster.values().stream().flatMap(m -> m.entrySet().stream())
                        .filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
            }
        }

        final Process process;
        final String javaOpts;
        final Map<String, String> urls = new TreeMap<>();
        private final BufferedReader in;
        private final PrintStream out;

        private Servers(Process process, String javaOpts) {
            this.process = process;
            this.javaOpts = javaOpts;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        static Servers start(int clusters, int perCluster) throws IOException {
            String opts = Optional.ofNullable(System.getenv("BENCH_SERVER_JAVA_OPTS")).filter(s -> !s.isBlank())
                    .orElse("-Xmx1g -XX:+UseSerialGC");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(opts.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DownscaleBench.class.getName(), "serve",
                    String.valueOf(clusters), String.valueOf(perCluster)));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Servers s = new Servers(p, opts);
            try {
                for (String line = s.line(); !line.equals("READY"); line = s.line()) {
                    if (!line.startsWith("CLUSTER ")) throw new IllegalStateException("servers: unexpected " + line);
                    String[] f = line.split(" ");
                    s.urls.put(f[1], f[2]);
                }
            } catch (RuntimeException | IOException e) {
                s.close();
                throw e;
            }
            return s;
        }

        /** Next protocol line (anything else the child prints goes to stderr). */
        private String line() throws IOException {
            while (true) {
                String line = in.readLine();
                if (line == null) throw new IllegalStateException("the servers' JVM exited (exit code "
                        + (process.isAlive() ? "?" : process.exitValue()) + ")");
                if (line.startsWith("CLUSTER ") || line.equals("READY") || line.startsWith("OK ")
                        || line.startsWith("COUNT ") || line.startsWith("END ")) return line;
                System.err.println("[servers] " + line);
            }
        }

        /** Zeroes the counters; returns the servers' JVM CPU time so far. */
        long reset() throws IOException {
            out.println("RESET");
            String line = line();
            if (!line.startsWith("OK ")) throw new IllegalStateException("servers: unexpected " + line);
            return Long.parseLong(line.substring(3));
        }

        Counts counts() throws IOException {
            out.println("COUNTS");
            Map<String, Map<String, Long>> all = new TreeMap<>();
            urls.keySet().forEach(n -> all.put(n, new TreeMap<>()));
            for (String line = line(); ; line = line()) {
                if (line.startsWith("END ")) return new Counts(all, Long.parseLong(line.substring(4)));
                if (!line.startsWith("COUNT ")) throw new IllegalStateException("servers: unexpected " + line);
                String[] f = line.split(" ", 4);
                all.computeIfAbsent(f[1], k -> new TreeMap<>()).put(f[3], Long.parseLong(f[2]));
            }
        }

        @Override
        public void close() {
            out.close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Child-process mode: starts and seeds the simulated API servers, then answers the parent (see {@link Servers}). */
    static void serve(int clusters, int perCluster) throws Exception {
        quietLogs();
        Map<String, DownscaleSimulatedCluster> sims = new TreeMap<>();
        for (int i = 0; i < clusters; i++) sims.put(String.format("staging-%02d", i), new DownscaleSimulatedCluster());
        try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
            List<Future<?>> fs = new ArrayList<>();
            for (DownscaleSimulatedCluster sim : sims.values()) {
                fs.add(ex.submit(() -> {
                    try (KubernetesClient c = sim.client(REQUEST_TIMEOUT_MILLIS)) {
                        seed(sim, c, perCluster);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        long w0 = System.nanoTime();
        int warmRequests = warmUp();
        System.err.printf(Locale.ROOT, "servers: warmed up with %d requests on a scratch server in %.1f s%n", warmRequests,
                (System.nanoTime() - w0) / 1e9);
        PrintStream out = System.out;
        sims.forEach((name, sim) -> out.println("CLUSTER " + name + " " + sim.url()));
        out.println("READY");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String cmd = in.readLine(); cmd != null; cmd = in.readLine()) {
            switch (cmd.strip()) {
                case "RESET" -> {
                    sims.values().forEach(DownscaleSimulatedCluster::resetCounts);
                    out.println("OK " + cpuNanos());
                }
                case "COUNTS" -> {
                    sims.forEach((name, sim) -> sim.counts().forEach((k, v) ->
                            out.println("COUNT " + name + " " + v + " " + k)));
                    out.println("END " + cpuNanos());
                }
                default -> System.err.println("servers: unknown command " + cmd);
            }
            out.flush();
        }
        sims.values().forEach(DownscaleSimulatedCluster::close);
        System.exit(0);
    }

    /**
     * Real API servers are long-running and JIT-compiled; a freshly started simulation is not, and on a 2-core machine
     * its cold request handling would take the cores from the job. So before READY the child serves LIST, JSON PATCH
     * and Event POST requests (what a downscale run sends) on a scratch server that the job never sees.
     */
    static int warmUp() throws Exception {
        int objects = 2000;
        int requests = 0;
        try (DownscaleSimulatedCluster scratch = new DownscaleSimulatedCluster();
             KubernetesClient c = scratch.client(REQUEST_TIMEOUT_MILLIS)) {
            for (int i = 0; i < objects; i++) {
                String ns = ns(i % 40);
                GenericKubernetesResource r = c.getKubernetesSerialization().unmarshal(
                        podOwner("apps/v1", "Deployment", ns, "w" + i, 2), GenericKubernetesResource.class);
                scratch.store("/apis/apps/v1/namespaces/" + ns + "/deployments", c.getKubernetesSerialization().asJson(r));
            }
            var deployments = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup("apps").withVersion("v1").withKind("Deployment").withPlural("deployments")
                    .withNamespaced(true).build();
            for (int round = 0; round < 3; round++) {
                int rnd = round;
                List<GenericKubernetesResource> items = c.genericKubernetesResources(deployments).inAnyNamespace().list()
                        .getItems();
                requests++;
                java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(8);
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (GenericKubernetesResource r : items) {
                        fs.add(pool.submit(() -> {
                            inFlight.acquire();
                            try {
                                String ns = r.getMetadata().getNamespace();
                                String name = r.getMetadata().getName();
                                String patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
                                        + r.getMetadata().getResourceVersion() + "\"},"
                                        + "{\"op\":\"add\",\"path\":\"/spec/replicas\",\"value\":" + (rnd % 2) + "},"
                                        + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"warm\":\""
                                        + rnd + "\"}}]";
                                c.genericKubernetesResources(deployments).inNamespace(ns).withName(name)
                                        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), patch);
                                c.v1().events().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                                        .withNewMetadata().withName(name + ".warm" + rnd).withNamespace(ns).endMetadata()
                                        .withNewInvolvedObject().withApiVersion("apps/v1").withKind("Deployment")
                                        .withName(name).withNamespace(ns).endInvolvedObject()
                                        .withType("Normal").withReason("Warm").withMessage("warm-up " + rnd).build())
                                        .create();
                            } finally {
                                inFlight.release();
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : fs) f.get();
                }
                requests += 2 * items.size();
            }
        }
        return requests;
    }

    /** The job logs one line per action and the whole plan: 80,000 lines would measure the console, not the job. */
    static void quietLogs() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    static DesiredState state(List<Resource<ClusterSpec>> clusters) {
        FleetSpec fleet = new FleetSpec("Europe/Berlin", List.of("staging", "prod"), false, Map.of(), null, null, null,
                null, null, List.of(), List.of());
        DownscalePolicySpec policy = new DownscalePolicySpec(
                new ClusterSelector(List.of(), List.of("staging"), Map.of()),
                new NamespaceSelector(List.of(), List.of("monitoring")),
                "Mon-Fri 07:30-20:30 Europe/Berlin", null, List.of(), 0, "15m", List.of(), List.of(), null);
        return new DesiredState(Path.of("."), "bench", Resource.of(Kind.FLEET, "bench", fleet), clusters,
                List.of(Resource.of(Kind.DOWNSCALE_POLICY, "office-hours", policy)), List.of(), List.of(), List.of(),
                List.of());
    }

    /** perCluster workloads over 40 namespaces: 60% Deployments, 15% StatefulSets, 10% CronJobs, 10% HPAs, 5% KEDA. */
    static void seed(DownscaleSimulatedCluster sim, KubernetesClient c, int perCluster) throws Exception {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: scaledobjects.keda.sh}
                spec:
                  group: keda.sh
                  scope: Namespaced
                  names: {kind: ScaledObject, plural: scaledobjects, singular: scaledobject}
                  versions: [{name: v1alpha1, served: true, storage: true}]
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: rollouts.argoproj.io}
                spec:
                  group: argoproj.io
                  scope: Namespaced
                  names: {kind: Rollout, plural: rollouts, singular: rollout}
                  versions: [{name: v1alpha1, served: true, storage: true}]
                """;
        for (HasMetadata h : c.load(new ByteArrayInputStream(crd.getBytes(StandardCharsets.UTF_8))).items()) {
            c.resource(h).create();
        }
        int namespaces = 40;
        for (int n = 0; n < namespaces; n++) {
            sim.store("/api/v1/namespaces", c.getKubernetesSerialization().asJson(
                    new NamespaceBuilder().withNewMetadata().withName(ns(n)).endMetadata().build()));
        }
        for (int i = 0; i < perCluster; i++) {
            String ns = ns(i % namespaces);
            String name = "w" + i;
            int bucket = i % 20;
            String yaml;
            String collection;
            if (bucket < 12) {
                yaml = podOwner("apps/v1", "Deployment", ns, name, 1 + i % 4);
                collection = "/apis/apps/v1/namespaces/" + ns + "/deployments";
            } else if (bucket < 15) {
                yaml = podOwner("apps/v1", "StatefulSet", ns, name, 1 + i % 3);
                collection = "/apis/apps/v1/namespaces/" + ns + "/statefulsets";
            } else if (bucket < 17) {
                yaml = cronJob(ns, name);
                collection = "/apis/batch/v1/namespaces/" + ns + "/cronjobs";
            } else if (bucket < 19) {
                yaml = hpa(ns, name, 2 + i % 3);
                collection = "/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers";
            } else if (i % 40 == 19) {
                yaml = scaledObject(ns, name);
                collection = "/apis/keda.sh/v1alpha1/namespaces/" + ns + "/scaledobjects";
            } else {
                yaml = podOwner("argoproj.io/v1alpha1", "Rollout", ns, name, 2);
                collection = "/apis/argoproj.io/v1alpha1/namespaces/" + ns + "/rollouts";
            }
            GenericKubernetesResource r = c.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
            sim.store(collection, c.getKubernetesSerialization().asJson(r));
        }
    }

    static String ns(int n) {
        return n == 0 ? "kube-system" : n == 1 ? "monitoring" : "team-" + n;
    }

    static String podOwner(String apiVersion, String kind, String ns, String name, int replicas) {
        return """
                apiVersion: %s
                kind: %s
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z", labels: {app: %s}}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: "example/app:1", resources: {requests: {cpu: 250m, memory: 512Mi}}}]
                """.formatted(apiVersion, kind, name, ns, name, replicas, name, name);
    }

    static String cronJob(String ns, String name) {
        return """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z"}
                spec:
                  schedule: "*/15 * * * *"
                  suspend: false
                  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: job, image: "example/job:1"}]}}}}
                """.formatted(name, ns);
    }

    static String hpa(String ns, String name, int min) {
        return """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z"}
                spec: {minReplicas: %d, maxReplicas: 10, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %s}}
                """.formatted(name, ns, min, name);
    }

    static String scaledObject(String ns, String name) {
        return """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z"}
                spec: {scaleTargetRef: {name: %s}, minReplicaCount: 1, maxReplicaCount: 10}
                """.formatted(name, ns, name);
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time all cores spent busy (user, nice, system, irq, softirq, steal) from /proc/stat; -1 if unavailable. */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) ticks += Long.parseLong(f[i]);
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .sum();
    }

    static long usedHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getUsage().getUsed();
        }
        return sum;
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    }

    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }
}
