package io.kubechores.platform.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Soak start from a real repo with dated commits. */
class GitHistoryIT {
    static final List<String> STAGING = List.of("spec", "versions", "staging");

    @TempDir
    Path dir;

    Git git;

    void commit(String content, String when, String message) throws Exception {
        Path f = dir.resolve("fleet/tools/loki.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent(new PersonIdent("dev", "dev@acme.example"), Instant.parse(when), ZoneOffset.UTC);
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).call();
    }

    static String tool(String staging, String prod, String comment) {
        return """
                apiVersion: kubechores.io/v1alpha1
                kind: Tool
                metadata:
                  name: loki
                spec:
                  namespace: monitoring   # %s
                  versions:
                    staging: %s
                    prod: %s
                """.formatted(comment, staging, prod);
    }

    @Test
    void findsTheCommitThatSetTheCurrentValueIgnoringLaterUnrelatedEdits() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        commit(tool("6.12.0", "6.12.0", "a"), "2026-11-01T09:00:00Z", "loki 6.12 everywhere");
        commit(tool("6.15.0", "6.12.0", "a"), "2026-11-10T09:00:00Z", "staging 6.15");
        commit(tool("6.16.0", "6.12.0", "a"), "2026-11-20T08:30:00Z", "staging 6.16");
        commit(tool("6.16.0", "6.12.0", "b"), "2026-11-22T12:00:00Z", "comment only");
        commit(tool("6.16.0", "6.13.0", "b"), "2026-11-23T12:00:00Z", "prod bump");
        Files.writeString(dir.resolve("fleet/other.yaml"), "x: 1\n");
        git.add().addFilepattern(".").call();
        git.commit().setMessage("unrelated").call();

        var staging = GitHistory.whenValueSet(dir.resolve("fleet"), "tools/loki.yaml", "Tool", "loki", STAGING);
        assertThat(staging).hasValueSatisfying(v -> {
            assertThat(v.value()).isEqualTo("6.16.0");
            assertThat(v.committedAt()).isEqualTo(Instant.parse("2026-11-20T08:30:00Z"));
            assertThat(v.message()).isEqualTo("staging 6.16");
        });
        var prod = GitHistory.whenValueSet(dir.resolve("fleet"), "tools/loki.yaml", "Tool", "loki",
                List.of("spec", "versions", "prod"));
        assertThat(prod).hasValueSatisfying(v -> assertThat(v.committedAt()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z")));
    }

    /**
     * A branch commit written on 2026-11-10 and merged with --no-ff on 2026-11-20: the value landed on main with the
     * merge commit, so that is when it is dated (walking main's first-parent line), and its commit is the merge.
     */
    @Test
    void aNoFastForwardMergeIsDatedByTheMergeCommitNotTheBranchCommit() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        commit(tool("6.12.0", "6.12.0", "a"), "2026-11-01T09:00:00Z", "loki 6.12 everywhere");
        git.branchCreate().setName("bump").call();
        git.checkout().setName("bump").call();
        commit(tool("6.16.0", "6.12.0", "a"), "2026-11-10T09:00:00Z", "staging 6.16 (on a branch)");
        git.checkout().setName("main").call();
        Files.writeString(dir.resolve("fleet/other.yaml"), "x: 1\n"); // main moves on, the tool file does not
        git.add().addFilepattern(".").call();
        git.commit().setMessage("unrelated on main").call();
        // the merge's tool file is the branch's (TREESAME to its second parent): a path-limited log would skip the
        // merge and date the value by the branch commit
        git.merge().include(git.getRepository().resolve("bump"))
                .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF).setCommit(false).call();
        PersonIdent who = new PersonIdent(new PersonIdent("dev", "dev@acme.example"), Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC);
        String merge = git.commit().setMessage("Merge bump").setAuthor(who).setCommitter(who).call().getName();

        assertThat(GitHistory.whenValueSet(dir.resolve("fleet"), "tools/loki.yaml", "Tool", "loki", STAGING))
                .hasValueSatisfying(v -> {
                    assertThat(v.value()).isEqualTo("6.16.0");
                    assertThat(v.committedAt()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
                    assertThat(v.commit()).isEqualTo(merge);
                });
    }

    @Test
    void aValueThatWasRevertedCountsFromTheRevert() throws Exception {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        commit(tool("6.16.0", "6.12.0", "a"), "2026-11-01T09:00:00Z", "staging 6.16");
        commit(tool("6.17.0", "6.12.0", "a"), "2026-11-05T09:00:00Z", "staging 6.17");
        commit(tool("6.16.0", "6.12.0", "a"), "2026-11-21T09:00:00Z", "revert to 6.16");
        assertThat(GitHistory.whenValueSet(dir.resolve("fleet"), "tools/loki.yaml", "Tool", "loki", STAGING))
                .hasValueSatisfying(v -> assertThat(v.committedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z")));
    }

    @Test
    void noGitRepoOrNoFieldMeansUnknown() throws Exception {
        Files.createDirectories(dir.resolve("plain/tools"));
        Files.writeString(dir.resolve("plain/tools/loki.yaml"), tool("1", "1", "x"));
        assertThat(GitHistory.whenValueSet(dir.resolve("plain"), "tools/loki.yaml", "Tool", "loki", STAGING)).isEmpty();
        git = Git.init().setDirectory(dir.resolve("plain").toFile()).setInitialBranch("main").call();
        commit(tool("1", "1", "x"), "2026-11-01T09:00:00Z", "x");
        assertThat(GitHistory.whenValueSet(dir.resolve("fleet"), "tools/loki.yaml", "Tool", "loki",
                List.of("spec", "versions", "dev"))).isEmpty();
    }
}
