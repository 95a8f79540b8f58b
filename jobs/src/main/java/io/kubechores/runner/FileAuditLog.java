package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Audit trail: one JSON line per applied change in &lt;home&gt;/audit/audit.jsonl, written (and flushed) when the
 * change is applied, plus one log line with the target. Carries the run id, so the Spring Batch history and the
 * audit trail can be joined.
 */
public final class FileAuditLog implements AuditLog {
    private static final Logger log = LoggerFactory.getLogger("kubechores.audit");
    private final Path file;
    private final String runId;
    private final String trigger;
    private final Clock clock;

    public FileAuditLog(Path home, String runId, String trigger, Clock clock) {
        this.file = home.resolve("audit").resolve("audit.jsonl");
        this.runId = runId;
        this.trigger = trigger;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void record(String job, Action a) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("run", runId);
        line.put("trigger", trigger);
        line.put("job", job);
        line.put("target", a.target());
        line.put("action", a.verb());
        line.put("detail", a.detail());
        line.put("reason", a.reason());
        line.put("status", a.status().name());
        log.info("job={} target={} action={} detail=\"{}\" reason=\"{}\"", job, a.target(), a.verb(), a.detail(),
                a.reason());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Reports.jsonLine(line) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write audit log " + file, e);
        }
    }
}
