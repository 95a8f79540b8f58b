package io.kubechores.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built kubechores.jar (failsafe runs after package) carries no simulator, wire stub or test server: those live
 * in testkit/ and demo/ (issue 13). Every CronJob pod and the image pay for what is in this jar.
 */
class ProductionJarIT {
    private static final Path JAR = Path.of("target", "kubechores.jar");
    /** Libraries that only simulate servers or make test PKI. */
    private static final Pattern TEST_LIBS = Pattern.compile(
            "BOOT-INF/lib/(wiremock[^/]*|kubernetes-server-mock[^/]*|mockwebserver[^/]*|okhttp[^/]*|kubechores-testkit[^/]*"
                    + "|kubechores-demo[^/]*|bcpkix[^/]*|bcprov[^/]*|bcutil[^/]*|junit[^/]*|assertj[^/]*|mockito[^/]*)\\.jar");
    /** Classes of those, should one be shaded into another jar or copied into ours. */
    private static final Pattern TEST_CLASSES = Pattern.compile(
            "(BOOT-INF/classes/)?(io/kubechores/testkit/|io/kubechores/demo/|com/github/tomakehurst/wiremock/"
                    + "|io/fabric8/mockwebserver/|io/fabric8/kubernetes/client/server/mock/|okhttp3/mockwebserver/).*");

    @Test
    void containsNoTestServerNoSimulatorAndNoDemo() throws IOException {
        assertThat(JAR).as("kubechores.jar is built before the ITs run").exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
            assertThat(names).as("the application's own classes are there").contains("BOOT-INF/classes/io/kubechores/cli/Main.class");
            assertThat(names).filteredOn(n -> TEST_LIBS.matcher(n).matches()).as("test-only libraries").isEmpty();
            assertThat(names).filteredOn(n -> TEST_CLASSES.matcher(n).matches()).as("test-only classes").isEmpty();
        }
        System.out.printf("kubechores.jar: %.1f MB%n", Files.size(JAR) / 1e6);
    }

    /** Issue 13's bound: every CronJob pod, the image and its pull pay for this jar (README: size before/after). */
    static final long MAX_BYTES = 60_000_000L;
    /** Libraries left out on purpose (jobs/pom.xml says why); one coming back is how the jar grows again. */
    private static final Pattern LEFT_OUT = Pattern.compile("BOOT-INF/lib/(ec2-2[^/]*|eks-2[^/]*|vertx-[^/]*|netty-[^/]*"
            + "|kubernetes-httpclient-vertx[^/]*|prometheus-metrics-exposition-formats[^/]*|kubernetes-model-gatewayapi[^/]*"
            + "|netty-nio-client[^/]*|apache-client[^/]*|httpclient-4[^/]*)\\.jar");

    @Test
    void staysWithinSixtyMegabytes() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> big = jar.stream().filter(e -> e.getName().startsWith("BOOT-INF/lib/"))
                    .sorted(java.util.Comparator.comparingLong(java.util.zip.ZipEntry::getSize).reversed()).limit(10)
                    .map(e -> String.format("%s %.1f MB", e.getName().substring(13), e.getSize() / 1e6)).toList();
            assertThat(jar.stream().map(java.util.zip.ZipEntry::getName).filter(n -> LEFT_OUT.matcher(n).matches()))
                    .as("libraries the pom leaves out").isEmpty();
            assertThat(Files.size(JAR)).as("kubechores.jar in bytes; its largest libraries: %s", big)
                    .isLessThanOrEqualTo(MAX_BYTES);
        }
    }
}
