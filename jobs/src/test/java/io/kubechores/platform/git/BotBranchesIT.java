package io.kubechores.platform.git;

import io.kubechores.desiredstate.FleetSpec;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BotBranches against a real bare remote over file://. */
class BotBranchesIT {

    static final String BRANCH = "kubechores/rightsize/shop";
    static final String DEPLOYMENT = "apps/shop/deployment.yaml";
    static final Instant RUN = Instant.parse("2026-11-24T13:00:00Z");
    static final FleetSpec.GitAuthor AUTHOR = new FleetSpec.GitAuthor("kubechores-bot", "bot@acme.example");

    @TempDir
    Path tmp;
    TestRemote remote;

    @BeforeEach
    void setUp() {
        remote = TestRemote.create(tmp);
    }

    BotBranches branches(Instant at) {
        return new BotBranches(remote.fileUrl(), tmp.resolve("cache"), null, AUTHOR,
                Clock.fixed(at, ZoneId.of("Europe/Berlin")));
    }

    static String cpu(String value) {
        return TestRemote.seed(DEPLOYMENT).replace("cpu: 500m ", "cpu: " + value + " ");
    }

    @Test
    void createsOneCommitOnBaseTouchingOnlyTheChangedLine() {
        String mainBefore = remote.head("main");

        BotBranches.BranchResult r = branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")),
                "rightsize: shop/web cpu 500m -> 250m");

        assertThat(r.outcome()).isEqualTo(BotBranches.Outcome.CREATED);
        assertThat(r.changedPaths()).containsExactly(DEPLOYMENT);
        assertThat(remote.head(BRANCH)).isEqualTo(r.headSha());
        assertThat(remote.head("main")).as("base untouched").isEqualTo(mainBefore);

        RevCommit c = remote.commit(BRANCH);
        assertThat(c.getParentCount()).isEqualTo(1);
        assertThat(c.getParent(0).name()).isEqualTo(mainBefore);
        assertThat(c.getFullMessage()).isEqualTo("rightsize: shop/web cpu 500m -> 250m\n");
        assertThat(c.getAuthorIdent().getName()).isEqualTo("kubechores-bot");
        assertThat(c.getAuthorIdent().getEmailAddress()).isEqualTo("bot@acme.example");
        assertThat(c.getAuthorIdent().getWhenAsInstant()).isEqualTo(RUN);
        assertThat(c.getAuthorIdent().getZoneId().getRules().getOffset(RUN).getTotalSeconds()).isEqualTo(3600);
        assertThat(c.getCommitterIdent().getWhenAsInstant()).isEqualTo(RUN);

        // exactly one line of one file differs from main: line 24, "cpu: 500m" -> "cpu: 250m", comment kept
        EditList edits = lineEdits(remote.read("main", DEPLOYMENT), remote.read(BRANCH, DEPLOYMENT));
        assertThat(edits).containsExactly(new Edit(23, 24, 23, 24));
        assertThat(remote.read(BRANCH, DEPLOYMENT).lines().toList().get(23))
                .isEqualTo("              cpu: 250m      # sized by hand in 2024");
        assertThat(remote.read(BRANCH, "apps/shop/values.yaml")).isEqualTo(TestRemote.seed("apps/shop/values.yaml"));
    }

    @Test
    void secondIdenticalUpsertPushesNothing() {
        BotBranches.BranchResult first = branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m");
        String head = remote.head(BRANCH);

        // a later run (another clock, a fresh instance on the same cache) with the same content
        BotBranches.BranchResult second = branches(RUN.plusSeconds(86_400))
                .upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m");

        assertThat(second.outcome()).isEqualTo(BotBranches.Outcome.UNCHANGED);
        assertThat(second.pushed()).isFalse();
        assertThat(second.headSha()).isEqualTo(first.headSha());
        assertThat(remote.head(BRANCH)).as("remote ref unchanged").isEqualTo(head);
    }

    @Test
    void newContentForcePushesOneCommitOnBaseNotOnTheOldBranch() {
        String mainHead = remote.head("main");
        BotBranches.BranchResult first = branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m1");

        BotBranches.BranchResult second = branches(RUN.plusSeconds(3600))
                .upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("300m")), "m2");

        assertThat(second.outcome()).isEqualTo(BotBranches.Outcome.UPDATED);
        assertThat(second.previousSha()).isEqualTo(first.headSha());
        RevCommit c = remote.commit(BRANCH);
        assertThat(c.name()).isEqualTo(second.headSha());
        assertThat(c.getParent(0).name()).as("rebuilt on main, not stacked").isEqualTo(mainHead);
        assertThat(remote.read(BRANCH, DEPLOYMENT)).isEqualTo(cpu("300m"));
    }

    @Test
    void movedBaseRebuildsTheBranchOnTheNewBase() {
        branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m1");
        remote.commitOnMain("docs", Map.of("README.md", "# fleet\n\nnew docs\n"), RUN.plusSeconds(60));
        String newMain = remote.head("main");

        BotBranches.BranchResult r = branches(RUN.plusSeconds(120))
                .upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m1");

        assertThat(r.outcome()).isEqualTo(BotBranches.Outcome.UPDATED);
        assertThat(remote.commit(BRANCH).getParent(0).name()).isEqualTo(newMain);
        assertThat(remote.read(BRANCH, "README.md")).isEqualTo("# fleet\n\nnew docs\n");
        assertThat(r.changedPaths()).containsExactly(DEPLOYMENT);
    }

    @Test
    void contentAlreadyOnBaseProposesNothing() {
        BotBranches.BranchResult r = branches(RUN).upsert(BRANCH, "main",
                Map.of(DEPLOYMENT, TestRemote.seed(DEPLOYMENT)), "m");

        assertThat(r.outcome()).isEqualTo(BotBranches.Outcome.NO_CHANGE_FROM_BASE);
        assertThat(r.changedPaths()).isEmpty();
        assertThat(remote.head(BRANCH)).isNull();
    }

    @Test
    void addsNewFilesInNewFolders() {
        BotBranches.BranchResult r = branches(RUN).upsert(BRANCH, "main",
                Map.of("apps/cart/kustomization.yaml", "resources: []\n", DEPLOYMENT, cpu("250m")), "m");

        assertThat(r.changedPaths()).containsExactly("apps/cart/kustomization.yaml", DEPLOYMENT);
        assertThat(remote.read(BRANCH, "apps/cart/kustomization.yaml")).isEqualTo("resources: []\n");
    }

    @Test
    void branchDeletedOnTheRemoteIsRecreated() throws Exception {
        branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m");
        try (var repo = remote.open(); var git = new org.eclipse.jgit.api.Git(repo)) {
            git.branchDelete().setBranchNames(BRANCH).setForce(true).call();
        }
        assertThat(remote.head(BRANCH)).isNull();

        BotBranches.BranchResult r = branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m");

        assertThat(r.outcome()).isEqualTo(BotBranches.Outcome.CREATED);
        assertThat(remote.head(BRANCH)).isEqualTo(r.headSha());
    }

    @Test
    void aBranchSomeoneElseCommittedToIsLeftAloneUntilItIsDeleted() throws Exception {
        BotBranches.BranchResult first = branches(RUN).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("250m")), "m1");
        remote.commitOn(BRANCH, "reviewer: 300m is safer", Map.of(DEPLOYMENT, cpu("300m")), RUN.plusSeconds(60));
        String humanHead = remote.head(BRANCH);
        assertThat(humanHead).isNotEqualTo(first.headSha());

        BotBranches.BranchResult preview = branches(RUN.plusSeconds(3600)).preview(BRANCH, "main",
                Map.of(DEPLOYMENT, cpu("200m")));
        BotBranches.BranchResult r = branches(RUN.plusSeconds(3600)).upsert(BRANCH, "main",
                Map.of(DEPLOYMENT, cpu("200m")), "m2");

        assertThat(preview.outcome()).isEqualTo(BotBranches.Outcome.EDITED_BY_OTHERS);
        assertThat(r.outcome()).isEqualTo(BotBranches.Outcome.EDITED_BY_OTHERS);
        assertThat(r.pushed()).isFalse();
        assertThat(remote.head(BRANCH)).as("the reviewer's commit survives").isEqualTo(humanHead);
        assertThat(remote.read(BRANCH, DEPLOYMENT)).isEqualTo(cpu("300m"));

        // the branch holding exactly the bot's wanted content again is still "unchanged", whoever committed
        assertThat(branches(RUN.plusSeconds(3700)).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("300m")), "m3")
                .outcome()).isEqualTo(BotBranches.Outcome.UNCHANGED);

        try (var repo = remote.open(); var git = new org.eclipse.jgit.api.Git(repo)) {
            git.branchDelete().setBranchNames(BRANCH).setForce(true).call();
        }
        assertThat(branches(RUN.plusSeconds(7200)).upsert(BRANCH, "main", Map.of(DEPLOYMENT, cpu("200m")), "m4")
                .outcome()).isEqualTo(BotBranches.Outcome.CREATED);
        assertThat(remote.read(BRANCH, DEPLOYMENT)).isEqualTo(cpu("200m"));
    }

    @Test
    void rejectsPathsOutsideTheRepo() {
        assertThatThrownBy(() -> branches(RUN).upsert(BRANCH, "main", Map.of("../etc/passwd", "x"), "m"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> branches(RUN).upsert(BRANCH, "main", Map.of(".git/config", "x"), "m"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingBaseBranchIsAClearError() {
        assertThatThrownBy(() -> branches(RUN).upsert(BRANCH, "develop", Map.of(DEPLOYMENT, "x"), "m"))
                .hasMessageContaining("base branch 'develop' not found");
    }

    @Test
    void concurrentRunsSharingTheCacheDoNotTripOverEachOther() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<BotBranches.BranchResult>>();
            for (int i = 0; i < 8; i++) {
                String branch = "kubechores/job" + (i % 2) + "/topic-" + i;
                String content = cpu((100 + i) + "m");
                futures.add(pool.submit(() -> branches(RUN).upsert(branch, "main", Map.of(DEPLOYMENT, content), "m")));
            }
            for (int i = 0; i < 8; i++) {
                BotBranches.BranchResult r = futures.get(i).get();
                assertThat(r.outcome()).isEqualTo(BotBranches.Outcome.CREATED);
                assertThat(remote.read(r.branch(), DEPLOYMENT)).contains("cpu: " + (100 + i) + "m ");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static EditList lineEdits(String a, String b) {
        return DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM).diff(RawTextComparator.DEFAULT,
                new RawText(a.getBytes(StandardCharsets.UTF_8)), new RawText(b.getBytes(StandardCharsets.UTF_8)));
    }
}
