package io.kubechores.runner;

import com.sun.net.httpserver.HttpServer;
import io.kubechores.core.RunGuard;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two runners on one database (issue 23: a runner paused with SIGSTOP for 45 s was declared dead by Quartz after 11 s,
 * its job ran again elsewhere, and after SIGCONT both runs were in flight; a Jenkins trigger can then be sent twice).
 * Runner A (its own JVM) holds job promote's lease and sends a mutation every 200 ms; it is SIGSTOPped; runner B waits
 * for A's lease to lapse, takes the job over with the next fencing token and sends its mutation; A is SIGCONTed and
 * must stop before its next mutation: no mutation of A arrives after B took over.
 * <p>
 * The database is an H2 TCP server standing in for the shared PostgreSQL (the lease is plain SQL: UPDATE ... WHERE
 * EXPIRES_MILLIS &lt; now, INSERT on a primary key); on PostgreSQL the same statements rely on the row lock an UPDATE
 * takes under READ COMMITTED (a concurrent UPDATE re-checks its WHERE after the first commits).
 */
class RunLeaseIT {
    static final long TTL_MILLIS = 3000;
    @TempDir Path dir;

    record Mutation(String holder, long token, long atNanos) {}

    @Test
    void aPausedRunnerThatLostItsLeaseSendsNoFurtherMutation() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir", dir.toString()).start();
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
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/leases";
        Process a = null;
        try {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), LeaseChild.class.getName(), url,
                    "http://127.0.0.1:" + jenkins.getAddress().getPort() + "/trigger", Long.toString(TTL_MILLIS), "A"));
            Path log = Path.of("target/run-lease-it-a.log");
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

            JdbcRunLeases b = new JdbcRunLeases(new JdbcTemplate(new DriverManagerDataSource(url, "sa", "")),
                    Duration.ofMillis(TTL_MILLIS), "B");
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
            System.out.printf("RunLeaseIT: A sent %d mutations (token %d), paused; B took over with token %d;"
                    + " after SIGCONT A sent 0 and stopped: %s%n", fromA.size(), fromA.getFirst().token(), lease.token(),
                    out.lines().filter(l -> l.startsWith("STOPPED")).findFirst().orElse(""));
            lease.close();
        } finally {
            if (a != null && a.isAlive()) {
                signal(a, "CONT");
                a.destroyForcibly();
            }
            jenkins.stop(0);
            h2.stop();
        }
    }

    static void signal(Process p, String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
    }
}
