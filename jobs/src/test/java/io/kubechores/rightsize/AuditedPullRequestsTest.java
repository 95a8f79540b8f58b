package io.kubechores.rightsize;

import io.kubechores.core.Action;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.RunGuard;
import io.kubechores.core.SafetyLimit;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.report.Reports;
import io.kubechores.runner.FileAuditLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23, write-ahead for rightsize's pull requests: every PR's intent is in the audit trail (real FileAuditLog,
 * read by the forge when the batch arrives) before the forge is asked, each outcome (opened, unchanged, failed) after
 * it answered, and a run that may no longer mutate sends no PR.
 */
class AuditedPullRequestsTest {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    @TempDir Path home;

    /** The in-memory forge, which also notes the audit trail's lines at the moment each batch arrives. */
    final class WatchingForge implements PullRequestService {
        final InMemoryPullRequests store = new InMemoryPullRequests();
        final List<InMemoryPullRequests.Stored> prs = store.prs;
        final List<List<String>> auditAtBatch = new ArrayList<>();
        RuntimeException failWith;

        @Override
        public PullRequestResult upsert(PullRequestRequest r) {
            return store.upsert(r);
        }

        @Override
        public java.util.Optional<PullRequest> find(String job, String topic) {
            return store.find(job, topic);
        }

        @Override
        public List<PullRequest> listOpen(String job) {
            return store.listOpen(job);
        }

        @Override
        public List<PullRequestResult> upsertAll(List<PullRequestRequest> requests) {
            try {
                Path f = home.resolve("audit/audit.jsonl");
                auditAtBatch.add(Files.exists(f) ? Files.readAllLines(f) : List.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (failWith != null) throw failWith;
            return requests.stream().map(store::upsert).toList();
        }
    }

    static PullRequestRequest request(String topic) {
        return new PullRequestRequest("rightsize", topic, "Rightsize " + topic, "body", List.of(),
                Map.of("apps/" + topic + ".yaml", "cpu: 250m\n"), "rightsize " + topic, false);
    }

    static Action planned(String topic) {
        return new Action("prod-eu-1/shop/Deployment/" + topic, "open-pr", "apps/" + topic + ".yaml", "p90 below request",
                Action.Status.PLANNED);
    }

    List<Action> send(WatchingForge forge, RunGuard guard, String runId, String... topics) {
        try (FileAuditLog audit = new FileAuditLog(home, runId, "test", Clock.fixed(NOW, ZoneOffset.UTC), guard)
                .open("rightsize")) {
            ChoreContext ctx = new ChoreContext("rightsize", null, null, Clock.fixed(NOW, ZoneOffset.UTC), false,
                    SafetyLimit.unlimited(), audit, home.resolve("out"));
            List<Action> planned = new ArrayList<>();
            List<PullRequestRequest> requests = new ArrayList<>();
            for (String t : topics) {
                planned.add(planned(t));
                requests.add(request(t));
            }
            return AuditedPullRequests.upsert(ctx, forge, planned, requests);
        }
    }

    List<Map<String, Object>> audit() throws IOException {
        return Files.readAllLines(home.resolve("audit/audit.jsonl")).stream().map(Reports::parseJsonLine).toList();
    }

    @Test
    void everyPullRequestsIntentIsWrittenBeforeTheForgeIsAskedAndItsOutcomeAfter() throws Exception {
        WatchingForge forge = new WatchingForge();
        List<Action> done = send(forge, RunGuard.open(), "run-1", "web", "api");

        assertThat(done).extracting(Action::status).containsExactly(Action.Status.APPLIED, Action.Status.APPLIED);
        assertThat(done.getFirst().detail()).contains("→ local://#1");
        assertThat(forge.auditAtBatch).hasSize(1);
        assertThat(forge.auditAtBatch.getFirst()).as("both intents, no outcome, when the forge got the batch")
                .hasSize(2).allSatisfy(l -> assertThat(Reports.parseJsonLine(l)).containsEntry("phase", "intent"));
        List<Map<String, Object>> lines = audit();
        assertThat(lines).filteredOn(l -> "outcome".equals(l.get("phase")))
                .extracting(l -> l.get("target") + " " + l.get("status"))
                .containsExactlyInAnyOrder("prod-eu-1/shop/Deployment/web APPLIED", "prod-eu-1/shop/Deployment/api APPLIED");

        // a rerun with the same PRs: the forge says unchanged, which closes the intents as well
        List<Action> again = send(forge, RunGuard.open(), "run-2", "web");
        assertThat(again).extracting(Action::status).containsExactly(Action.Status.UNCHANGED);
        assertThat(audit()).filteredOn(l -> "run-2".equals(l.get("run"))).extracting(l -> l.get("phase") + " " + l.get("status"))
                .containsExactly("intent PLANNED", "outcome UNCHANGED", "closed null"); // the run's last line (FileAuditLog)
    }

    @Test
    void aForgeFailureIsEachPullRequestsFailedOutcome() throws Exception {
        WatchingForge forge = new WatchingForge();
        forge.failWith = new IllegalStateException("push refused: 403");
        List<Action> done = send(forge, RunGuard.open(), "run-1", "web");
        assertThat(done).extracting(Action::status).containsExactly(Action.Status.FAILED);
        assertThat(done.getFirst().detail()).contains("push refused: 403");
        assertThat(audit()).extracting(l -> l.get("phase") + " " + l.get("status"))
                .containsExactly("intent PLANNED", "outcome FAILED", "closed null");
    }

    @Test
    void aRunThatLostItsLeaseSendsNoPullRequest() throws Exception {
        WatchingForge forge = new WatchingForge();
        RunGuard guard = RunGuard.open().fence(() -> {
            throw new RunGuard.RunStoppedException("another run took job rightsize over (lease token 3 is no longer current)");
        });
        List<Action> done = send(forge, guard, "run-1", "web", "api");
        assertThat(forge.auditAtBatch).as("the forge was never asked").isEmpty();
        assertThat(forge.prs).isEmpty();
        assertThat(done).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.FAILED);
            assertThat(a.detail()).contains("not sent", "lease token 3");
        });
    }
}
