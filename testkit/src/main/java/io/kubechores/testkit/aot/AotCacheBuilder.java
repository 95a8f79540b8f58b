package io.kubechores.testkit.aot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the JDK 25 AOT cache (JEP 483/514/515) that the container image ships, so each CronJob run starts faster.
 * <ol>
 *   <li>Extracts kubechores.jar with Spring Boot's jar tools into {@code OUT/app}: {@code kubechores.jar} (the
 *       application's classes, its manifest's Class-Path naming {@code libs/*.jar}) and {@code libs/} — the layout
 *       the image has under {@code /app}, where Jib's dependency layers put the same jars (byte for byte: the Boot
 *       jar stores them unchanged) under the same names in {@code /app/libs}. The JVM's AOT cache only takes
 *       classes from plain jars on the class path, not from jars nested in the Boot jar.</li>
 *   <li>Sets every extracted file's modification time to 1970-01-01T00:00:01Z: the JVM accepts a cache only when
 *       each class-path jar has the size and modification time it had at training, and Jib writes every file of an
 *       image with that time (its default {@code filesModificationTime}, EPOCH_PLUS_SECOND).</li>
 *   <li>Training run: one real {@code kubechores plan certs} (Spring context, picocli, desired-state loading and
 *       JSON-Schema validation, Spring Batch with the H2 job repository, the fabric8 client's requests and Freemarker
 *       reports) against a {@link ColdStartFleet} on loopback, with {@code -XX:AOTCacheOutput=OUT/app/kubechores.aot};
 *       with {@code --training onrefresh} instead Spring Boot's documented training
 *       ({@code -Dspring.context.exit=onRefresh}: stop once the context is refreshed).</li>
 * </ol>
 * The JVM that runs the training must be the same JDK build as the one that uses the cache (the cache records the
 * JVM's version string and refuses another), and the cache then works from any folder holding the same relative
 * layout (the class path may move; JDK 25 checks the jars' names, sizes and times).
 * <p>
 * Usage: {@code java -cp ... io.kubechores.testkit.aot.AotCacheBuilder FAT_JAR OUT_DIR [--training plan|onrefresh]
 * [--expect-jdk 25.0.3+9]}; run by the {@code image} Maven profile of jobs/pom.xml, and by bench/ ColdStartBench.
 */
public final class AotCacheBuilder {
    /** Jib's default modification time for every file it puts into an image. */
    public static final FileTime JIB_EPOCH_PLUS_SECOND = FileTime.from(Instant.ofEpochSecond(1));
    public static final String APP_DIR = "app";
    public static final String APP_JAR = "kubechores.jar";
    public static final String LIBS = "libs";
    public static final String CACHE = "kubechores.aot";

    private AotCacheBuilder() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AotCacheBuilder FAT_JAR OUT_DIR [--training plan|onrefresh]"
                    + " [--expect-jdk VERSION]");
            System.exit(2);
        }
        String training = "plan";
        String expectJdk = null;
        // the training JVM is this JVM's java: the one --expect-jdk checks
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 2; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--training" -> training = args[i + 1];
                case "--expect-jdk" -> expectJdk = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (expectJdk != null && !sameJdk(expectJdk, Runtime.version())) {
            System.err.println("AOT cache: the build JDK is " + Runtime.version() + " but the image's is " + expectJdk
                    + "; the image's JVM would refuse a cache trained here. Build with JDK " + expectJdk
                    + " or move image.base and image.jdk.version (jobs/pom.xml) to this JDK's release.");
            System.exit(1);
        }
        long t0 = System.nanoTime();
        Path out = Path.of(args[1]).toAbsolutePath();
        Path app = extract(java, Path.of(args[0]).toAbsolutePath(), out);
        Path cache = train(java, app, app.resolve(CACHE), training);
        System.out.printf("AOT cache %s (%d MiB, %s training) for %s, built in %.1f s%n", cache,
                Files.size(cache) >> 20, training, app, (System.nanoTime() - t0) / 1e9);
    }

    /** Same release and build number ("25.0.3+9" matches 25.0.3+9-LTS); the vendor is the base image's choice. */
    public static boolean sameJdk(String expected, Runtime.Version actual) {
        Runtime.Version e = Runtime.Version.parse(expected);
        return e.feature() == actual.feature() && e.interim() == actual.interim() && e.update() == actual.update()
                && e.build().equals(actual.build());
    }

    /** Extracts the Boot jar into {@code out/app} (kubechores.jar + libs/), every file dated like Jib dates them. */
    public static Path extract(String java, Path fatJar, Path out) throws IOException, InterruptedException {
        Path app = out.resolve(APP_DIR);
        deleteTree(app);
        Files.createDirectories(out);
        exec(List.of(java, "-Djarmode=tools", "-jar", fatJar.toString(), "extract", "--destination", app.toString(),
                "--libraries", LIBS, "--application-filename", APP_JAR), out, Duration.ofMinutes(5));
        try (Stream<Path> files = Files.walk(app)) {
            for (Path p : files.toList()) Files.setLastModifiedTime(p, JIB_EPOCH_PLUS_SECOND);
        }
        return app;
    }

    /** Runs the training JVM on {@code app/kubechores.jar} and writes the cache to {@code cache}. */
    public static Path train(String java, Path app, Path cache, String training)
            throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        Path work = Files.createTempDirectory("kubechores-aot-training");
        try (ColdStartFleet fleet = ColdStartFleet.start(work.resolve("fleet"))) {
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:AOTCacheOutput=" + cache));
            if (training.equals("onrefresh")) cmd.add("-Dspring.context.exit=onRefresh");
            else if (!training.equals("plan")) throw new IllegalArgumentException("--training plan|onrefresh");
            cmd.addAll(List.of("-jar", app.resolve(APP_JAR).toString(), "plan", "certs",
                    "--repo", fleet.repo().toString(), "--home", work.resolve("home").toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
            pb.environment().putAll(fleet.env());
            Path log = work.resolve("training.log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("training run did not finish in 10 minutes; see " + log);
            }
            // onRefresh ends the run by design before any command runs (Spring Boot exits with a non-zero code)
            if (training.equals("plan") && (p.exitValue() != 0 || fleet.requestCount() == 0)) {
                throw new IllegalStateException("training run failed (exit " + p.exitValue() + ", "
                        + fleet.requestCount() + " API requests); see " + log + ":\n" + Files.readString(log));
            }
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException("the JVM wrote no AOT cache; see " + log + ":\n" + Files.readString(log));
            }
        }
        deleteTree(work);
        return cache;
    }

    private static void exec(List<String> cmd, Path dir, Duration wait) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + output);
        }
    }

    /** Deletes a folder and everything in it (nothing when it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
