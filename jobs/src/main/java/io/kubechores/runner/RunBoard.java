package io.kubechores.runner;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the status page shows of the run history, read with a fixed number of SQL queries whatever the fleet size.
 * <p>
 * Spring Batch's own JobRepository API ({@link RunHistory}) loads every step execution of a run and then each
 * step's execution context with one query per step: at 150 clusters × 5 jobs × 10 shown runs that is about 7,500
 * queries per page view. The page needs only the step rows (name, status, exit code, times), so this reads the
 * Batch tables directly: 3 queries per view (runs with their parameters, partition counts of those runs, the
 * latest step per job and partition). StatusGridIT counts them.
 * <p>
 * Tables and columns are Spring Batch 6's schema (schema-*.sql in spring-batch-core: BATCH_JOB_INSTANCE,
 * BATCH_JOB_EXECUTION, BATCH_JOB_EXECUTION_PARAMS, BATCH_STEP_EXECUTION), with {@code spring.batch.jdbc.table-prefix}.
 * Partition step names are {@code <job>.partition:<job>:<key>} (see {@link RunHistory#partitionKey}).
 */
@Component
@Profile("serve")
public class RunBoard {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{0,30}");

    private final JdbcTemplate jdbc;
    private final String p;
    private final ZoneId batchZone = ZoneId.systemDefault(); // Spring Batch stores LocalDateTime in the JVM's zone

    public RunBoard(JdbcTemplate jdbc, @Value("${spring.batch.jdbc.table-prefix:BATCH_}") String prefix) {
        if (!PREFIX.matcher(prefix).matches()) throw new IllegalArgumentException("odd spring.batch.jdbc.table-prefix " + prefix);
        this.jdbc = jdbc;
        this.p = prefix;
    }

    /** One run as the page lists it (no per-step detail). */
    public record RunRow(long executionId, String job, String status, String exitCode, String exitDescription,
                         String trigger, boolean dryRun, String launcher, Instant start, Instant end, int partitions,
                         int failedPartitions) {
        public boolean running() {
            return end == null;
        }

        /** As {@link RunHistory.Run#shownStatus()}: a run whose clusters failed shows PARTIAL_FAILURE. */
        public String shownStatus() {
            return "COMPLETED".equals(status) && BatchChoreLauncher.PARTIAL_FAILURE.equals(exitCode)
                    ? BatchChoreLauncher.PARTIAL_FAILURE : status;
        }

        public Duration duration() {
            return start != null && end != null ? Duration.between(start, end) : null;
        }
    }

    /**
     * The latest outcome of one job on one partition (cluster, account/region, tool).
     *
     * @param outcome OK, FAILED, RUNNING, or Spring Batch's status for anything else (STOPPED, ABANDONED...)
     */
    public record Cell(String job, String partition, long executionId, String outcome, boolean dryRun, Instant at,
                       String error) {}

    /** Runs newest first per job; cells per job then partition; partitions sorted by name. */
    public record Board(Map<String, List<RunRow>> runs, Map<String, Map<String, Cell>> cells, List<String> partitions) {}

    /**
     * @param jobs        the jobs on the page, in order
     * @param runsPerJob  how many runs per job to list (and draw in the sparkline)
     * @param cellRuns    how many recent runs per job to search for each partition's latest outcome (sharded
     *                    runs cover part of the fleet; older outcomes than that show as "no recent run")
     */
    public Board read(List<String> jobs, int runsPerJob, int cellRuns) {
        Map<String, List<RunRow>> runs = new LinkedHashMap<>();
        jobs.forEach(j -> runs.put(j, new ArrayList<>()));
        Map<Long, RunRow> byId = new LinkedHashMap<>();
        String recent = "SELECT ji.JOB_NAME, je.JOB_EXECUTION_ID, je.STATUS, je.EXIT_CODE, je.EXIT_MESSAGE, je.CREATE_TIME,"
                + " je.START_TIME, je.END_TIME, ROW_NUMBER() OVER (PARTITION BY ji.JOB_NAME ORDER BY je.JOB_EXECUTION_ID DESC) RN"
                + " FROM " + p + "JOB_EXECUTION je JOIN " + p + "JOB_INSTANCE ji ON ji.JOB_INSTANCE_ID = je.JOB_INSTANCE_ID";
        // 1: the last runs of every job with the parameters the page shows
        jdbc.query("SELECT r.*, pt.PARAMETER_VALUE TRIG, pd.PARAMETER_VALUE DRY, pl.PARAMETER_VALUE LAUNCHER FROM (" + recent
                + ") r LEFT JOIN " + p + "JOB_EXECUTION_PARAMS pt ON pt.JOB_EXECUTION_ID = r.JOB_EXECUTION_ID AND pt.PARAMETER_NAME = 'trigger'"
                + " LEFT JOIN " + p + "JOB_EXECUTION_PARAMS pd ON pd.JOB_EXECUTION_ID = r.JOB_EXECUTION_ID AND pd.PARAMETER_NAME = 'dryRun'"
                + " LEFT JOIN " + p + "JOB_EXECUTION_PARAMS pl ON pl.JOB_EXECUTION_ID = r.JOB_EXECUTION_ID AND pl.PARAMETER_NAME = 'launcher'"
                + " WHERE r.RN <= ? ORDER BY r.JOB_EXECUTION_ID DESC", (ResultSet rs) -> {
            String job = rs.getString("JOB_NAME");
            if (!runs.containsKey(job)) return;
            Timestamp start = rs.getTimestamp("START_TIME");
            RunRow row = new RunRow(rs.getLong("JOB_EXECUTION_ID"), job, rs.getString("STATUS"), nz(rs.getString("EXIT_CODE")),
                    nz(rs.getString("EXIT_MESSAGE")), nz(rs.getString("TRIG")), Boolean.parseBoolean(rs.getString("DRY")),
                    nz(rs.getString("LAUNCHER")), instant(start != null ? start : rs.getTimestamp("CREATE_TIME")),
                    instant(rs.getTimestamp("END_TIME")), 0, 0);
            byId.put(row.executionId(), row);
        }, runsPerJob);
        // 2: partitions and failed partitions of those runs
        Map<Long, int[]> counts = new LinkedHashMap<>();
        if (!byId.isEmpty()) {
            String ids = String.join(",", Collections.nCopies(byId.size(), "?"));
            jdbc.query("SELECT JOB_EXECUTION_ID, COUNT(*) N, SUM(CASE WHEN STATUS = 'FAILED' OR EXIT_CODE = '"
                    + BatchChoreLauncher.PARTIAL_FAILURE + "' THEN 1 ELSE 0 END) F FROM " + p + "STEP_EXECUTION"
                    + " WHERE STEP_NAME LIKE '%.partition:%' AND JOB_EXECUTION_ID IN (" + ids + ") GROUP BY JOB_EXECUTION_ID",
                    (ResultSet rs) -> {
                        counts.put(rs.getLong(1), new int[]{rs.getInt(2), rs.getInt(3)});
                    }, byId.keySet().toArray());
        }
        for (RunRow r : byId.values()) {
            int[] c = counts.getOrDefault(r.executionId(), new int[2]);
            runs.get(r.job()).add(new RunRow(r.executionId(), r.job(), r.status(), r.exitCode(), r.exitDescription(),
                    r.trigger(), r.dryRun(), r.launcher(), r.start(), r.end(), c[0], c[1]));
        }
        // 3: per job and partition the latest step among the job's last cellRuns runs
        Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
        jobs.forEach(j -> cells.put(j, new LinkedHashMap<>()));
        TreeSet<String> partitions = new TreeSet<>();
        jdbc.query("SELECT x.STEP_NAME, x.JOB_EXECUTION_ID, x.STATUS, x.EXIT_CODE, x.EXIT_MESSAGE, x.START_TIME, x.END_TIME,"
                + " pd.PARAMETER_VALUE DRY FROM (SELECT se.STEP_NAME, se.JOB_EXECUTION_ID, se.STATUS, se.EXIT_CODE,"
                + " se.EXIT_MESSAGE, se.START_TIME, se.END_TIME, ROW_NUMBER() OVER (PARTITION BY se.STEP_NAME ORDER BY"
                + " se.STEP_EXECUTION_ID DESC) SRN FROM " + p + "STEP_EXECUTION se WHERE se.STEP_NAME LIKE '%.partition:%'"
                + " AND se.JOB_EXECUTION_ID IN (SELECT r.JOB_EXECUTION_ID FROM (" + recent + ") r WHERE r.RN <= ?)) x"
                + " LEFT JOIN " + p + "JOB_EXECUTION_PARAMS pd ON pd.JOB_EXECUTION_ID = x.JOB_EXECUTION_ID AND pd.PARAMETER_NAME = 'dryRun'"
                + " WHERE x.SRN = 1", (ResultSet rs) -> {
            String step = rs.getString("STEP_NAME");
            String job = step.substring(0, step.indexOf(".partition:"));
            String key = RunHistory.partitionKey(job, step);
            if (key == null || !cells.containsKey(job)) return;
            Timestamp end = rs.getTimestamp("END_TIME");
            String status = rs.getString("STATUS");
            String outcome = outcome(status, rs.getString("EXIT_CODE"));
            cells.get(job).put(key, new Cell(job, key, rs.getLong("JOB_EXECUTION_ID"), outcome,
                    Boolean.parseBoolean(rs.getString("DRY")), instant(end != null ? end : rs.getTimestamp("START_TIME")),
                    "FAILED".equals(outcome) ? nz(rs.getString("EXIT_MESSAGE")) : ""));
            partitions.add(key);
        }, cellRuns);
        return new Board(runs, cells, List.copyOf(partitions));
    }

    private static final Pattern RUN_KEY = Pattern.compile("\\d{8}T\\d{6}Z-(?:run|plan)-([0-9a-f]{8})");

    /**
     * The execution of a run key (its report folder's name, {@code <stamp>-run|plan-<8 hex>}: the launcher's run.id
     * parameter starts with those 8 hex digits), newest first when a prefix repeats. Empty for a malformed key.
     */
    public java.util.Optional<Long> byKey(String key) {
        java.util.regex.Matcher m = RUN_KEY.matcher(key == null ? "" : key);
        if (!m.matches()) return java.util.Optional.empty();
        List<Long> ids = jdbc.queryForList("SELECT JOB_EXECUTION_ID FROM " + p + "JOB_EXECUTION_PARAMS WHERE PARAMETER_NAME ="
                + " 'run.id' AND PARAMETER_VALUE LIKE ? ORDER BY JOB_EXECUTION_ID DESC", Long.class, m.group(1) + "%");
        return ids.stream().findFirst();
    }

    static String outcome(String status, String exitCode) {
        if ("FAILED".equals(status) || BatchChoreLauncher.PARTIAL_FAILURE.equals(exitCode)) return "FAILED";
        if ("STARTED".equals(status) || "STARTING".equals(status)) return "RUNNING";
        if ("COMPLETED".equals(status)) return "OK";
        return status == null ? "UNKNOWN" : status;
    }

    private Instant instant(Timestamp t) throws SQLException {
        return t == null ? null : t.toLocalDateTime().atZone(batchZone).toInstant();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
