package io.kubechores.desiredstate;

import io.kubechores.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The corpus of broken desired-state repos: each folder under desiredstate/broken/ holds a few files that are laid
 * over a copy of repo-layout/example (or, with "# base: none" in expected.txt, make up the whole repo), and
 * expected.txt lists every problem the loader must report, exactly as the CLI prints it (lines starting "+rules " only
 * when the job rules run too: HostileRepoTest runs every case through the CLI with them):
 * {@code file:line:column: field: message}. Lines starting with # describe the case.
 */
class BrokenDesiredStateTest {
    static final Path EXAMPLE = Path.of("../repo-layout/example");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(broken())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEveryProblemAtItsExactLocation(String name, @TempDir Path repo) throws IOException {
        Path dir = broken().resolve(name);
        List<String> spec = Files.readAllLines(dir.resolve("expected.txt"));
        List<String> expected = spec.stream().filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("+rules ")).toList();
        if (!spec.contains("# base: none")) TestFiles.copyTree(EXAMPLE, repo);
        TestFiles.copyTree(dir, repo);
        Files.delete(repo.resolve("expected.txt"));

        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader().load(repo, "test", problems);

        assertThat(problems.stream().sorted().map(Problem::toString)).containsExactlyElementsOf(expected);
        if (expected.isEmpty()) return; // only the job rules find these problems (HostileRepoTest)
        assertThatThrownBy(() -> new DesiredStateLoader().load(repo, "test"))
                .isInstanceOfSatisfying(InvalidDesiredStateException.class, e -> {
                    assertThat(e.problems()).hasSize(expected.size());
                    assertThat(e.getMessage()).contains(expected);
                });
    }

    @Test
    void everyCaseExpectsAProblem() throws IOException {
        for (String name : cases().toList()) {
            assertThat(Files.readAllLines(broken().resolve(name).resolve("expected.txt")).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))).as(name).isNotEmpty();
        }
    }

    @Test
    void theCorpusCoversAtLeastFifteenCases() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(15);
    }

    @Test
    void aSecretPastedWhereAnEnvVarNameBelongsIsNeverEchoed(@TempDir Path repo) throws IOException {
        TestFiles.copyTree(EXAMPLE, repo);
        Path fleet = repo.resolve("fleet.yaml");
        Files.writeString(fleet, Files.readString(fleet)
                .replace("tokenEnv: JENKINS_TOKEN", "tokenEnv: 11f3c0ffee5ecret")
                .replace("userEnv: JENKINS_USER", "userEnv: 4711"));
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader().load(repo, "test", problems);
        assertThat(problems).extracting(Problem::field)
                .containsExactlyInAnyOrder("spec.jenkins.tokenEnv", "spec.jenkins.userEnv");
        assertThat(problems).allSatisfy(p -> assertThat(p.toString()).doesNotContain("11f3c0ffee5ecret", "4711"));
    }

    @Test
    void aJobRuleSeesTheValidDocumentsAndItsProblemsAreListedWithTheOthers(@TempDir Path repo) throws IOException {
        TestFiles.copyTree(EXAMPLE, repo);
        Path loki = repo.resolve("tools/loki.yaml");
        Files.writeString(loki, Files.readString(loki).replace("soak: 72h", "soak: soon"));
        DesiredStateRule noLatest = (state, problems) -> state.tools().forEach(t ->
                problems.add(new Problem(t.locationOf("/spec/namespace#value"), "spec.namespace", "seen " + t.name())));
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(noLatest)).load(repo, "test", problems);
        assertThat(problems.stream().sorted().map(Problem::toString)).containsExactly(
                "tools/cluster-autoscaler.yaml:10:14: spec.namespace: seen cluster-autoscaler",
                "tools/ingress-nginx.yaml:9:14: spec.namespace: seen ingress-nginx",
                "tools/loki.yaml:13:9: spec.soak: invalid value 'soon': expected a duration such as 30s, 15m, 72h, 7d or 1h30m (units ms, s, m, h, d, w)");
    }

    private static Path broken() {
        try {
            return Path.of(BrokenDesiredStateTest.class.getResource("/desiredstate/broken").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
