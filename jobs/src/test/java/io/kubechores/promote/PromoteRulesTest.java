package io.kubechores.promote;

import io.kubechores.testing.TestFiles;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.InvalidDesiredStateException;
import io.kubechores.desiredstate.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** promote's semantic rules on a copy of the example fleet with one mistake per file; errors name file:line:column. */
class PromoteRulesTest {
    @TempDir
    Path repo;

    @Test
    void exampleFleetPasses() {
        new DesiredStateLoader(List.of(new PromoteRules())).load(Path.of("../repo-layout/example"), "wt");
    }

    @Test
    void reportsBrokenWindowsAndUnwritablePrPaths() throws Exception {
        TestFiles.copyTree(Path.of("../repo-layout/example"), repo);
        edit("fleet.yaml", "schedule: Fri 12:00-24:00 Europe/Berlin", "schedule: Fry 12:00-24:00 Europe/Berlin");
        edit("fleet.yaml", "end: 2027-01-04T00:00:00", "end: 2026-12-01T00:00:00");
        edit("tools/loki.yaml", "file: tools/loki.yaml", "file: tools/lokii.yaml");
        edit("tools/ingress-nginx.yaml", "path: spec.versions.{environment}", "path: spec.version.{environment}");

        InvalidDesiredStateException e = catchThrowableOfType(InvalidDesiredStateException.class,
                () -> new DesiredStateLoader(List.of(new PromoteRules())).load(repo, "wt"));
        List<String> problems = e.problems().stream().map(Problem::toString).toList();
        assertThat(problems).anySatisfy(p -> assertThat(p).matches("fleet\\.yaml:\\d+:\\d+: spec\\.freezeWindows\\[1\\]\\.schedule: .*Fry.*"));
        assertThat(problems).anySatisfy(p -> assertThat(p).matches(
                "fleet\\.yaml:\\d+:\\d+: spec\\.freezeWindows\\[0\\]\\.end: end 2026-12-01T00:00:00 is not after start 2026-12-21T00:00:00"));
        assertThat(problems).anySatisfy(p -> assertThat(p).matches(
                "tools/loki\\.yaml:\\d+:\\d+: spec\\.deploy\\.pullRequest\\.file: no file tools/lokii\\.yaml in the repo"));
        assertThat(problems).anySatisfy(p -> assertThat(p).matches(
                "tools/ingress-nginx\\.yaml:\\d+:\\d+: spec\\.deploy\\.pullRequest\\.path: spec\\.version\\.staging not found in tools/ingress-nginx\\.yaml"));
    }

    @Test
    void reportsDeploysThatWouldNotCarryTheMergeCommitAndBadWaves() throws Exception {
        TestFiles.copyTree(Path.of("../repo-layout/example"), repo);
        edit("tools/loki.yaml", "        COMMIT: \"{commit}\"", "");
        Path cluster = repo.resolve("clusters/prod-eu-1.yaml");
        Files.writeString(cluster, Files.readString(cluster).replaceFirst("labels:\n", "labels:\n    promotion.wave: canary\n"));
        InvalidDesiredStateException e = catchThrowableOfType(InvalidDesiredStateException.class,
                () -> new DesiredStateLoader(List.of(new PromoteRules())).load(repo, "wt"));
        List<String> problems = e.problems().stream().map(Problem::toString).toList();
        assertThat(problems).anySatisfy(p -> assertThat(p).matches(
                "tools/loki\\.yaml:\\d+:\\d+: spec\\.deploy\\.jenkins\\.parameters: with pullRequest the Jenkins deploys run after the PR merged: pass the merge commit.*"));
        assertThat(problems).anySatisfy(p -> assertThat(p).matches(
                "clusters/prod-eu-1\\.yaml:\\d+:\\d+: metadata\\.labels\\.promotion\\.wave: a promotion wave is a number 0-99 \\(0 deploys first\\), not \"canary\""));
        assertThat(problems).noneSatisfy(p -> assertThat(p).contains("ingress-nginx"));
    }

    void edit(String file, String from, String to) throws Exception {
        Path p = repo.resolve(file);
        String s = Files.readString(p);
        assertThat(s).contains(from);
        Files.writeString(p, s.replace(from, to));
    }
}
