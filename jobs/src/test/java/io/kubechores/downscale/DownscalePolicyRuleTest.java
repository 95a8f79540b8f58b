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
            // at the value ("  uptime: Mon-..." → column 11), not at the key (column 3)
            assertThat(p.location().column()).isEqualTo(11);
            assertThat(p.field()).isEqualTo("spec.uptime");
            assertThat(p.message()).contains("column 15").contains("\"25:30\"").contains("end must be 00:00..24:00");
        });
    }

    @Test
    void uptimeAndDowntimeTogetherIsAReadableErrorAtTheDowntimeKey(@TempDir Path repo) throws IOException {
        TestFiles.copyTree(EXAMPLE, repo);
        Path policy = repo.resolve("downscaling/staging-office-hours.yaml");
        Files.writeString(policy, Files.readString(policy).replace("  uptime: Mon-Fri 07:30-20:30 Europe/Berlin\n",
                "  uptime: Mon-Fri 07:30-20:30 Europe/Berlin\n  downtime: Sat-Sun 00:00-24:00 Europe/Berlin\n"));
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(new DownscalePolicyRule())).load(repo, "working-tree", problems);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location().line()).isEqualTo(12);
            assertThat(p.location().column()).isEqualTo(3);
            assertThat(p.field()).isEqualTo("spec.downtime");
            assertThat(p.message()).contains("give uptime or downtime, not both").doesNotContain("\"not\"")
                    .doesNotContain("required").doesNotContain("schema");
        });
    }

    @Test
    void aDefaultWeekFrameLetsPolicyRangesLeaveOutTheDays(@TempDir Path repo) throws IOException {
        TestFiles.copyTree(EXAMPLE, repo);
        Path policy = repo.resolve("downscaling/staging-office-hours.yaml");
        Files.writeString(policy, Files.readString(policy)
                .replace("uptime: Mon-Fri 07:30-20:30 Europe/Berlin", "uptime: 07:30-20:30 Europe/Berlin"));
        List<Problem> without = new ArrayList<>();
        new DesiredStateLoader(List.of(new DownscalePolicyRule())).load(repo, "working-tree", without);
        assertThat(without).singleElement().satisfies(p -> assertThat(p.message()).contains("missing weekdays")
                .contains("downscale.defaultWeekFrame"));

        Path fleet = repo.resolve("fleet.yaml");
        Files.writeString(fleet, Files.readString(fleet) + "  downscale:\n    defaultWeekFrame: Mon-Fri\n");
        List<Problem> with = new ArrayList<>();
        new DesiredStateLoader(List.of(new DownscalePolicyRule())).load(repo, "working-tree", with);
        assertThat(with).isEmpty();

        Files.writeString(fleet, Files.readString(fleet).replace("defaultWeekFrame: Mon-Fri", "defaultWeekFrame: Mon-Fry"));
        List<Problem> bad = new ArrayList<>();
        new DesiredStateLoader(List.of(new DownscalePolicyRule())).load(repo, "working-tree", bad);
        assertThat(bad).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("spec.downscale.defaultWeekFrame");
            assertThat(p.message()).contains("unknown weekday");
        });
    }
}
