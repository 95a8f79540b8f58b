package io.kubechores.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong command lines (issue 23): each gets one clear line on stderr and exit code 2 (DESIGN §4), nothing runs.
 * And `demo --home DIR` wipes only a folder the demo created and marked as its own.
 */
class CliInputIT {
    @TempDir static Path tmp;

    @AfterAll
    static void cleanup() {
        System.clearProperty("kubechores.home");
    }

    static void assertOneLineExitTwo(CliIT.Result r, String mentions) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(mentions);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void outputYamlIsRejected() {
        CliIT.Result r = CliIT.run("plan", "downscale", "--repo", CliIT.EXAMPLE.toString(), "--home",
                tmp.resolve("h").toString(), "--output", "yaml");
        assertOneLineExitTwo(r, "--output");
        assertThat(r.err()).contains("yaml").contains("text, json");
    }

    @Test
    void anUnknownOptionIsOneLine() {
        CliIT.Result r = CliIT.run("plan", "downscale", "--repo", CliIT.EXAMPLE.toString(), "--home",
                tmp.resolve("h").toString(), "--clusterz", "x");
        assertOneLineExitTwo(r, "Unknown options: '--clusterz'");
    }

    @Test
    void anEmptyClusterNameIsAClearError() {
        CliIT.Result r = CliIT.run("plan", "downscale", "--repo", CliIT.EXAMPLE.toString(), "--home",
                tmp.resolve("h").toString(), "--cluster", "");
        assertOneLineExitTwo(r, "--cluster: empty cluster name");
    }

    @Test
    void demoRefusesAFolderItDidNotCreateAndWipesOnlyItsOwn() throws Exception {
        // a stand-in production home: history, audit trail, an unrelated file
        Path prod = tmp.resolve("prod-home");
        Files.createDirectories(prod.resolve("audit"));
        Files.writeString(prod.resolve("audit/audit.jsonl"), "{}\n");
        Files.writeString(prod.resolve("notes.txt"), "mine");
        System.setProperty("kubechores.home", prod.toString());
        String refused = DemoCommand.prepareHome();
        assertThat(refused).contains("was not created by the demo").contains(prod.toString());
        assertThat(prod.resolve("notes.txt")).hasContent("mine");
        assertThat(prod.resolve("audit/audit.jsonl")).exists();
        // the same through the CLI: one line, exit 2, before anything starts
        CliIT.Result r = CliIT.run("demo", "--home", prod.toString());
        assertOneLineExitTwo(r, "refusing to wipe it");
        assertThat(prod.resolve("notes.txt")).hasContent("mine");

        // a new folder is created and marked; the next demo may wipe it (and only it)
        Path fresh = tmp.resolve("demo-home");
        System.setProperty("kubechores.home", fresh.toString());
        assertThat(DemoCommand.prepareHome()).isNull();
        assertThat(fresh.resolve(DemoCommand.MARKER)).isRegularFile();
        Files.writeString(fresh.resolve("old-report.html"), "x");
        assertThat(DemoCommand.prepareHome()).isNull();
        assertThat(fresh.resolve("old-report.html")).doesNotExist();
        assertThat(fresh.resolve(DemoCommand.MARKER)).isRegularFile();

        // a marker that is a symbolic link does not count
        Path tricked = tmp.resolve("tricked");
        Files.createDirectories(tricked);
        Files.writeString(tricked.resolve("data"), "keep");
        Files.createSymbolicLink(tricked.resolve(DemoCommand.MARKER), fresh.resolve(DemoCommand.MARKER));
        System.setProperty("kubechores.home", tricked.toString());
        assertThat(DemoCommand.prepareHome()).isNotNull();
        assertThat(tricked.resolve("data")).hasContent("keep");
    }
}
