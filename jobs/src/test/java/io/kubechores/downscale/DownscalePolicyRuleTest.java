package io.kubechores.downscale;

import io.kubechores.testing.TestFiles;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A policy with a bad schedule is an error at its file:line:column, found before any job runs. */
class DownscalePolicyRuleTest {
    static final Path EXAMPLE = Path.of("../repo-layout/example");

    @Test
    void theShippedExampleIsValid() {
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new DownscalePolicyRule())).load(EXAMPLE, "working-tree", problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void aBadUptimeNamesFileLineAndTheWrongPart(@TempDir Path repo) throws IOException {
        TestFiles.copyTree(EXAMPLE, repo);
        Path policy = repo.resolve("downscaling/staging-office-hours.yaml");
        Files.writeString(policy, Files.readString(policy)
                .replace("uptime: Mon-Fri 07:30-20:30 Europe/Berlin", "uptime: Mon-Fri 07:30-25:30 Europe/Berlin"));
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new DownscalePolicyRule())).load(repo, "working-tree", problems);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().file()).isEqualTo("downscaling/staging-office-hours.yaml");
            assertThat(p.location().line()).isEqualTo(11);
            assertThat(p.field()).isEqualTo("spec.uptime");
            assertThat(p.message()).contains("column 15").contains("\"25:30\"").contains("end must be 00:00..24:00");
        });
    }
}
