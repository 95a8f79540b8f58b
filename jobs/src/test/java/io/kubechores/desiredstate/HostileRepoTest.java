package io.kubechores.desiredstate;

import io.kubechores.certs.CertificatePolicyRule;
import io.kubechores.cli.ValidateCommand;
import io.kubechores.downscale.DownscalePolicyRule;
import io.kubechores.promote.PromoteRules;
import io.kubechores.quotas.QuotasRules;
import io.kubechores.runner.DefaultDesiredStateSource;
import io.kubechores.runner.KubechoresProperties;
import io.kubechores.testing.TestFiles;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile desired-state repo (issue 21: it arrives by pull request) through {@code kubechores validate} with every
 * job rule: each broken case exits 2 and prints exactly its {@code file:line:col: field: message} lines; each odd but
 * valid case exits 0. The corpora are desiredstate/broken (shared with {@link BrokenDesiredStateTest}; lines
 * starting "+rules " are found by the job rules) and desiredstate/valid (a README.txt describes each case).
 * Links are tested in real git repos: committed as links (mode 120000), read as a folder and as a cloned remote.
 */
class HostileRepoTest {
    static final Path EXAMPLE = Path.of("../repo-layout/example");
    static final String LINK_REFUSED = "refused: is a symbolic link; links are not followed in the desired-state repo";

    record Outcome(int code, String out, List<String> errors) {}

    static synchronized Outcome validate(String repo, Path home) {
        var source = new DefaultDesiredStateSource(List.of(new DownscalePolicyRule(), new PromoteRules(),
                new QuotasRules(), new CertificatePolicyRule()),
                new KubechoresProperties(home, null, null, null, null, null, null, null, null), SecretSource.of(Map.of()));
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new ValidateCommand(source)).execute("--repo", repo, "--home", home.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> errors = lines.stream().filter(l -> l.startsWith("  ")).map(String::strip).toList();
        if (code == 2) assertThat(lines.getFirst()).isEqualTo(errors.size() + " error(s):");
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), errors);
    }

    static Stream<String> broken() throws IOException {
        return folders("broken");
    }

    static Stream<String> valid() throws IOException {
        return folders("valid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void aBrokenRepoExitsTwoWithEveryProblemAtItsPlace(String name, @TempDir Path tmp) throws IOException {
        Path dir = corpus("broken").resolve(name);
        List<String> spec = Files.readAllLines(dir.resolve("expected.txt"));
        List<String> expected = spec.stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.startsWith("+rules ") ? l.substring("+rules ".length()) : l).toList();
        Path repo = lay(dir, spec.contains("# base: none"), tmp, "expected.txt");

        Outcome o = validate(repo.toString(), tmp.resolve("home"));

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.errors()).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void anOddButValidRepoExitsZero(String name, @TempDir Path tmp) throws IOException {
        Path dir = corpus("valid").resolve(name);
        boolean none = Files.readString(dir.resolve("README.txt")).contains("# base: none");
        Path repo = lay(dir, none, tmp, "README.txt");

        Outcome o = validate(repo.toString(), tmp.resolve("home"));

        assertThat(o.errors()).isEmpty();
        assertThat(o.code()).isZero();
        assertThat(o.out()).startsWith("valid: fleet ");
    }

    @Test
    void aliasesReadAsTheirAnchorsValueAndMergeKeysFillTheRest(@TempDir Path tmp) throws IOException {
        Path repo = lay(corpus("valid").resolve("01-aliases-and-merge-keys"), false, tmp, "README.txt");
        DesiredState s = new DesiredStateLoader().load(repo, "test");
        // issue 21: prod: *v was read as the text "v"
        assertThat(s.tools().stream().filter(t -> t.name().equals("loki")).findFirst().orElseThrow()
                .spec().versions()).containsEntry("staging", "6.16.0").containsEntry("prod", "6.16.0");
        ClusterSpec.NodePool spot = s.cluster("staging-eu-1").orElseThrow().spec().nodePools().get(1);
        assertThat(spot.name()).isEqualTo("batch-spot");
        assertThat(spot.lifecycle()).isEqualTo("spot");
        assertThat(spot.instanceTypes()).containsExactly("m6i.xlarge", "m6i.2xlarge"); // merged from &general
        assertThat(spot.maxSize()).isEqualTo(30);
    }

    @Test
    void anAliasBombIsRefusedWithItsPlace() {
        // "billion laughs": every level doubles; refused once the expansion passes the cap
        StringBuilder y = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 30; i++) y.append("a").append(i).append(": &a").append(i)
                .append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        List<Problem> problems = new ArrayList<>();
        LocatedYaml.parse("bomb.yaml", y.toString(), problems);
        assertThat(problems).extracting(Problem::toString).containsExactly(
                "bomb.yaml:12:12: a11[0]: aliases expand to more than 10000 values in this document; write the values out");
    }

    @Test
    void aFileOverTheCapIsRefusedUnread(@TempDir Path tmp) throws IOException {
        Path repo = tmp.resolve("repo");
        TestFiles.copyTree(EXAMPLE, repo);
        byte[] big = new byte[(int) DesiredStateLoader.Limits.DEFAULT.maxFileBytes() + 1];
        Arrays.fill(big, (byte) '#');
        Files.write(repo.resolve("tools/huge.yaml"), big);

        Outcome o = validate(repo.toString(), tmp.resolve("home"));

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.errors()).containsExactly(
                "tools/huge.yaml: file is 4.0 MiB, more than the 4 MiB a desired-state file may have");
    }

    @Test
    void theRepoAsAWholeIsCapped(@TempDir Path tmp) throws IOException {
        Path repo = tmp.resolve("repo");
        TestFiles.copyTree(EXAMPLE, repo);
        List<Problem> problems = new ArrayList<>();
        new DesiredStateLoader(List.of(), new DesiredStateLoader.Limits(1 << 20, 5000, 100)).load(repo, "t", problems);
        assertThat(problems).singleElement().extracting(Problem::toString).asString()
                .endsWith(": the desired-state files add up to more than 5000 bytes here; this and later files are not read");
    }

    /**
     * What an attacker commits: links to a system file, to a Fleet outside the repo, from a Tool's deploy file and
     * from a rightsize source to files outside. git stores a link as a link (mode 120000, the target as its
     * content; git-scm.com/docs/git-config core.symlinks), and a checkout on Linux writes it back as a link.
     */
    static Path hostileGitRepo(Path tmp) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("fleet.yaml"), Files.readString(EXAMPLE.resolve("fleet.yaml")));
        Files.writeString(outside.resolve("secret.yaml"), "password: hunter2\n");
        Path repo = tmp.resolve("repo");
        TestFiles.copyTree(EXAMPLE, repo);
        Files.delete(repo.resolve("fleet.yaml"));
        Files.createSymbolicLink(repo.resolve("fleet.yaml"), Path.of("../outside/fleet.yaml"));
        Files.createSymbolicLink(repo.resolve("clusters/passwd.yaml"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(repo.resolve("apps/shop/stolen.yaml"), Path.of("../../../outside/secret.yaml"));
        Path loki = repo.resolve("tools/loki.yaml");
        Files.writeString(loki, Files.readString(loki).replace("file: tools/loki.yaml", "file: apps/loki-values.yaml"));
        Files.createSymbolicLink(repo.resolve("apps/loki-values.yaml"), Path.of("../../outside/secret.yaml"));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            RevCommit c = git.commit().setMessage("a pull request").setAuthor("mallory", "m@example.com")
                    .setCommitter("mallory", "m@example.com").setSign(false).call();
            try (TreeWalk w = TreeWalk.forPath(git.getRepository(), "clusters/passwd.yaml", c.getTree())) {
                assertThat(w.getFileMode(0)).as("committed as a link").isEqualTo(FileMode.SYMLINK);
            }
        }
        return repo;
    }

    static List<String> hostileExpected() throws IOException {
        String lokiFileLine = lineCol(EXAMPLE.resolve("tools/loki.yaml"), "file: tools/loki.yaml");
        return List.of(
                "clusters/passwd.yaml: " + LINK_REFUSED,
                "fleet.yaml: " + LINK_REFUSED,
                "tools/loki.yaml:" + lokiFileLine + ": spec.deploy.pullRequest.file: apps/loki-values.yaml: "
                        + LINK_REFUSED);
    }

    @Test
    void linksCommittedToAGitRepoAreRefusedReadAsAFolder(@TempDir Path tmp) throws Exception {
        Path repo = hostileGitRepo(tmp);

        Outcome o = validate(repo.toString(), tmp.resolve("home"));

        assertThat(o.code()).isEqualTo(2);
        assertThat(o.errors()).containsExactlyElementsOf(hostileExpected());
        assertThat(String.join("\n", o.errors())).doesNotContain("hunter2", "root:");
    }

    @Test
    void linksCommittedToAGitRepoAreRefusedInAClonedRemote(@TempDir Path tmp) throws Exception {
        Path repo = hostileGitRepo(tmp);

        Outcome o = validate(repo.toUri().toString(), tmp.resolve("home"));

        assertThat(Files.isSymbolicLink(tmp.resolve("home/repos"))).isFalse();
        try (Stream<Path> clones = Files.walk(tmp.resolve("home/repos"))) {
            assertThat(clones.filter(p -> p.endsWith("clusters/passwd.yaml")).toList())
                    .as("the clone holds the link as a link").isNotEmpty().allMatch(Files::isSymbolicLink);
        }
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.errors()).containsExactlyElementsOf(hostileExpected());
    }

    @Test
    void aLinkedFolderIsRefusedNotWalked(@TempDir Path tmp) throws IOException {
        Path repo = tmp.resolve("repo");
        TestFiles.copyTree(EXAMPLE, repo);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        TestFiles.copyTree(EXAMPLE.resolve("tools"), elsewhere);
        deleteTree(repo.resolve("tools"));
        Files.createSymbolicLink(repo.resolve("tools"), elsewhere);
        Files.createSymbolicLink(repo.resolve("clusters/more"), elsewhere);

        Outcome o = validate(repo.toString(), tmp.resolve("home"));

        assertThat(o.errors()).containsExactly("clusters/more: " + LINK_REFUSED, "tools: " + LINK_REFUSED);
    }

    @Test
    void safePathsRefuseEveryWayOut(@TempDir Path tmp) throws IOException {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(Files.createDirectories(repo.resolve("apps")).resolve("ok.yaml"), "a: 1\n");
        Files.createSymbolicLink(repo.resolve("linked"), repo.resolve("apps"));
        Files.writeString(tmp.resolve("outside.yaml"), "b: 2\n");
        Files.createLink(repo.resolve("apps/hard.yaml"), tmp.resolve("outside.yaml"));
        record Case(String path, String reason) {}
        for (Case c : List.of(
                new Case("/etc/passwd", "an absolute path; name a file relative to the repo root"),
                new Case("../outside.yaml", "climbs out with '..'; name a file relative to the repo root"),
                new Case("apps/../../outside.yaml", "climbs out with '..'; name a file relative to the repo root"),
                new Case("linked/ok.yaml", "goes through the symbolic link linked; links are not followed in the desired-state repo"),
                new Case("apps/hard.yaml", "has 2 hard links; a desired-state file must be a plain file"),
                new Case("apps/missing.yaml", "no such file in the repo"),
                new Case("apps", "not a regular file"))) {
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(SafePaths.UnsafePathException.class,
                    () -> SafePaths.file(repo, c.path()))).as(c.path()).extracting(SafePaths.UnsafePathException::reason)
                    .isEqualTo(c.reason());
        }
        assertThat(Files.readString(SafePaths.file(repo, "apps/ok.yaml"))).isEqualTo("a: 1\n");
    }

    @Test
    void aNumberBeyondTheJavaTypeIsNamedByFieldAndLineEvenWithoutASchemaMaximum() throws Exception {
        // the schemas give maxima now; this is the fallback for a value the schema lets through but an int cannot hold
        String yaml = "jobs:\n  x:\n    maxChangesPerRun: 99999999999\n";
        LocatedYaml.Doc doc = LocatedYaml.parse("fleet.yaml", "spec:\n" + yaml.indent(2)).getFirst();
        Exception e = org.assertj.core.api.Assertions.catchException(() ->
                DesiredStateLoader.MAPPER.treeToValue(doc.root().get("spec"), FleetSpec.class));
        assertThat(DesiredStateLoader.bindingProblem(e, doc.locations())).hasToString(
                "fleet.yaml:4:25: spec.jobs.x.maxChangesPerRun: must be at most 2147483647, found 99999999999");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** "line:col" of the value of the "key: value" text in the file. */
    static String lineCol(Path file, String keyValue) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            int at = lines.get(i).indexOf(keyValue);
            if (at >= 0) return (i + 1) + ":" + (at + keyValue.indexOf(": ") + 3);
        }
        throw new AssertionError(keyValue + " not in " + file);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static Path lay(Path dir, boolean none, Path tmp, String marker) throws IOException {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        if (!none) TestFiles.copyTree(EXAMPLE, repo);
        TestFiles.copyTree(dir, repo);
        Files.delete(repo.resolve(marker));
        return repo;
    }

    private static Stream<String> folders(String corpus) throws IOException {
        try (Stream<Path> s = Files.list(corpus(corpus))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    private static Path corpus(String name) {
        try {
            return Path.of(HostileRepoTest.class.getResource("/desiredstate/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
