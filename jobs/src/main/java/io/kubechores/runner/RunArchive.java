package io.kubechores.runner;

import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reports and the audit trail in the job repository database (issue 14): a CronJob pod's home ends with the pod, so
 * with a shared store (PostgreSQL via SPRING_DATASOURCE_URL) every run's report files and every audit line also go
 * to the database, where the runner's run page serves them from whichever pod or runner made them.
 * <ul>
 *   <li>KUBECHORES_REPORT: one row per report file of a run, keyed by the Spring Batch execution id and the file's
 *       position in the run's artifact list (the order the run page lists them); written when the run ended
 *       ({@link ArchivingChoreLauncher}); older than the retention are deleted then.</li>
 *   <li>KUBECHORES_AUDIT: every line FileAuditLog writes (intent and outcome), in the same group commit as the file
 *       (one batch insert per flush), so the write-ahead holds in the shared store too: an intent is in the database
 *       before its mutation is sent. A new run reconciles the intents a killed pod left open from here as well
 *       ({@link #openIntents}): the killed pod's file is gone with it.</li>
 * </ul>
 * Whether it is on: {@code kubechores.archive} = auto (default: on when the datasource is a server database, i.e. not
 * an H2 file/in-memory database, which lives in the home anyway), on, off.
 */
public final class RunArchive implements FileAuditLog.Mirror, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunArchive.class);
    /** A report file larger than this is not archived (the run page says where it is instead). */
    static final long MAX_REPORT_BYTES = 32L << 20;
    /** How far back a new run looks for intents a killed run left open (older ones were reconciled long since). */
    static final Duration RECONCILE_WINDOW = Duration.ofDays(7);

    private final JdbcTemplate jdbc;
    private final Duration retention;
    private volatile Path home;

    public RunArchive(JdbcTemplate jdbc, Duration retention) {
        this.jdbc = jdbc;
        this.retention = retention;
        String product = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        String bytes = product != null && product.toLowerCase(Locale.ROOT).contains("postgres") ? "BYTEA" : "BLOB";
        jdbc.execute("CREATE TABLE IF NOT EXISTS KUBECHORES_REPORT (EXECUTION_ID BIGINT NOT NULL, SEQ INT NOT NULL, "
                + "JOB VARCHAR(64) NOT NULL, NAME VARCHAR(255) NOT NULL, BODY " + bytes + " NOT NULL, "
                + "CREATED TIMESTAMP NOT NULL, PRIMARY KEY (EXECUTION_ID, SEQ))");
        jdbc.execute("CREATE TABLE IF NOT EXISTS KUBECHORES_AUDIT (RUN_ID VARCHAR(64) NOT NULL, SEQ BIGINT NOT NULL, "
                + "PHASE VARCHAR(16) NOT NULL, JOB VARCHAR(64) NOT NULL, WRITTEN TIMESTAMP NOT NULL, "
                + "LINE VARCHAR(1000000) NOT NULL)");
        jdbc.execute("CREATE INDEX IF NOT EXISTS KUBECHORES_AUDIT_RUN ON KUBECHORES_AUDIT (RUN_ID, SEQ)");
        jdbc.execute("CREATE INDEX IF NOT EXISTS KUBECHORES_AUDIT_JOB ON KUBECHORES_AUDIT (JOB, PHASE, WRITTEN)");
    }

    /** Every audit trail of {@code home} (FileAuditLog) is written here too from now on. */
    public RunArchive mirrorAuditOf(Path home) {
        this.home = home;
        FileAuditLog.mirror(home, this);
        return this;
    }

    @Override
    public void close() {
        if (home != null) FileAuditLog.mirror(home, null);
    }

    /** Spring condition of the archive bean: {@link #enabled} with kubechores.archive and spring.datasource.url. */
    public static final class Enabled implements org.springframework.context.annotation.Condition {
        @Override
        public boolean matches(org.springframework.context.annotation.ConditionContext ctx,
                               org.springframework.core.type.AnnotatedTypeMetadata metadata) {
            return enabled(ctx.getEnvironment().getProperty("kubechores.archive"),
                    ctx.getEnvironment().getProperty("spring.datasource.url"));
        }
    }

    /** Whether {@code kubechores.archive} (auto/on/off) turns the archive on for this datasource URL. */
    public static boolean enabled(String setting, String jdbcUrl) {
        String s = setting == null ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> jdbcUrl != null && !jdbcUrl.startsWith("jdbc:h2:mem:") && StateDurability.h2File(jdbcUrl.strip()) == null;
        };
    }

    /** One archived report file. */
    public record Report(String name, byte[] body) {}

    /** Stores the report files of a run (their order is the run page's) and deletes reports past the retention. */
    public void saveReports(long executionId, String job, List<Path> files) {
        Timestamp now = Timestamp.from(Instant.now());
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try {
                if (!Files.isRegularFile(f) || Files.size(f) > MAX_REPORT_BYTES) {
                    log.warn("job={} execution={} report {} not archived: {}", job, executionId, f.getFileName(),
                            Files.isRegularFile(f) ? "larger than " + (MAX_REPORT_BYTES >> 20) + " MiB" : "missing");
                    continue;
                }
                jdbc.update("DELETE FROM KUBECHORES_REPORT WHERE EXECUTION_ID = ? AND SEQ = ?", executionId, i);
                jdbc.update("INSERT INTO KUBECHORES_REPORT (EXECUTION_ID, SEQ, JOB, NAME, BODY, CREATED) VALUES (?, ?, ?, ?, ?, ?)",
                        executionId, i, job, f.getFileName().toString(), Files.readAllBytes(f), now);
            } catch (IOException | RuntimeException e) {
                log.warn("job={} execution={} report {} not archived: {}", job, executionId, f.getFileName(), e.toString());
            }
        }
        if (retention != null && !retention.isZero() && !retention.isNegative()) {
            int gone = jdbc.update("DELETE FROM KUBECHORES_REPORT WHERE CREATED < ?",
                    Timestamp.from(Instant.now().minus(retention)));
            if (gone > 0) log.info("archive: {} report file(s) older than {} deleted", gone, retention);
        }
    }

    public Optional<Report> report(long executionId, int seq) {
        List<Report> r = jdbc.query("SELECT NAME, BODY FROM KUBECHORES_REPORT WHERE EXECUTION_ID = ? AND SEQ = ?",
                (rs, n) -> new Report(rs.getString(1), rs.getBytes(2)), executionId, seq);
        return r.stream().findFirst();
    }

    /** Whether report {@code seq} of a run is archived. */
    public boolean hasReport(long executionId, int seq) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM KUBECHORES_REPORT WHERE EXECUTION_ID = ? AND SEQ = ?",
                Integer.class, executionId, seq);
        return n != null && n > 0;
    }

    /**
     * The audit lines of a run, in order: its own intents and outcomes, and the outcomes a later run wrote for
     * intents this run left open (reconciledBy).
     */
    public List<String> auditLines(String runId) {
        return jdbc.queryForList("SELECT LINE FROM KUBECHORES_AUDIT WHERE RUN_ID = ? ORDER BY SEQ, WRITTEN", String.class, runId);
    }

    @Override
    public void append(List<Map<String, Object>> lines) {
        if (lines.isEmpty()) return;
        Timestamp now = Timestamp.from(Instant.now());
        List<Object[]> rows = new ArrayList<>();
        for (Map<String, Object> l : lines) {
            rows.add(new Object[]{String.valueOf(l.get("run")), ((Number) l.get("seq")).longValue(),
                    String.valueOf(l.get("phase")), String.valueOf(l.get("job")), now, Reports.jsonLine(l)});
        }
        jdbc.batchUpdate("INSERT INTO KUBECHORES_AUDIT (RUN_ID, SEQ, PHASE, JOB, WRITTEN, LINE) VALUES (?, ?, ?, ?, ?, ?)", rows);
    }

    @Override
    public List<Map<String, Object>> openIntents(String job) {
        List<String> lines = jdbc.queryForList("SELECT a.LINE FROM KUBECHORES_AUDIT a WHERE a.JOB = ? AND a.PHASE = 'intent'"
                + " AND a.WRITTEN > ? AND NOT EXISTS (SELECT 1 FROM KUBECHORES_AUDIT b WHERE b.RUN_ID = a.RUN_ID"
                + " AND b.SEQ = a.SEQ AND b.PHASE = 'outcome') ORDER BY a.WRITTEN, a.SEQ", String.class, job,
                Timestamp.from(Instant.now().minus(RECONCILE_WINDOW)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : lines) out.add(Reports.parseJsonLine(l));
        return out;
    }
}
