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

/** A runner started without KUBECHORES_RUNNER_TOKEN: the page says why, and no manual trigger is accepted. */
@SpringBootTest(classes = RunnerTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:runner-no-token-it;DB_CLOSE_DELAY=-1",
        "spring.batch.jdbc.initialize-schema=always",
        "spring.batch.job.enabled=false",
        "kubechores.runner.schedules=../schedules",
        "kubechores.runner.token="})
@ActiveProfiles("serve")
class RunnerTriggersDisabledIT {
    @LocalServerPort int port;
    @Autowired FakeChoreLauncher launcher;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void withoutATokenManualRunsAreDisabledAndThePageSaysHowToEnableThem() throws Exception {
        String page = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("Manual runs are disabled on this runner: set <code>KUBECHORES_RUNNER_TOKEN</code>",
                "id=\"run-certs\" formaction=\"/jobs/certs/run\" name=\"dryRun\" value=\"false\" disabled");
        for (String body : new String[]{"", "anything"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs/certs/run"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + body)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("set KUBECHORES_RUNNER_TOKEN");
        }
        Thread.sleep(300);
        assertThat(launcher.launches).isEmpty();
    }
}
