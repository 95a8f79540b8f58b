package io.kubechores.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every optional section is optional in the code too (issue 21: a fleet.yaml without spec.jenkins passed validate,
 * then every plan and run crashed with a NullPointerException, exit 1): the smallest valid repo, a Fleet with only
 * its required environments, is planned by every job through the CLI (Main.run, the full Spring context).
 */
class MinimalRepoCliIT {
    @TempDir
    static Path tmp;

    static Path smallestRepo() throws IOException {
        Path repo = tmp.resolve("smallest");
        if (!Files.exists(repo)) {
            Files.createDirectories(repo);
            Files.writeString(repo.resolve("fleet.yaml"), """
                    apiVersion: kubechores.io/v1alpha1
                    kind: Fleet
                    metadata:
                      name: tiny
                    spec:
                      environments: [prod]
                    """);
        }
        return repo;
    }

    @ParameterizedTest(name = "plan {0}")
    @ValueSource(strings = {"downscale", "rightsize", "quotas", "certs", "promote"})
    void theSmallestValidRepoPlansEveryJob(String job) throws IOException {
        Path repo = smallestRepo();
        CliIT.Result v = CliIT.run("validate", "--repo", repo.toString(), "--home", tmp.resolve("h-" + job).toString());
        assertThat(v.code()).as(v.err()).isZero();

        CliIT.Result r = CliIT.run("plan", job, "--repo", repo.toString(), "--home", tmp.resolve("h-" + job).toString());

        assertThat(r.err()).doesNotContain("NullPointerException", "Exception");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains(job);
    }
}
