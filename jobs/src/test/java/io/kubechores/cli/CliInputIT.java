package io.kubechores.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong command lines (issue 23): each gets one clear line on stderr and exit code 2 (DESIGN §4), nothing runs.
 * (The demo's home guard is DemoHomeTest in the demo module.)
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
}
