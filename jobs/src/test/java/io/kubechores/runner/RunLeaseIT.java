package io.kubechores.runner;

import com.sun.net.httpserver.HttpServer;
import io.kubechores.core.RunGuard;
import org.h2.tools.Server;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two runners on one database (issue 23: a runner paused with SIGSTOP for 45 s was declared dead by Quartz after 11 s,
 * its job ran again elsewhere, and after SIGCONT both runs were in flight; a Jenkins trigger can then be sent twice).
 * Runner A (its own JVM) holds job promote's lease and sends a mutation every 200 ms; it is SIGSTOPped; runner B waits
 * for A's lease to lapse, takes the job over with the next fencing token and sends its mutation; A is SIGCONTed and
 * must stop before its next mutation: no mutation of A arrives after B took over.
 * <p>
 * It runs twice: on an H2 TCP server, and on the real PostgreSQL given by KUBECHORES_TEST_PG_URL (+ _USER, _PASSWORD;
 * .ci/run provides Debian's PostgreSQL 15; skipped without it), each run in a schema of its own that is dropped
 * afterwards. The lease is plain SQL (UPDATE ... WHERE EXPIRES_MILLIS &lt; now, INSERT on a primary key); on
 * PostgreSQL a take-over race relies on READ COMMITTED's rule for a concurrent UPDATE: "the second updater will wait
 * for the first updating transaction to commit or roll back ... the second updater ... re-evaluate[s] its WHERE
 * clause" (PostgreSQL 15 manual, 13.2.1 Read Committed Isolation Level), and on the primary key making a concurrent
 * INSERT fail with unique_violation (SQLSTATE 23505, Appendix A), which Spring translates to DuplicateKeyException.
 * {@link #exactlyOneOfManyRacingRunnersTakesALapsedLease} checks both with 16 racing runners.
 */
class RunLeaseIT {
    static final long TTL_MILLIS = 3000;
    @TempDir Path dir;

    record Mutation(String holder, long token, long atNanos) {}

    /** A database both runners reach: its JDBC URL and credentials; close() drops what the test made. */
    record Db(String url, String user, String password, AutoCloseable cleanup) implements AutoCloseable {
        JdbcTemplate jdbc() {
            return new JdbcTemplate(new DriverManagerDataSource(url, user, password));
        }

        @Override
        public void close() throws Exception {
            cleanup.close();
        }
    }

    Db database(String kind) throws Exception {
        if (kind.equals("h2")) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir",
                    dir.toString()).start();
            return new Db("jdbc:h2:tcp://127.0.0.1:" + port + "/leases", "sa", "", h2::stop);
        }
        String base = System.getenv("KUBECHORES_TEST_PG_URL");
        assumeTrue(base != null, "KUBECHORES_TEST_PG_URL not set");
        String user = System.getenv().getOrDefault("KUBECHORES_TEST_PG_USER", "kubechores");
        String password = System.getenv().getOrDefault("KUBECHORES_TEST_PG_PASSWORD", "");
        String schema = "kubechores_lease_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(base, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return new Db(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, user, password, () -> {
            try (Connection c = DriverManager.getConnection(base, user, password); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void aPausedRunnerThatLostItsLeaseSendsNoFurtherMutation(String kind) throws Exception {
        Db db = database(kind);
        List<Mutation> received = new CopyOnWriteArrayList<>();
        HttpServer jenkins = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jenkins.createContext("/trigger", ex -> {
            String q = ex.getRequestURI().getQuery();
            String holder = q.replaceAll(".*holder=([^&]+).*", "$1");
            long token = Long.parseLong(q.replaceAll(".*token=([0-9]+).*", "$1"));
            received.add(new Mutation(holder, token, System.nanoTime()));
            ex.sendResponseHeaders(201, -1);
            ex.close();
        });
        jenkins.start();
        String url = db.url();
        Process a = null;
        try {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), LeaseChild.class.getName(), url, db.user(), db.password(),
                    "http://127.0.0.1:" + jenkins.getAddress().getPort() + "/trigger", Long.toString(TTL_MILLIS), "A"));
            Path log = Path.of("target/run-lease-it-a-" + kind + ".log");
            Files.createDirectories(log.getParent());
            a = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.stream().filter(m -> m.holder().equals("A")).count() < 3) {
                assertThat(a.isAlive()).as("runner A runs, see " + log).isTrue();
                assertThat(System.nanoTime()).as("runner A never sent its mutations").isLessThan(until);
                Thread.sleep(50);
            }
            signal(a, "STOP");
            long aBefore = received.stream().filter(m -> m.holder().equals("A")).count();

            JdbcRunLeases b = new JdbcRunLeases(db.jdbc(), Duration.ofMillis(TTL_MILLIS), "B");
            assertThat(b.tryAcquire("promote", "run-B")).as("A's lease still runs").isEmpty();
            JdbcRunLeases.Lease lease = b.acquire("promote", "run-B", Duration.ofMillis(TTL_MILLIS * 3)).orElseThrow();
            long tookOver = System.nanoTime();
            RunGuard guard = RunGuard.open().fence(lease);
            guard.check("tool/cert-manager");
            received.add(new Mutation("B", lease.token(), System.nanoTime()));

            signal(a, "CONT");
            assertThat(a.waitFor(30, TimeUnit.SECONDS)).as("A stops once it wakes up").isTrue();
            String out = Files.readString(log);
            assertThat(out).contains("STOPPED");
            List<Mutation> fromA = received.stream().filter(m -> m.holder().equals("A")).toList();
            assertThat(fromA).as("no mutation of A after B took the job over").allMatch(m -> m.atNanos() < tookOver);
            assertThat(fromA).hasSize((int) aBefore);
            assertThat(lease.token()).isGreaterThan(fromA.getFirst().token());
            System.out.printf("RunLeaseIT (" + kind + "): A sent %d mutations (token %d), paused; B took over with token %d;"
                    + " after SIGCONT A sent 0 and stopped: %s%n", fromA.size(), fromA.getFirst().token(), lease.token(),
                    out.lines().filter(l -> l.startsWith("STOPPED")).findFirst().orElse(""));
            lease.close();
        } finally {
            if (a != null && a.isAlive()) {
                signal(a, "CONT");
                a.destroyForcibly();
            }
            jenkins.stop(0);
            db.close();
        }
    }

    /**
     * 16 runners (threads, each with its own connection pool-less DataSource) race for one job's lapsed lease at the
     * same instant: exactly one gets it, with the next fencing token; the others are told it is held.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void exactlyOneOfManyRacingRunnersTakesALapsedLease(String kind) throws Exception {
        try (Db db = database(kind)) {
            JdbcRunLeases first = new JdbcRunLeases(db.jdbc(), Duration.ofMillis(TTL_MILLIS), "first");
            JdbcRunLeases.Lease old = first.tryAcquire("promote", "run-0").orElseThrow();
            old.close(); // lapsed at once (EXPIRES_MILLIS = 0), as a dead runner's lease after its ttl
            int n = 16;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Optional<JdbcRunLeases.Lease>>> tries = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    JdbcRunLeases runner = new JdbcRunLeases(db.jdbc(), Duration.ofMillis(TTL_MILLIS), "r" + i);
                    String run = "run-" + (i + 1);
                    tries.add(pool.submit(() -> {
                        go.await();
                        return runner.tryAcquire("promote", run);
                    }));
                }
                go.countDown();
                List<JdbcRunLeases.Lease> won = new ArrayList<>();
                for (Future<Optional<JdbcRunLeases.Lease>> f : tries) f.get(60, TimeUnit.SECONDS).ifPresent(won::add);
                assertThat(won).as("one winner among %d racing runners", n).hasSize(1);
                assertThat(won.getFirst().token()).isEqualTo(old.token() + 1);
                won.getFirst().check();
                won.getFirst().close();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    static void signal(Process p, String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
    }
}
