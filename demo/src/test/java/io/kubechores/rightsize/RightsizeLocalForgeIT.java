package io.kubechores.rightsize;

import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.forge.PullRequestServices;
import io.kubechores.platform.git.TestRemote;
import io.kubechores.platform.kube.StaticKubeClients;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.io.DisabledOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job end to end with the real PR machinery: a real bare git remote holding the example fleet, bot branches
 * pushed over JGit and the local forge folder. The pushed commits touch only the intended lines; a second run opens
 * and pushes nothing.
 */
class RightsizeLocalForgeIT {
    static final Path EXAMPLE = Path.of("../repo-layout/example");
    static final Instant RUN = Instant.parse("2026-11-24T09:00:00Z");

    @TempDir
    Path tmp;
    Path repo;
    TestRemote remote;
    SimulatedFleet fleet;

    @BeforeEach
    void setUp() throws IOException {
        repo = tmp.resolve("repo");
        Map<String, String> files = SimulatedFleet.copy(EXAMPLE, repo);
        remote = TestRemote.create(tmp.resolve("git"));
        remote.commitOnMain("example fleet", files, RUN.minusSeconds(30 * 86_400));
        fleet = new SimulatedFleet(state(), Clock.fixed(RUN, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        fleet.close();
    }

    DesiredState state() {
        return new DesiredStateLoader().load(repo, "working-tree");
    }

    PullRequestService forge(Instant at) {
        return PullRequestServices.create(state().fleetSpec(), remote.fileUrl(), SecretSource.of(Map.of()),
                tmp.resolve("cache"), Clock.fixed(at, ZoneOffset.UTC), tmp.resolve("demo"));
    }

    ChoreRunner.Outcome<?> run(Instant at) throws Exception {
        PullRequestService prs = forge(at);
        Platform platform = new Platform(new StaticKubeClients(fleet.clients), prs, null, null, null,
                new MemoryStateStore(), SecretSource.of(Map.of()));
        ChoreContext ctx = new ChoreContext("rightsize", state(), platform, Clock.fixed(at, ZoneOffset.UTC), false,
                new SafetyLimit(10), AuditLog.NONE, tmp.resolve("out"));
        return ChoreRunner.run(new RightsizeChore(), ctx, 2);
    }

    @Test
    void pushedCommitsTouchOnlyTheIntendedLinesAndASecondRunOpensNothing() throws Exception {
        ChoreRunner.Outcome<?> first = run(RUN);
        assertThat(first.report().actions()).filteredOn(a -> a.verb().equals("open-pr"))
                .extracting(a -> a.target() + " " + a.status())
                .containsExactlyInAnyOrder("kubechores/rightsize/apps-payments APPLIED",
                        "kubechores/rightsize/apps-search APPLIED", "kubechores/rightsize/apps-shop APPLIED");

        // every changed line, per branch and file: "file:line -old +new" (each edit replaces lines one for one)
        assertThat(changedLines("kubechores/rightsize/apps-shop")).containsExactly(
                "apps/shop/cart.yaml:28 -              memory: 512Mi +              memory: 352Mi",
                "apps/shop/cart.yaml:31 -              memory: 1Gi +              memory: 704Mi",
                "apps/shop/cart.yaml:37 -              memory: 128Mi +              memory: 96Mi",
                "apps/shop/cart.yaml:39 -              memory: 256Mi +              memory: 192Mi");
        assertThat(changedLines("kubechores/rightsize/apps-payments")).containsExactly(
                "apps/payments/overlays/prod/resources.yaml:14 -              cpu: \"1\"        # PCI load test 2025-03"
                        + " +              cpu: \"600m\"        # PCI load test 2025-03",
                "apps/payments/overlays/prod/resources.yaml:15 -              memory: 1Gi +              memory: 704Mi",
                "apps/payments/overlays/prod/resources.yaml:17 -              cpu: \"2\" +              cpu: \"1200m\"",
                "apps/payments/overlays/prod/resources.yaml:18 -              memory: 2Gi +              memory: 1408Mi",
                "apps/payments/overlays/staging/resources.yaml:15 -              memory: 256Mi +              memory: 480Mi",
                "apps/payments/overlays/staging/resources.yaml:18 -              memory: 512Mi +              memory: 960Mi");
        assertThat(changedLines("kubechores/rightsize/apps-search")).containsExactly(
                "apps/search/values.yaml:11 -      cpu: 2000m +      cpu: 1200m",
                "apps/search/values.yaml:12 -      memory: 4Gi +      memory: 2944Mi",
                "apps/search/values.yaml:14 -      cpu: 4000m +      cpu: 2400m",
                "apps/search/values.yaml:15 -      memory: 4Gi +      memory: 2944Mi",
                "apps/search/values.yaml:20 -      cpu: 300m +      cpu: 375m",
                "apps/search/values.yaml:21 -      memory: 768Mi +      memory: 1Gi",
                "apps/search/values.yaml:23 -      memory: 768Mi +      memory: 1Gi");
        RevCommit shop = remote.commit("kubechores/rightsize/apps-shop");
        assertThat(shop.getParent(0).name()).isEqualTo(remote.head("main"));
        assertThat(shop.getAuthorIdent().getEmailAddress()).isEqualTo("kubechores-bot@acme.example");
        assertThat(shop.getFullMessage()).startsWith("rightsize(shop): apply VPA recommendations to 2 containers");

        Path prDir = tmp.resolve("demo/.kubechores/forge/rightsize/apps-shop");
        assertThat(Files.readString(prDir.resolve("pr.md")))
                .contains("| requests.memory | 512Mi | **352Mi** | -31% |")
                .contains("<!-- kubechores:rightsize:proposal\n")
                .contains("<!-- kubechores:topic=rightsize/apps-shop -->");
        assertThat(Files.readString(prDir.resolve("pr.json"))).contains("\"rightsizing\"", "\"automated\"");

        Map<String, String> heads = new TreeMap<>();
        for (String t : List.of("apps-shop", "apps-payments", "apps-search")) {
            heads.put(t, remote.head("kubechores/rightsize/" + t));
        }
        ChoreRunner.Outcome<?> second = run(RUN.plusSeconds(86_400));
        assertThat(second.report().actions()).filteredOn(a -> a.target().startsWith("kubechores/"))
                .extracting(a -> a.target() + " " + a.verb() + " " + a.status())
                .containsExactlyInAnyOrder("kubechores/rightsize/apps-payments update-pr UNCHANGED",
                        "kubechores/rightsize/apps-search update-pr UNCHANGED",
                        "kubechores/rightsize/apps-shop update-pr UNCHANGED");
        for (var h : heads.entrySet()) {
            assertThat(remote.head("kubechores/rightsize/" + h.getKey())).as(h.getKey()).isEqualTo(h.getValue());
        }
        assertThat(forge(RUN).listOpen("rightsize")).extracting(PullRequest::topic)
                .containsExactlyInAnyOrder("apps-shop", "apps-payments", "apps-search");
        try (var dirs = Files.list(tmp.resolve("demo/.kubechores/forge/rightsize"))) {
            assertThat(dirs).hasSize(3);
        }
    }

    /** Lines changed by the head commit of a branch against its parent (main), as "file:line -old +new". */
    List<String> changedLines(String branch) throws IOException {
        List<String> out = new ArrayList<>();
        RevCommit c = remote.commit(branch);
        try (Repository r = remote.open(); DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            df.setRepository(r);
            List<DiffEntry> entries = df.scan(c.getParent(0).getTree(), c.getTree());
            entries.sort((a, b) -> a.getNewPath().compareTo(b.getNewPath()));
            for (DiffEntry e : entries) {
                assertThat(e.getChangeType()).isEqualTo(DiffEntry.ChangeType.MODIFY);
                String[] before = remote.read("main", e.getOldPath()).split("\n", -1);
                String[] after = remote.read(branch, e.getNewPath()).split("\n", -1);
                for (Edit edit : df.toFileHeader(e).toEditList()) {
                    assertThat(edit.getType()).isEqualTo(Edit.Type.REPLACE);
                    assertThat(edit.getLengthA()).isEqualTo(edit.getLengthB());
                    for (int i = 0; i < edit.getLengthA(); i++) {
                        int line = edit.getBeginA() + i;
                        out.add(e.getNewPath() + ":" + (line + 1) + " -" + before[line] + " +" + after[line]);
                    }
                }
            }
        }
        return out;
    }
}
