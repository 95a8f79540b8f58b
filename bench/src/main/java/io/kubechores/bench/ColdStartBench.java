package io.kubechores.bench;

import io.kubechores.testkit.aot.AotCacheBuilder;
import io.kubechores.testkit.aot.ColdStartFleet;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of a CronJob run: {@code kubechores plan certs} on a one-cluster fleet, from just before
 * {@link ProcessBuilder#start()} to the first request the cluster's API server receives (a {@link ColdStartFleet}:
 * simulated API server on loopback, reached through the Cluster's {@code apiUrl} + {@code tokenEnv} like a real
 * one). Each run gets a fresh {@code --home} (an empty H2 job repository), as a CronJob pod's emptyDir does.
 * <p>
 * Variants, run interleaved (so load from other processes hits each alike), {@code runs} times each:
 * <ul>
 *   <li>{@code plain}: {@code java -jar jobs/target/kubechores.jar} (the Boot jar, as built);</li>
 *   <li>{@code extracted}: the same jar extracted by Spring Boot's jar tools (the image's /app layout), no cache;</li>
 *   <li>{@code aot}: extracted + {@code -XX:AOTCache} trained by one real {@code plan certs} run — the image's
 *       entrypoint ({@link AotCacheBuilder}, the same code the image build runs), as the runner Deployment runs it;</li>
 *   <li>{@code aot+C1(cron)}: that and {@code -XX:TieredStopAtLevel=1}, as the CronJobs run it (k8s/ sets it in
 *       their JAVA_TOOL_OPTIONS: C2's compile time at start-up does not pay off in a run of seconds to minutes);</li>
 *   <li>{@code aot-onrefresh} (with {@code training=both}): the cache from Spring Boot's documented training run
 *       ({@code -Dspring.context.exit=onRefresh}) instead.</li>
 * </ul>
 * Prints min/median/max to the first API request and the median to process exit per variant side by side, and
 * PASS/FAIL for the target: median under 1.5 s to the first API request with the AOT cache.
 * <p>
 * Usage: bench/run.sh ColdStartBench [runs=5] [training=plan|both] (COLDSTART_JAVA_OPTS: the measured JVMs'
 * options, default the CronJobs' {@code -XX:MaxRAMPercentage=75})
 */
public final class ColdStartBench {
    static final double TARGET_SECONDS = 1.5;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String training = args.length > 1 ? args[1] : "plan";
        Path fatJar = Path.of("jobs/target/kubechores.jar").toAbsolutePath();
        if (!Files.isRegularFile(fatJar)) throw new IllegalStateException(fatJar + " is missing: build it first");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> opts = Arrays.asList(System.getenv().getOrDefault("COLDSTART_JAVA_OPTS",
                "-XX:MaxRAMPercentage=75").trim().split("\\s+"));
        Path work = Files.createTempDirectory("coldstart-bench");
        System.out.printf(Locale.ROOT, "ColdStartBench: %d cores, java %s, load average %.2f, measured JVM options %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load(), opts);

        long t0 = System.nanoTime();
        Path app = AotCacheBuilder.extract(java, fatJar, work.resolve("image"));
        Path planCache = AotCacheBuilder.train(java, app, work.resolve("image/kubechores-plan.aot"), "plan");
        System.out.printf(Locale.ROOT, "extract + training run (plan certs): %.1f s, cache %d MiB%n",
                (System.nanoTime() - t0) / 1e9, Files.size(planCache) >> 20);
        Map<String, List<String>> variants = new LinkedHashMap<>();
        String appJar = app.resolve(AotCacheBuilder.APP_JAR).toString();
        variants.put("plain", cmd(java, opts, List.of("-jar", fatJar.toString())));
        variants.put("extracted", cmd(java, opts, List.of("-jar", appJar)));
        variants.put("aot", cmd(java, opts, List.of("-XX:AOTCache=" + planCache, "-jar", appJar)));
        // what the CronJobs run: the image's entrypoint (the cache) + their JAVA_TOOL_OPTIONS' C1-only JIT
        variants.put("aot+C1(cron)", cmd(java, opts, List.of("-XX:AOTCache=" + planCache, "-XX:TieredStopAtLevel=1",
                "-jar", appJar)));
        if (training.equals("both")) {
            long t1 = System.nanoTime();
            Path refreshCache = AotCacheBuilder.train(java, app, work.resolve("image/kubechores-onrefresh.aot"),
                    "onrefresh");
            System.out.printf(Locale.ROOT, "training run (onRefresh): %.1f s, cache %d MiB%n",
                    (System.nanoTime() - t1) / 1e9, Files.size(refreshCache) >> 20);
            variants.put("aot-onrefresh", cmd(java, opts, List.of("-XX:AOTCache=" + refreshCache, "-jar", appJar)));
        }

        Map<String, List<Double>> toFirst = new LinkedHashMap<>();
        Map<String, List<Double>> toExit = new LinkedHashMap<>();
        Map<String, List<Double>> cpuToFirst = new LinkedHashMap<>();
        variants.keySet().forEach(v -> {
            toFirst.put(v, new ArrayList<>());
            toExit.put(v, new ArrayList<>());
            cpuToFirst.put(v, new ArrayList<>());
        });
        try (ColdStartFleet fleet = ColdStartFleet.start(work.resolve("fleet"))) {
            // warm the server (a real API server is not cold): one throw-away run
            run(fleet, variants.get("plain"), work.resolve("home-warmup"));
            for (int i = 0; i < runs; i++) {
                for (var v : variants.entrySet()) {
                    double[] r = run(fleet, v.getValue(), work.resolve("home-" + v.getKey() + "-" + i));
                    toFirst.get(v.getKey()).add(r[0]);
                    toExit.get(v.getKey()).add(r[1]);
                    cpuToFirst.get(v.getKey()).add(r[2]);
                    System.out.printf(Locale.ROOT, "  run %d %-14s first API request %6.3f s (%5.2f CPU s), exit %6.3f s,"
                            + " load %.2f%n", i + 1, v.getKey(), r[0], r[2], r[1], load());
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n`plan certs` on a one-cluster fleet, %d runs each, seconds from process start:%n",
                runs);
        System.out.printf(Locale.ROOT, "%-30s", "");
        variants.keySet().forEach(v -> System.out.printf(Locale.ROOT, "%15s", v));
        System.out.println();
        row("first API request  min", toFirst, ColdStartBench::min);
        row("first API request  median", toFirst, ColdStartBench::median);
        row("first API request  max", toFirst, ColdStartBench::max);
        row("process exit       median", toExit, ColdStartBench::median);
        row("CPU s to 1st request median", cpuToFirst, ColdStartBench::median);
        double aot = median(toFirst.get("aot"));
        double cron = median(toFirst.get("aot+C1(cron)"));
        double plain = median(toFirst.get("plain"));
        System.out.printf(Locale.ROOT, "load average now %.2f on %d cores%n", load(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "to the first API request (median): AOT cache %.2fx, AOT cache + C1 (CronJobs)"
                + " %.2fx faster than plain%n", plain / aot, plain / cron);
        System.out.printf(Locale.ROOT, "%nColdStartBench: %s (target: median to the first API request with the AOT"
                + " cache, as the CronJobs start, under %.1f s; was %.3f s; %.3f s without C1-only)%n",
                cron < TARGET_SECONDS ? "PASS" : "FAIL", TARGET_SECONDS, cron, aot);
        AotCacheBuilder.deleteTree(work);
        System.exit(0);
    }

    static List<String> cmd(String java, List<String> opts, List<String> launch) {
        List<String> c = new ArrayList<>();
        c.add(java);
        c.addAll(opts);
        c.addAll(launch);
        return c;
    }

    /**
     * CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux): the part of a cold
     * start that does not depend on how busy the machine is. NaN where /proc is missing.
     */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime) in clock ticks; USER_HZ is 100 on Linux
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** One cold start: {seconds to the first API request, seconds to process exit, CPU seconds at the first request}. */
    static double[] run(ColdStartFleet fleet, List<String> launch, Path home) throws Exception {
        List<String> cmd = new ArrayList<>(launch);
        cmd.addAll(List.of("plan", "certs", "--repo", fleet.repo().toString(), "--home", home.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolveSibling(home.getFileName() + ".log").toFile());
        pb.environment().putAll(fleet.env());
        fleet.resetFirstRequest();
        long start = System.nanoTime();
        Process p = pb.start();
        long first = fleet.awaitFirstRequest(Duration.ofMinutes(2));
        double cpu = cpuSeconds(p.pid());
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        long end = System.nanoTime();
        if (!done) p.destroyForcibly();
        String log = Files.readString(home.resolveSibling(home.getFileName() + ".log"));
        if (log.contains("Unable to map shared spaces")) {
            throw new IllegalStateException(String.join(" ", cmd) + ": the JVM refused the AOT cache:\n" + log);
        }
        if (first < 0 || !done || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": no API request or failed run (exit "
                    + (done ? p.exitValue() : "none") + "); log: " + log);
        }
        return new double[] {(first - start) / 1e9, (end - start) / 1e9, cpu};
    }

    static void row(String label, Map<String, List<Double>> figures, java.util.function.ToDoubleFunction<List<Double>> f) {
        System.out.printf(Locale.ROOT, "%-30s", label);
        figures.values().forEach(l -> System.out.printf(Locale.ROOT, "%15.3f", f.applyAsDouble(l)));
        System.out.println();
    }

    static double min(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    static double max(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    static double median(List<Double> l) {
        double[] s = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
