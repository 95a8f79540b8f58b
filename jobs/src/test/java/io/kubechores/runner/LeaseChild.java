package io.kubechores.runner;

import io.kubechores.core.RunGuard;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A run in its own JVM that holds job "promote"'s lease and sends an external mutation (a POST standing in for a
 * Jenkins trigger) every 200 ms, each checked by its RunGuard first, as the audit trail's intent does. Used by
 * {@link RunLeaseIT} to SIGSTOP it. Args: JDBC URL, user, password, mutation URL, lease ttl millis, holder name.
 */
public final class LeaseChild {
    public static void main(String[] args) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(args[0], args[1], args[2]));
        String target = args[3];
        String holder = args[5];
        JdbcRunLeases leases = new JdbcRunLeases(jdbc, Duration.ofMillis(Long.parseLong(args[4])), holder);
        JdbcRunLeases.Lease lease = leases.acquire("promote", "run-" + holder, Duration.ofSeconds(30)).orElseThrow();
        RunGuard guard = RunGuard.open().fence(lease);
        System.out.println("LEASE " + lease.token());
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; ; i++) {
            try {
                guard.check("tool/cert-manager");
            } catch (RunGuard.RunStoppedException e) {
                System.out.println("STOPPED " + e.getMessage());
                return;
            }
            http.send(HttpRequest.newBuilder(URI.create(target + "?holder=" + holder + "&token=" + lease.token() + "&i=" + i))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            Thread.sleep(200);
        }
    }
}
