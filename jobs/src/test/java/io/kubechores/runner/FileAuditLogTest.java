package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.report.Reports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail's own index (issue 15): a run that ended with every line written ends the file with a
 * {@code "phase":"closed"} line for its job, and the next run of that job reads the tail back only to it. Without one
 * (a killed run: the process died between an intent and its outcome, AuditTrailCrashIT does it for real) the next run
 * reads the whole tail and closes what was left open, exactly once.
 */
class FileAuditLogTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T22:00:00Z"), ZoneOffset.UTC);
    @TempDir Path home;

    Path file() {
        return home.resolve("audit").resolve("audit.jsonl");
    }

    List<Map<String, Object>> lines() throws Exception {
        return Files.readAllLines(file()).stream().map(Reports::parseJsonLine).toList();
    }

    static Action scale(String name) {
        return new Action("c1/ns/Deployment/" + name, "scale-down", "1 replica → 0 replicas", "downtime",
                Action.Status.PLANNED);
    }

    /** One run of {@code job}: an intent per name, each answered APPLIED unless it is in {@code unanswered}. */
    void run(String runId, String job, List<String> names, List<String> unanswered) throws Exception {
        try (FileAuditLog audit = new FileAuditLog(home, runId, "cli", CLOCK).open(job)) {
            for (String n : names) {
                AuditLog.Intent intent = audit.intent(job, scale(n)).get();
                if (!unanswered.contains(n)) intent.outcome(scale(n).withStatus(Action.Status.APPLIED));
            }
        }
    }

    /** What a killed run leaves: intent lines written, no outcome, no closed line (the process is gone). */
    void killedRun(String runId, String job, String... names) throws Exception {
        Files.createDirectories(file().getParent());
        StringBuilder sb = new StringBuilder();
        long seq = 0;
        for (String n : names) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("time", CLOCK.instant().toString());
            l.put("run", runId);
            l.put("seq", ++seq);
            l.put("phase", "intent");
            l.put("trigger", "cli");
            l.put("job", job);
            l.put("target", scale(n).target());
            l.put("action", "scale-down");
            l.put("status", "PLANNED");
            sb.append(Reports.jsonLine(l)).append('\n');
        }
        Files.writeString(file(), sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aRunThatEndsCleanlyEndsTheTrailWithAClosedLineForItsJob() throws Exception {
        run("run-1", "downscale", List.of("web", "api"), List.of());

        List<Map<String, Object>> lines = lines();
        assertThat(lines).extracting(l -> l.get("phase") + " " + l.get("seq"))
                .containsExactly("intent 1", "outcome 1", "intent 2", "outcome 2", "closed 3");
        assertThat(lines.getLast()).containsEntry("run", "run-1").containsEntry("job", "downscale");
        assertThat(FileAuditLog.openIntents(file(), "downscale")).isEmpty();
    }

    @Test
    void aKilledRunsIntentsAreReconciledOnceEvenBehindOtherJobsClosedLines() throws Exception {
        run("run-1", "downscale", List.of("a"), List.of());
        killedRun("run-2", "downscale", "web", "api");
        run("run-3", "certs", List.of("cert"), List.of()); // another job ran and closed since

        assertThat(FileAuditLog.openIntents(file(), "downscale")).extracting(l -> l.get("run") + " " + l.get("target"))
                .containsExactly("run-2 c1/ns/Deployment/web", "run-2 c1/ns/Deployment/api");
        assertThat(FileAuditLog.openIntents(file(), "certs")).isEmpty();

        run("run-4", "downscale", List.of(), List.of()); // closes run-2's intents UNKNOWN, then its closed line
        assertThat(lines()).filteredOn(l -> "run-2".equals(l.get("run")) && "outcome".equals(l.get("phase")))
                .extracting(l -> l.get("status") + " " + l.get("reconciledBy")).containsExactly("UNKNOWN run-4", "UNKNOWN run-4");
        assertThat(FileAuditLog.openIntents(file(), "downscale")).isEmpty();
        run("run-5", "downscale", List.of(), List.of());
        assertThat(lines()).filteredOn(l -> "UNKNOWN".equals(l.get("status"))).hasSize(2);
    }

    @Test
    void theScanStopsAtTheJobsLastClosedLine() throws Exception {
        // lines above a closed line are not read again: its run closed what an earlier run left open, and one run per
        // job holds the job's lease at a time. An intent above it (impossible from a real run) shows that.
        killedRun("run-0", "downscale", "ancient");
        Files.writeString(file(), Reports.jsonLine(Map.of("run", "run-1", "seq", 1, "phase", "closed", "job", "downscale"))
                + "\n", StandardOpenOption.APPEND);
        killedRun("run-2", "downscale", "web");

        assertThat(FileAuditLog.openIntents(file(), "downscale")).extracting(l -> l.get("target"))
                .containsExactly("c1/ns/Deployment/web");
        assertThat(FileAuditLog.openIntents(file(), "")).as("no job: the whole tail")
                .extracting(l -> l.get("target")).containsExactly("c1/ns/Deployment/ancient", "c1/ns/Deployment/web");
    }

    @Test
    void aRunThatLostItsLeaseWritesNoClosedLine() throws Exception {
        // the closed line speaks for every earlier run of the job: only the run holding the job's lease may write it
        io.kubechores.core.RunGuard guard = io.kubechores.core.RunGuard.open();
        try (FileAuditLog audit = new FileAuditLog(home, "run-1", "cli", CLOCK, guard).open("downscale")) {
            audit.intent("downscale", scale("web")).get().outcome(scale("web").withStatus(Action.Status.APPLIED));
            guard.fence(() -> {
                throw new io.kubechores.core.RunGuard.RunStoppedException("lease token 3 is no longer current");
            });
        }
        assertThat(lines()).extracting(l -> l.get("phase")).containsExactly("intent", "outcome");
    }

    @Test
    void aTornLastLineOrNoClosedLineMeansTheWholeTailIsRead() throws Exception {
        killedRun("run-1", "downscale", "web");
        Files.writeString(file(), "{\"run\":\"run-1\",\"seq\":2,\"phase\":\"clo", StandardOpenOption.APPEND); // killed mid-write
        assertThat(FileAuditLog.openIntents(file(), "downscale")).extracting(l -> l.get("target"))
                .containsExactly("c1/ns/Deployment/web");
    }

    @Test
    void aRunWhoseAnswersNeverCameClosesThemUnknownAndStillEndsClosed() throws Exception {
        run("run-1", "downscale", List.of("web", "api"), List.of("api")); // the deadline hit before api's answer

        assertThat(lines()).extracting(l -> l.get("phase") + " " + l.get("status"))
                .containsExactly("intent PLANNED", "outcome APPLIED", "intent PLANNED", "outcome UNKNOWN", "closed null");
        assertThat(FileAuditLog.openIntents(file(), "downscale")).isEmpty();
    }
}
