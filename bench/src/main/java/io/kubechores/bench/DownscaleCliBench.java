package io.kubechores.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.testkit.aot.AotCacheBuilder;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The issue-15 matrix: {@code kubechores run downscale} as a CronJob pod runs it — the real CLI in its own JVM, started
 * from the image's layout ({@link AotCacheBuilder}: extracted jar + AOT cache trained by the image build's own training
 * run) with the CronJob's flags (C1 only, the pod's memory limit as {@code -XX:MaxRAM} with
 * {@code MaxRAMPercentage=75}, SerialGC as the JVM picks below 1792 MB), against simulated API servers (fabric8 mock in
 * CRUD mode) that live in a separate JVM and count what they receive.
 * <p>
 * Workloads: one cluster of 500 / 2,000 / 5,000 Deployments over 40 namespaces and a DownscalePolicy
 * {@code downtime: always, kinds: [Deployment]} (the kube-downscaler comparison), then a fleet of 20 clusters x
 * 2,000 in one process; each first scaled down (fresh --home, an empty H2 history, as a first run), then run again
 * with the same --home (the no-op rerun: nothing to change). Optionally every answer is delayed (a Vert.x timer in the
 * simulated servers, not a blocked thread): a central runner talking to remote API servers.
 * <p>
 * Per run it prints: wall time, CPU time (user + system of the JVM process incl. its start, from {@code /usr/bin/time}),
 * peak RSS (the kernel's maxrss), peak heap used (the largest heap before a GC or at exit, from {@code -Xlog:gc}),
 * the requests the servers saw by verb, the time from process start to the first API request, and the API phase (first
 * to last request). Several jars ({@code label=path}) run interleaved, so load from the rest of the machine hits each
 * alike; medians over {@code --runs}. The machine's load average is printed next to every figure.
 * <p>
 * Usage: {@code bench/run.sh DownscaleCliBench [--jar before=/tmp/x/kubechores.jar] [--jar after=jobs/target/kubechores.jar]
 * [--runs 3] [--sizes 500,2000,5000] [--fleet 20x2000] [--latency 0,10] [--fleet-latency 0,10] [--max-ram 1536m]
 * [--jfr DIR] [--opts label=JVM-OPTIONS]} (BENCH_CLI_JAVA_OPTS: extra options of the measured JVMs; default jar: jobs/target/kubechores.jar as "this"). {@code --jfr DIR} records a JFR of each run there.
 */
public final class DownscaleCliBench {
    static final int NAMESPACES = 40;
    static final String TOKEN_ENV = "BENCH_API_TOKEN";
    static final int REQUEST_TIMEOUT_MILLIS = 30_000;
    /** Extra JVM options per jar label (--opts label=...), e.g. to compare a setting on one jar. */
    static final Map<String, String> OPTS = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serve();
            return;
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        int runs = 1;
        List<Integer> sizes = List.of(500, 2000, 5000);
        int fleetClusters = 20, fleetPer = 2000;
        List<Integer> latencies = List.of(0);
        List<Integer> fleetLatencies = List.of(0, 10);
        String maxRam = "1536m";
        Path jfr = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--jar" -> jars.put(v.substring(0, v.indexOf('=')), Path.of(v.substring(v.indexOf('=') + 1)).toAbsolutePath());
                case "--runs" -> runs = Integer.parseInt(v);
                case "--sizes" -> sizes = v.isBlank() || v.equals("none") ? List.of() : Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
                case "--fleet" -> {
                    if (v.equals("none")) fleetClusters = 0;
                    else {
                        fleetClusters = Integer.parseInt(v.split("x")[0]);
                        fleetPer = Integer.parseInt(v.split("x")[1]);
                    }
                }
                case "--latency" -> latencies = Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
                case "--fleet-latency" -> fleetLatencies = Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
                case "--max-ram" -> maxRam = v;
                case "--jfr" -> jfr = Path.of(v).toAbsolutePath();
                case "--opts" -> OPTS.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (jars.isEmpty()) jars.put("this", Path.of("jobs/target/kubechores.jar").toAbsolutePath());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createTempDirectory("downscale-cli-bench");
        System.out.printf(Locale.ROOT, "DownscaleCliBench: %d cores, java %s, %s; pod memory limit (-XX:MaxRAM) %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), uptime(), maxRam);

        // the image's /app layout and AOT cache per jar, built by the image build's own code (AotCacheBuilder)
        Map<String, Path[]> apps = new LinkedHashMap<>();
        for (var e : jars.entrySet()) {
            long t0 = System.nanoTime();
            Path app = AotCacheBuilder.extract(java, e.getValue(), work.resolve("image-" + e.getKey()));
            Path cache = AotCacheBuilder.train(java, app, app.resolve(AotCacheBuilder.CACHE), "plan");
            apps.put(e.getKey(), new Path[] {app.resolve(AotCacheBuilder.APP_JAR), cache});
            System.out.printf(Locale.ROOT, "%s: %s, extracted + AOT cache trained in %.1f s%n", e.getKey(), e.getValue(),
                    (System.nanoTime() - t0) / 1e9);
        }

        List<Scenario> scenarios = new ArrayList<>();
        for (int lat : latencies) for (int n : sizes) scenarios.add(new Scenario(1, n, lat));
        if (fleetClusters > 0) for (int lat : fleetLatencies) scenarios.add(new Scenario(fleetClusters, fleetPer, lat));

        Map<String, List<Figures>> results = new LinkedHashMap<>();
        try (Servers servers = Servers.start()) {
            for (Scenario s : scenarios) {
                for (int r = 0; r < runs; r++) {
                    for (var e : apps.entrySet()) {
                        Map<String, String> urls = servers.seed(s.clusters, s.perCluster, s.latencyMillis);
                        Path repo = work.resolve("repo");
                        writeRepo(repo, urls);
                        Path home = work.resolve("home-" + e.getKey());
                        AotCacheBuilder.deleteTree(home);
                        for (String phase : List.of("scale down", "no-op rerun")) {
                            servers.reset();
                            Path jfrFile = jfr == null ? null : jfr.resolve(e.getKey() + "-" + s.label().replace(' ', '_')
                                    .replace(",", "") + "-" + phase.replace(' ', '-') + "-" + r + ".jfr");
                            Figures f = runCli(java, e.getValue(), maxRam, OPTS.getOrDefault(e.getKey(), ""), repo,
                                    home, work, servers, jfrFile);
                            String key = s.label() + "|" + phase + "|" + e.getKey();
                            results.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
                            System.out.printf(Locale.ROOT, "  %-22s %-12s %-7s run %d: %s%n", s.label(), phase,
                                    e.getKey(), r + 1, f.line());
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nmedians of %d run(s) each; CPU = user+sys of the kubechores JVM incl. start;"
                + " RSS = peak resident set; heap = peak used (at a GC or exit); first req = process start to the first"
                + " API request; API = first to last request%n", runs);
        System.out.printf(Locale.ROOT, "%-22s %-12s %-7s %7s %7s %8s %8s %8s %7s %s%n", "workload", "phase", "jar",
                "wall s", "CPU s", "RSS MiB", "heap MiB", "1st req", "API s", "requests by verb (exit code; load avg)");
        for (var e : results.entrySet()) {
            String[] k = e.getKey().split("\\|");
            List<Figures> fs = e.getValue();
            Figures last = fs.getLast();
            System.out.printf(Locale.ROOT, "%-22s %-12s %-7s %7.2f %7.2f %8.0f %8.0f %8.2f %7.2f %s (exit %d; load %s)%n",
                    k[0], k[1], k[2], median(fs, Figures::wall), median(fs, Figures::cpu), median(fs, Figures::rssMiB),
                    median(fs, Figures::heapMiB), median(fs, Figures::firstRequest), median(fs, Figures::apiPhase),
                    last.verbs(), last.exitCode(), fs.stream().map(Figures::load).toList());
        }
        System.out.printf(Locale.ROOT, "kube-downscaler bar (issue 15, its measurements): 2,000 down 4.8 s / 2.8 s CPU /"
                + " 48 MiB; 5,000 down 9.5 / 5.2 / 76; no-op 2,000 0.9 / 0.5 / 45; 20x2,000 as 20 processes 4 at a time:"
                + " 42 s wall / 54 s CPU; targets RSS <= 150 MiB, first request <= 1 s; %s%n", uptime());
        if (System.getenv("BENCH_KEEP") == null) AotCacheBuilder.deleteTree(work);
        else System.out.println("kept " + work + " (BENCH_KEEP): the last run's cli.log, gc.log, repo and homes");
        System.exit(0);
    }

    record Scenario(int clusters, int perCluster, int latencyMillis) {
        String label() {
            String l = clusters == 1 ? String.format(Locale.ROOT, "1 x %,d", perCluster)
                    : String.format(Locale.ROOT, "%d x %,d", clusters, perCluster);
            return latencyMillis > 0 ? l + " +" + latencyMillis + "ms" : l;
        }
    }

    record Figures(double wall, double cpu, double rssMiB, double heapMiB, double firstRequest, double apiPhase,
                   Map<String, Long> requests, int exitCode, String load) {
        String verbs() {
            Map<String, Long> byVerb = new TreeMap<>();
            requests.forEach((k, v) -> byVerb.merge(k.startsWith("POST events") ? "POST(events)" : k.split(" ")[0], v,
                    Long::sum));
            StringBuilder b = new StringBuilder();
            byVerb.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append(' ').append(v));
            return b.toString();
        }

        String line() {
            return String.format(Locale.ROOT, "wall %.2f s, CPU %.2f s, RSS %.0f MiB, heap %.0f MiB, first request"
                    + " %.2f s, API %.2f s, %s, exit %d, load %s", wall, cpu, rssMiB, heapMiB, firstRequest, apiPhase,
                    verbs(), exitCode, load);
        }
    }

    static double median(List<Figures> fs, java.util.function.ToDoubleFunction<Figures> f) {
        double[] v = fs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    static final Pattern EXIT_USED = Pattern.compile("(?:generation|space).*used (\\d+)K");

    /** One `kubechores run downscale` in its own JVM, measured by /usr/bin/time and the servers' counters. */
    static Figures runCli(String java, Path[] app, String maxRam, String opts, Path repo, Path home, Path work,
                          Servers servers, Path jfr) throws Exception {
        Path timeOut = work.resolve("time.txt"), gcLog = work.resolve("gc.log"), out = work.resolve("cli.log");
        Files.deleteIfExists(gcLog);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-o", timeOut.toString(), "-f", "%e %U %S %M",
                java, "-XX:AOTCache=" + app[1], "-XX:MaxRAM=" + maxRam, "-XX:MaxRAMPercentage=75",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:gc,gc+heap+exit:file=" + gcLog));
        String extra = System.getenv("BENCH_CLI_JAVA_OPTS"); // e.g. -Dspring.main.lazy-initialization=true
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        if (!opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
        if (jfr != null) {
            Files.createDirectories(jfr.getParent());
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings="
                    + System.getenv().getOrDefault("BENCH_JFR_SETTINGS", "profile")); // e.g. jfr configure method-profiling=max
        }
        cmd.addAll(List.of("-jar", app[0].toString(), "run", "downscale", "--repo", repo.toString(), "--home",
                home.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put(TOKEN_ENV, "bench-token");
        pb.environment().put("HOME", home.toString());
        long startMicros = epochMicros();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("kubechores did not finish in 30 minutes; see " + out);
        }
        String load = uptimeLoad();
        if (System.getenv("BENCH_KEEP") != null) { // each run's output, e.g. with BENCH_CLI_JAVA_OPTS=-XX:+CITime
            Files.copy(out, work.resolve("cli-" + home.getFileName() + "-" + System.nanoTime() + ".log"));
        }
        Servers.Counts c = servers.counts();
        String[] t = Files.readString(timeOut).trim().lines().reduce((a, b) -> b).orElseThrow().split(" ");
        if (p.exitValue() != 0) {
            System.out.println("    kubechores exit " + p.exitValue() + ", last output lines:");
            Files.readAllLines(out).stream().skip(Math.max(0, Files.readAllLines(out).size() - 15))
                    .forEach(l -> System.out.println("      " + l));
        }
        double heapPeak = 0, heapExit = 0;
        if (Files.exists(gcLog)) {
            for (String l : Files.readAllLines(gcLog)) {
                Matcher m = GC_LINE.matcher(l);
                if (m.find()) heapPeak = Math.max(heapPeak, Double.parseDouble(m.group(1)));
                Matcher x = EXIT_USED.matcher(l);
                if (l.contains("gc,heap,exit") && x.find()) heapExit += Double.parseDouble(x.group(1)) / 1024;
            }
        }
        double first = c.firstMicros == 0 ? Double.NaN : (c.firstMicros - startMicros) / 1e6;
        double api = c.firstMicros == 0 ? 0 : (c.lastMicros - c.firstMicros) / 1e6;
        return new Figures(Double.parseDouble(t[0]), Double.parseDouble(t[1]) + Double.parseDouble(t[2]),
                Long.parseLong(t[3]) / 1024.0, Math.max(heapPeak, heapExit), first, api, c.requests, p.exitValue(), load);
    }

    static void writeRepo(Path repo, Map<String, String> urls) throws IOException {
        AotCacheBuilder.deleteTree(repo);
        Files.createDirectories(repo.resolve("clusters"));
        Files.createDirectories(repo.resolve("downscaling"));
        Files.writeString(repo.resolve("fleet.yaml"), """
                apiVersion: kubechores.io/v1alpha1
                kind: Fleet
                metadata:
                  name: bench
                spec:
                  timeZone: Europe/Berlin
                  environments: [staging]
                  jobs:
                    downscale:
                      maxChangesPerRun: 100000
                """);
        for (var e : urls.entrySet()) {
            Files.writeString(repo.resolve("clusters/" + e.getKey() + ".yaml"), """
                    apiVersion: kubechores.io/v1alpha1
                    kind: Cluster
                    metadata:
                      name: %s
                    spec:
                      environment: staging
                      connection:
                        apiUrl: %s
                        tokenEnv: %s
                    """.formatted(e.getKey(), e.getValue().replaceAll("/$", ""), TOKEN_ENV));
        }
        // the comparison: Deployments only, always down (kube-downscaler --default-downtime=always
        // --include-resources=deployments)
        Files.writeString(repo.resolve("downscaling/always.yaml"), """
                apiVersion: kubechores.io/v1alpha1
                kind: DownscalePolicy
                metadata:
                  name: always
                spec:
                  clusters:
                    environments: [staging]
                  downtime: always
                  downtimeReplicas: 0
                  kinds: [Deployment]
                """);
    }

    /**
     * The child JVM with the simulated API servers. One command a line on its stdin:
     * {@code SEED clusters perCluster latencyMillis} (new servers; answers CLUSTER name url lines, then READY),
     * {@code RESET} (OK), {@code COUNTS} (COUNT cluster n key lines, FIRST micros, LAST micros, END cpuNanos).
     */
    static final class Servers implements AutoCloseable {
        record Counts(Map<String, Long> requests, long firstMicros, long lastMicros) {}

        final Process process;
        private final BufferedReader in;
        private final PrintStream out;

        private Servers(Process p) {
            this.process = p;
            this.in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        static Servers start() throws IOException {
            String opts = Optional.ofNullable(System.getenv("BENCH_SERVER_JAVA_OPTS")).filter(s -> !s.isBlank())
                    .orElse("-Xmx3g -XX:+UseSerialGC");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(opts.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DownscaleCliBench.class.getName(), "serve"));
            return new Servers(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        Map<String, String> seed(int clusters, int perCluster, int latencyMillis) throws IOException {
            out.println("SEED " + clusters + " " + perCluster + " " + latencyMillis);
            Map<String, String> urls = new TreeMap<>();
            for (String l = line(); !l.equals("READY"); l = line()) {
                // the servers' JVM may also log to its stdout (e.g. Vert.x's blocked-thread warnings): protocol only
                if (!l.startsWith("CLUSTER ")) continue;
                String[] f = l.split(" ");
                urls.put(f[1], f[2]);
            }
            return urls;
        }

        void reset() throws IOException {
            out.println("RESET");
            for (String l = line(); !l.equals("OK"); l = line()) { } // skip the servers' log lines
        }

        Counts counts() throws IOException {
            out.println("COUNTS");
            Map<String, Long> all = new TreeMap<>();
            long first = 0, last = 0;
            for (String l = line(); !l.startsWith("END"); l = line()) {
                String[] f = l.split(" ", 4);
                switch (f[0]) {
                    case "COUNT" -> all.merge(f[3], Long.parseLong(f[2]), Long::sum);
                    case "FIRST" -> first = Long.parseLong(f[1]);
                    case "LAST" -> last = Long.parseLong(f[1]);
                    default -> { } // a log line of the servers' JVM, not the protocol
                }
            }
            return new Counts(all, first, last);
        }

        private String line() throws IOException {
            String l = in.readLine();
            if (l == null) throw new IllegalStateException("the servers' JVM ended (exit " + process.exitValue() + ")");
            return l;
        }

        @Override
        public void close() throws InterruptedException {
            out.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }

    static void serve() throws Exception {
        DownscaleBench.quietLogs();
        Map<String, DownscaleSimulatedCluster> sims = new TreeMap<>();
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        boolean warmed = false;
        for (String cmd = in.readLine(); cmd != null; cmd = in.readLine()) {
            String[] f = cmd.strip().split(" ");
            switch (f[0]) {
                case "SEED" -> {
                    sims.values().forEach(DownscaleSimulatedCluster::close);
                    sims.clear();
                    if (!warmed) {
                        DownscaleBench.warmUp(); // real API servers are not cold
                        warmed = true;
                    }
                    int clusters = Integer.parseInt(f[1]), per = Integer.parseInt(f[2]);
                    for (int i = 0; i < clusters; i++) {
                        DownscaleSimulatedCluster sim = new DownscaleSimulatedCluster();
                        try (KubernetesClient c = sim.client(REQUEST_TIMEOUT_MILLIS)) {
                            seed(sim, c, per);
                        }
                        sim.latency(Duration.ofMillis(Long.parseLong(f[3])));
                        sims.put(String.format(Locale.ROOT, "cluster-%02d", i), sim);
                    }
                    System.gc();
                    sims.forEach((name, sim) -> out.println("CLUSTER " + name + " " + sim.url()));
                    out.println("READY");
                }
                case "RESET" -> {
                    sims.values().forEach(DownscaleSimulatedCluster::resetCounts);
                    out.println("OK");
                }
                case "COUNTS" -> {
                    long first = Long.MAX_VALUE, last = 0;
                    for (var e : sims.entrySet()) {
                        e.getValue().counts().forEach((k, v) -> out.println("COUNT " + e.getKey() + " " + v + " " + k));
                        if (e.getValue().firstRequestMicros() > 0) first = Math.min(first, e.getValue().firstRequestMicros());
                        last = Math.max(last, e.getValue().lastRequestMicros());
                    }
                    out.println("FIRST " + (first == Long.MAX_VALUE ? 0 : first));
                    out.println("LAST " + last);
                    out.println("END " + ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                            .getOperatingSystemMXBean()).getProcessCpuTime());
                }
                default -> System.err.println("servers: unknown command " + cmd);
            }
            out.flush();
        }
        sims.values().forEach(DownscaleSimulatedCluster::close);
        System.exit(0);
    }

    /** perCluster Deployments (1-4 replicas, one container with requests) over 40 namespaces. */
    static void seed(DownscaleSimulatedCluster sim, KubernetesClient c, int perCluster) {
        for (int n = 0; n < NAMESPACES; n++) {
            sim.store("/api/v1/namespaces", c.getKubernetesSerialization().asJson(
                    new NamespaceBuilder().withNewMetadata().withName(ns(n)).endMetadata().build()));
        }
        for (int i = 0; i < perCluster; i++) {
            String ns = ns(i % NAMESPACES);
            GenericKubernetesResource r = c.getKubernetesSerialization().unmarshal(
                    DownscaleBench.podOwner("apps/v1", "Deployment", ns, "w" + i, 1 + i % 4), GenericKubernetesResource.class);
            sim.store("/apis/apps/v1/namespaces/" + ns + "/deployments", c.getKubernetesSerialization().asJson(r));
        }
    }

    static String ns(int n) {
        return String.format(Locale.ROOT, "team-%02d", n);
    }

    static long epochMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return "uptime: " + s;
        } catch (IOException | InterruptedException e) {
            return "uptime: n/a";
        }
    }

    static String uptimeLoad() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + "/" + f[1];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
