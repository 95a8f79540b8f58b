package io.kubechores.demo;

import io.kubechores.testkit.aot.AotCacheBuilder;
import io.kubechores.testkit.aot.ColdStartFleet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The AOT cache the image ships, end to end on the built kubechores.jar: {@link AotCacheBuilder} extracts and trains
 * it in one folder; the folder is then copied elsewhere with its files' times kept (as Jib copies it to /app, every
 * file dated 1970-01-01T00:00:01Z) and a real {@code plan certs} runs there from the cache. A jar whose modification
 * time changed makes the JVM refuse the cache, and the run still succeeds without it.
 */
class AotCacheIT {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final Path FAT_JAR = Path.of("target/kubechores.jar");

    @TempDir
    static Path dir;
    static Path image;

    @BeforeAll
    static void buildCacheAndCopyItLikeJib() throws Exception {
        assumeThat(FAT_JAR).as("built by `package` before this IT").exists();
        Path app = AotCacheBuilder.extract(JAVA, FAT_JAR.toAbsolutePath(), dir.resolve("build"));
        AotCacheBuilder.train(JAVA, app, app.resolve(AotCacheBuilder.CACHE), "plan");
        image = dir.resolve("image/app");
        try (Stream<Path> s = Files.walk(app)) {
            for (Path p : s.toList()) {
                Path to = image.resolve(app.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @Test
    void extractedFilesCarryJibsTimeAndTheAppJarNamesItsLibraries() throws IOException {
        assertThat(Files.getLastModifiedTime(image.resolve("kubechores.jar"))).isEqualTo(AotCacheBuilder.JIB_EPOCH_PLUS_SECOND);
        try (Stream<Path> libs = Files.list(image.resolve("libs"))) {
            assertThat(libs.toList()).hasSizeGreaterThan(100)
                    .allMatch(p -> AotCacheBuilder.JIB_EPOCH_PLUS_SECOND.equals(time(p)));
        }
    }

    @Test
    void movedCacheServesMostClassesOfARealPlanRun() throws Exception {
        Run r = plan(dir.resolve("moved"));
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("shop-tls").doesNotContain("Unable to map shared spaces");
        assertThat(r.fromCache).as("classes loaded from the AOT cache of %d", r.loaded).isGreaterThan(r.loaded * 8 / 10);
    }

    @Test
    void aJarWithAnotherModificationTimeMakesTheJvmRunWithoutTheCache() throws Exception {
        Path lib;
        try (Stream<Path> libs = Files.list(image.resolve("libs"))) {
            lib = libs.filter(p -> p.getFileName().toString().startsWith("h2-")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(lib, FileTime.from(Instant.now()));
        try {
            Run r = plan(dir.resolve("touched"));
            assertThat(r.exit).as(r.output).isZero();
            assertThat(r.output).contains("timestamp has changed", "Unable to map shared spaces");
            assertThat(r.fromCache).isZero();
        } finally {
            Files.setLastModifiedTime(lib, AotCacheBuilder.JIB_EPOCH_PLUS_SECOND);
        }
    }

    record Run(int exit, String output, long loaded, long fromCache) {}

    static Run plan(Path work) throws Exception {
        Files.createDirectories(work);
        try (ColdStartFleet fleet = ColdStartFleet.start(work.resolve("fleet"))) {
            Path classLog = work.resolve("classes.log");
            List<String> cmd = new ArrayList<>(List.of(JAVA, "-XX:AOTCache=" + image.resolve(AotCacheBuilder.CACHE),
                    "-Xlog:class+load:file=" + classLog, "-jar", image.resolve("kubechores.jar").toString(),
                    "plan", "certs", "--repo", fleet.repo().toString(), "--home", work.resolve("home").toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("out.log").toFile());
            pb.environment().putAll(fleet.env());
            Process p = pb.start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            List<String> classes = Files.readAllLines(classLog);
            long loaded = classes.stream().filter(l -> l.contains("source:")).count();
            long shared = classes.stream().filter(l -> l.contains("source: shared objects file")).count();
            return new Run(p.exitValue(), Files.readString(work.resolve("out.log")), loaded, shared);
        }
    }

    static FileTime time(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
