package io.kubechores.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `kubechores demo` end to end, as README's first command runs it: simulated clusters, local git remote, local forge,
 * WireMock AWS/Jenkins/Slack; every job's demo steps run through the Spring Batch launcher and print a summary.
 */
class DemoIT {
    @TempDir
    static Path home;
    static String out;
    static int code;

    @BeforeAll
    static void runDemo() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            System.setProperty("kubechores.home", home.toString());
            code = Main.run("demo", "--home", home.toString());
        } finally {
            System.setOut(old);
            System.clearProperty("kubechores.home");
        }
        out = buf.toString(StandardCharsets.UTF_8);
        old.println(out);
    }

    @Test
    void demoFinishesWithSummaryAndWhereToLook() {
        assertThat(code).as(out).isZero();
        assertThat(out).contains("started 4 simulated clusters [prod-eu-1, prod-us-1, staging-eu-1, staging-us-1]")
                .contains("Where to look:")
                .contains("pull requests (local forge): " + home.resolve("world"))
                .contains("demo finished in");
        assertThat(out).doesNotContain("crashed:").doesNotContain("invalid input");
    }
}
