package io.kubechores.runner;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runner's web front door (issue 23): security headers (CSP with frame-ancestors 'none', nosniff, X-Frame-Options),
 * the token refused in a query string, wrong tokens rate-limited (429 + Retry-After after 5 a minute), and with
 * require-token-for-reading every page, report, API and metrics request needs the token (health probes stay open).
 */
@SpringBootTest(classes = RunnerTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:runner-web-security-it;DB_CLOSE_DELAY=-1",
        "spring.batch.jdbc.initialize-schema=always",
        "spring.batch.job.enabled=false",
        "kubechores.runner.schedules=../schedules",
        "kubechores.runner.token=" + RunnerWebSecurityIT.TOKEN,
        "kubechores.runner.require-token-for-reading=true",
        "kubechores.home=target/runner-web-security-it"})
@ActiveProfiles("serve")
class RunnerWebSecurityIT {
    static final String TOKEN = "web-token-7f3a9c";
    @LocalServerPort int port;
    @Autowired FakeChoreLauncher launcher;
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void headersTokenPlacementRateLimitAndReadingWithToken() throws Exception {
        // reading needs the token; health probes do not
        HttpResponse<String> page = get("/", TOKEN);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("frame-ancestors 'none'").contains("default-src 'none'"));
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", TOKEN).statusCode()).isEqualTo(200);

        // the token in a URL is refused even when right, and nothing is triggered
        int before = launcher.launches.size();
        HttpResponse<String> inUrl = postForm("/jobs/quotas/run?token=" + TOKEN, "dryRun=true");
        assertThat(inUrl.statusCode()).isEqualTo(400);
        assertThat(inUrl.body()).contains("never in the URL").doesNotContain(TOKEN);
        assertThat(inUrl.headers().firstValue("Content-Security-Policy")).isPresent();

        // the token in the POST body works
        HttpResponse<String> ok = postForm("/jobs/quotas/run", "dryRun=true&token=" + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(303);

        // wrong tokens: 401 for the first five in a minute, then 429 with Retry-After, even for the right token
        assertThat(get("/", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/jobs", "nope").statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        for (int i = 0; i < 2; i++) assertThat(postForm("/jobs/quotas/run", "token=guess" + i).statusCode()).isEqualTo(401);
        HttpResponse<String> limited = postForm("/jobs/quotas/run", "token=guess-again");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isBetween(1L, 60L));
        assertThat(get("/", TOKEN).statusCode()).as("reading is limited too").isEqualTo(429);
        assertThat(postForm("/jobs/quotas/run", "token=" + TOKEN).statusCode()).isEqualTo(429);
        assertThat(launcher.launches.size() - before).isLessThanOrEqualTo(1);
    }
}
