package io.kubechores.runner;

import io.kubechores.core.RunGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run per job across every runner and CronJob pod sharing the job repository database: a lease row per job
 * (table KUBECHORES_LEASE) with a fencing token that grows by one at every take-over.
 * <p>
 * Why: Quartz's clustered store declares a runner dead when it misses check-ins (a SIGSTOP, a long GC, a stalled
 * node) and re-runs its job elsewhere, while the "dead" runner may wake up and carry on: two runs of one job in
 * flight, and a Jenkins trigger or quota request sent twice (issue 23). The lease makes the second run wait until
 * the first one's lease lapsed, and makes the first one stop before its next mutation:
 * <ul>
 *   <li>a run renews its lease every ttl/3 with {@code UPDATE ... WHERE TOKEN = mine}: 0 rows means another run
 *       took the job over, and the run is stopped;</li>
 *   <li>{@link Lease#check} (before every external mutation, via {@link RunGuard}) fails when the last successful
 *       renewal <em>started</em> more than ttl − ttl/6 ago on this JVM's monotonic clock, which keeps counting while
 *       the process is paused: a run woken up after a pause longer than its lease stops before sending anything,
 *       even before its renewal thread had a chance to find out that the token moved on.</li>
 * </ul>
 * Expiry times are wall-clock milliseconds of the acquiring host; hosts' clocks must agree within ttl/6 (NTP).
 * What a lease cannot close: a mutation already checked and on the wire when the process froze (the classic fencing
 * gap; only a target that checks the token itself closes it).
 */
public final class JdbcRunLeases {
    private static final Logger log = LoggerFactory.getLogger(JdbcRunLeases.class);
    private static final ScheduledExecutorService RENEWER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("kubechores-lease-renewer").factory());

    private final JdbcTemplate jdbc;
    private final Duration ttl;
    private final String holder;

    public JdbcRunLeases(JdbcTemplate jdbc, Duration ttl, String holder) {
        this.jdbc = jdbc;
        this.ttl = ttl;
        this.holder = holder;
        jdbc.execute("CREATE TABLE IF NOT EXISTS KUBECHORES_LEASE (JOB VARCHAR(64) NOT NULL PRIMARY KEY, "
                + "HOLDER VARCHAR(512) NOT NULL, RUN_ID VARCHAR(64) NOT NULL, TOKEN BIGINT NOT NULL, "
                + "EXPIRES_MILLIS BIGINT NOT NULL)");
    }

    public Duration ttl() {
        return ttl;
    }

    /** Who holds a job's lease now (empty when nobody or it lapsed). */
    public Optional<String> heldBy(String job) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT HOLDER, RUN_ID, EXPIRES_MILLIS FROM KUBECHORES_LEASE WHERE JOB = ?", job);
        if (rows.isEmpty()) return Optional.empty();
        Map<String, Object> r = rows.getFirst();
        long expires = ((Number) r.get("EXPIRES_MILLIS")).longValue();
        if (expires < System.currentTimeMillis()) return Optional.empty();
        return Optional.of("runner " + r.get("HOLDER") + " (run " + r.get("RUN_ID") + ", lease until "
                + Instant.ofEpochMilli(expires) + ")");
    }

    /** Takes the job's lease when it is free or lapsed; empty when another run holds it. */
    public Optional<Lease> tryAcquire(String job, String runId) {
        long now = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        int n = jdbc.update("UPDATE KUBECHORES_LEASE SET HOLDER = ?, RUN_ID = ?, TOKEN = TOKEN + 1, EXPIRES_MILLIS = ? "
                + "WHERE JOB = ? AND EXPIRES_MILLIS < ?", holder, runId, now + ttl.toMillis(), job, now);
        if (n == 0) {
            try {
                jdbc.update("INSERT INTO KUBECHORES_LEASE (JOB, HOLDER, RUN_ID, TOKEN, EXPIRES_MILLIS) VALUES (?, ?, ?, 1, ?)",
                        job, holder, runId, now + ttl.toMillis());
            } catch (DuplicateKeyException held) {
                return Optional.empty();
            } catch (DataAccessException e) { // some drivers report the duplicate key differently
                if (jdbc.queryForObject("SELECT COUNT(*) FROM KUBECHORES_LEASE WHERE JOB = ?", Integer.class, job) > 0) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        Long token = jdbc.queryForObject("SELECT TOKEN FROM KUBECHORES_LEASE WHERE JOB = ? AND RUN_ID = ?", Long.class,
                job, runId);
        Lease lease = new Lease(job, runId, token, startNanos);
        lease.scheduleRenewal();
        log.info("job={} run={} took the job's lease (fencing token {})", job, runId, token);
        return Optional.of(lease);
    }

    /** Waits up to {@code wait} for the lease (a paused or dying run's lease lapses within ttl). */
    public Optional<Lease> acquire(String job, String runId, Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Lease> l = tryAcquire(job, runId);
            if (l.isPresent() || System.nanoTime() > until) return l;
            Thread.sleep(Math.min(1000, Math.max(50, ttl.toMillis() / 10)));
        }
    }

    /** A run's hold on its job. {@link #check} is its fence (see the class comment). */
    public final class Lease implements RunGuard.Fence, AutoCloseable {
        private final String job;
        private final String runId;
        private final long token;
        private volatile long lastRenewStartNanos;
        private volatile String lost;
        private volatile java.util.concurrent.ScheduledFuture<?> renewal;

        private Lease(String job, String runId, long token, long startNanos) {
            this.job = job;
            this.runId = runId;
            this.token = token;
            this.lastRenewStartNanos = startNanos;
        }

        public long token() {
            return token;
        }

        private void scheduleRenewal() {
            long every = Math.max(10, ttl.toMillis() / 3);
            renewal = RENEWER.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        void renew() {
            if (lost != null) return;
            long start = System.nanoTime();
            try {
                int n = jdbc.update("UPDATE KUBECHORES_LEASE SET EXPIRES_MILLIS = ? WHERE JOB = ? AND TOKEN = ? AND RUN_ID = ?",
                        System.currentTimeMillis() + ttl.toMillis(), job, token, runId);
                if (n == 1) {
                    lastRenewStartNanos = start;
                } else {
                    lost = "another run took job " + job + " over (lease token " + token + " is no longer current)";
                    log.warn("job={} run={} lost its lease: {}; the run stops before its next change", job, runId, lost);
                    renewal.cancel(false);
                }
            } catch (RuntimeException e) { // database unreachable: check() fails once the lease is too old
                log.warn("job={} run={} could not renew its lease: {}", job, runId, e.toString());
            }
        }

        @Override
        public void check() {
            String l = lost;
            if (l != null) throw new RunGuard.RunStoppedException(l);
            long age = System.nanoTime() - lastRenewStartNanos;
            long safe = ttl.toNanos() - ttl.toNanos() / 6;
            if (age > safe) {
                throw new RunGuard.RunStoppedException("lease on job " + job + " not renewed for "
                        + Duration.ofNanos(age).toMillis() + " ms (lease " + ttl.toMillis() + " ms; process paused or"
                        + " database unreachable): another runner may have taken the job over");
            }
        }

        /** Releases the lease (another run may start at once). */
        @Override
        public void close() {
            if (renewal != null) renewal.cancel(false);
            try {
                jdbc.update("UPDATE KUBECHORES_LEASE SET EXPIRES_MILLIS = 0 WHERE JOB = ? AND TOKEN = ? AND RUN_ID = ?",
                        job, token, runId);
            } catch (RuntimeException e) {
                log.warn("job={} run={} lease not released (it lapses by itself): {}", job, runId, e.toString());
            }
        }
    }
}
