package io.kubechores.cli;

import io.kubechores.testing.TestFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI as a user runs it (Main.run = the jar's entry point, full Spring context with Spring Batch on an H2 file):
 * exit codes, dry run, kill switch, partial failure, safety limit, audit trail.
 */
class CliIT {
    static final Path EXAMPLE = Path.of("../repo-layout/example").toAbsolutePath();
    @TempDir
    static Path tmp;

    record Result(int code, String out, String err) { }

    @BeforeAll
    static void enableEchoChore() {
        System.setProperty("kubechores.test.echo-chore", "true");
    }

    @AfterAll
    static void cleanup() {
        System.clearProperty("kubechores.test.echo-chore");
        System.clearProperty("kubechores.test.fail");
        System.clearProperty("kubechores.home");
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path copyExample(String name) {
        Path target = tmp.resolve(name);
        TestFiles.copyTree(EXAMPLE, target);
        return target;
    }

    @Test
    void validateExampleExitsZero() {
        Result r = run("validate", "--repo", EXAMPLE.toString(), "--home", tmp.resolve("h1").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("valid: fleet acme").contains("4 clusters");
    }

    @Test
    void validateBrokenRepoExitsTwoAndListsEveryErrorWithFileLine() throws IOException {
        Path broken = copyExample("broken");
        Path c = broken.resolve("clusters/prod-us-1.yaml");
        Files.writeString(c, Files.readString(c).replace("environment: prod", "environment: production")
                .replace("maxSize: 40", "maxSize: forty"));
        Result r = run("validate", "--repo", broken.toString(), "--home", tmp.resolve("h2").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("clusters/prod-us-1.yaml:19:16: spec.nodePools[0].maxSize: expected a whole number, found text 'forty'");
        assertThat(r.err()).doesNotContain("environment 'production'"); // schema errors stop the document first
    }

    @Test
    void planChangesNothingRunAppliesAndAudits() throws IOException {
        Path home = tmp.resolve("h3");
        Result plan = run("plan", "echo", "--repo", EXAMPLE.toString(), "--home", home.toString());
        assertThat(plan.code()).isZero();
        assertThat(plan.out()).contains("echo (dry run: nothing changed)").contains("staging-eu-1/default/ConfigMap/echo")
                .contains("PLANNED");
        assertThat(home.resolve("audit/audit.jsonl")).doesNotExist();

        Result run = run("run", "echo", "--repo", EXAMPLE.toString(), "--home", home.toString(), "--cluster", "prod-eu-1,staging-eu-1");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("APPLIED").doesNotContain("prod-us-1");
        List<String> audit = Files.readAllLines(home.resolve("audit/audit.jsonl"));
        assertThat(audit.subList(0, audit.size() - 1))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains("\"job\":\"echo\"").contains("\"status\":\"APPLIED\""));
        assertThat(audit.getLast()).as("the run's last line (FileAuditLog)").contains("\"phase\":\"closed\"", "\"job\":\"echo\"");
    }

    @Test
    void oneFailingClusterIsReportedOthersFinishExitThree() {
        System.setProperty("kubechores.test.fail", "prod-us-1");
        try {
            Result r = run("run", "echo", "--repo", EXAMPLE.toString(), "--home", tmp.resolve("h4").toString());
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).contains("FAILED prod-us-1: IllegalStateException: API server answered 500");
            assertThat(r.out()).contains("staging-eu-1/default/ConfigMap/echo").contains("3 applied");
        } finally {
            System.clearProperty("kubechores.test.fail");
        }
    }

    @Test
    void killSwitchInFleetTurnsRunIntoPlan() throws IOException {
        Path paused = copyExample("paused");
        Path f = paused.resolve("fleet.yaml");
        Files.writeString(f, Files.readString(f).replace("paused: false", "paused: true"));
        Path home = tmp.resolve("h5");
        Result r = run("run", "echo", "--repo", paused.toString(), "--home", home.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("PAUSED in fleet.yaml: plan only").contains("PLANNED").doesNotContain("APPLIED");
        assertThat(home.resolve("audit/audit.jsonl")).doesNotExist();
    }

    @Test
    void unknownJobOrClusterIsInvalidInput() {
        Result r = run("run", "nosuchjob", "--repo", EXAMPLE.toString(), "--home", tmp.resolve("h7").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown job 'nosuchjob'");
        Result c = run("plan", "echo", "--repo", EXAMPLE.toString(), "--cluster", "nope", "--home", tmp.resolve("h7").toString());
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err()).contains("unknown cluster(s) [nope]");
    }

    /** Issue 22: a bad command line is one clear line and exit 2, found before Spring, Quartz or a checkout start. */
    @Test
    void aBadCommandLineIsOneLineAndExit2BeforeAnythingStarts() {
        Result unknown = run("plan", "echo", "--repo", EXAMPLE.toString(), "--no-such-option");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).doesNotContain("\n")
                .startsWith("kubechores: Unknown option: '--no-such-option'").endsWith("(see: kubechores plan --help)");
        Result port = run("serve", "--server.port=eighty");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--server.port").contains("eighty").doesNotContain("Quartz");
    }

    /** Issue 15: validate checks the repo without starting Spring (no job repository is created in the home). */
    @Test
    void validateNeedsNoSpringAndNoJobRepository() {
        Path home = tmp.resolve("validate-home");
        Result r = run("validate", "--repo", EXAMPLE.toString(), "--home", home.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("valid: fleet");
        assertThat(home.resolve("db")).as("no H2 job repository: Spring never started").doesNotExist();
    }

    /** Issue 15: `help plan` prints plan's usage without starting Spring (it took 24 s with the job repository). */
    @Test
    void helpOfACommandNeedsNoSpring() {
        Path home = tmp.resolve("help-home");
        String before = System.getProperty("kubechores.home");
        System.setProperty("kubechores.home", home.toString());
        try {
            Result r = run("help", "plan");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: kubechores plan").contains("--cluster");
            assertThat(home.resolve("db")).as("no H2 job repository: Spring never started").doesNotExist();
        } finally {
            if (before == null) System.clearProperty("kubechores.home");
            else System.setProperty("kubechores.home", before);
        }
    }

    /**
     * Issue 22: with --log-format json every stderr line is JSON, job and partition are fields, failures included.
     * In a JVM of its own, as the CLI runs: Spring Boot configures logging once per JVM while another context (of
     * another test here) is open.
     */
    @Test
    void jsonLogsCarryJobAndPartitionAsFieldsAndFailuresAreJsonToo() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkubechores.test.fail=prod-us-1", "-Dkubechores.test.echo-chore=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "echo", "--repo", EXAMPLE.toAbsolutePath().toString(), "--home", tmp.resolve("h-json").toString(),
                "--log-format", "json").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(3);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
        for (String line : err.split("\n")) {
            // the JVM's own warnings (sun.misc.Unsafe by a library) are not the application's log lines
            if (!line.isBlank() && !line.startsWith("WARNING: ")) lines.add(json.readTree(line)); // throws on a line that is not JSON
        }
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("message").asText()).startsWith("FAILED prod-us-1: IllegalStateException");
            assertThat(l.path("job").asText()).isEqualTo("echo");
            assertThat(l.path("partition").asText()).isEqualTo("prod-us-1");
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("message").asText()).contains("failed");
            assertThat(l.path("cluster").asText()).isEqualTo("prod-us-1");
        });
    }
}
