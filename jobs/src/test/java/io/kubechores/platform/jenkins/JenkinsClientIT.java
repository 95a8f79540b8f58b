package io.kubechores.platform.jenkins;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kubechores.testkit.jenkins.JenkinsSimulation;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Jenkins REST flow against WireMock speaking Jenkins' wire format. */
class JenkinsClientIT {
    static final JenkinsClient.Limits FAST = new JenkinsClient.Limits(Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(5));
    static final String JOB = "/job/platform/job/deploy-addon/";

    WireMockServer jenkins;

    @BeforeEach
    void start() {
        jenkins = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        jenkins.start();
    }

    @AfterEach
    void stop() {
        jenkins.stop();
    }

    String url() {
        return jenkins.baseUrl();
    }

    void stubHappyPath(String result) {
        jenkins.stubFor(get("/crumbIssuer/api/json").withBasicAuth("bot", "s3cret")
                .willReturn(okJson("{\"crumbRequestField\":\"Jenkins-Crumb\",\"crumb\":\"abc123\"}")
                        .withHeader("Set-Cookie", "JSESSIONID.x=sess1; Path=/")));
        jenkins.stubFor(post(JOB + "buildWithParameters").withBasicAuth("bot", "s3cret")
                .withHeader("Jenkins-Crumb", equalTo("abc123"))
                .withCookie("JSESSIONID.x", equalTo("sess1"))
                .withRequestBody(containing("CLUSTER=prod-eu-1")).withRequestBody(containing("VERSION=6.16.0"))
                .willReturn(aResponse().withStatus(201).withHeader("Location", url() + "/queue/item/17/")));
        jenkins.stubFor(get("/queue/item/17/api/json").inScenario("queue").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"id\":17,\"blocked\":false,\"why\":\"Waiting for next available executor\"}"))
                .willSetStateTo("started"));
        jenkins.stubFor(get("/queue/item/17/api/json").inScenario("queue").whenScenarioStateIs("started")
                .willReturn(okJson("{\"id\":17,\"why\":null,\"executable\":{\"number\":42,\"url\":\"" + url() + JOB + "42/\"}}")));
        jenkins.stubFor(get(JOB + "42/api/json").inScenario("build").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"number\":42,\"building\":true,\"result\":null}")).willSetStateTo("done"));
        jenkins.stubFor(get(JOB + "42/api/json").inScenario("build").whenScenarioStateIs("done")
                .willReturn(okJson("{\"number\":42,\"building\":false,\"result\":\"" + result + "\"}")));
    }

    static Map<String, String> params() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("CLUSTER", "prod-eu-1");
        p.put("ADDON", "loki");
        p.put("VERSION", "6.16.0");
        return p;
    }

    @Test
    void triggersWithCrumbFollowsTheQueueItemToTheBuildAndItsResult() {
        stubHappyPath("SUCCESS");
        JenkinsClient c = new JenkinsClient(new JenkinsAccess(url(), "bot", "s3cret"), FAST);
        String queue = c.trigger("platform/deploy-addon", params());
        assertThat(queue).isEqualTo(url() + "/queue/item/17/");

        JenkinsClient.Build first = c.poll(queue, null, null);
        assertThat(first.status()).isEqualTo(JenkinsClient.Status.QUEUED);
        assertThat(first.why()).isEqualTo("Waiting for next available executor");

        JenkinsClient.Build b = c.follow(queue);
        assertThat(b.status()).isEqualTo(JenkinsClient.Status.FINISHED);
        assertThat(b.buildNumber()).isEqualTo(42);
        assertThat(b.result()).isEqualTo("SUCCESS");
        assertThat(b.describe()).isEqualTo("build #42 SUCCESS: " + url() + JOB + "42/");
        jenkins.verify(1, postRequestedFor(urlEqualTo(JOB + "buildWithParameters"))
                .withRequestBody(equalTo("CLUSTER=prod-eu-1&ADDON=loki&VERSION=6.16.0")));
    }

    @Test
    void failedBuildReportsItsResult() {
        stubHappyPath("FAILURE");
        JenkinsClient c = new JenkinsClient(new JenkinsAccess(url(), "bot", "s3cret"), FAST);
        assertThat(c.follow(c.trigger("platform/deploy-addon", params())).result()).isEqualTo("FAILURE");
    }

    @Test
    void worksWithoutCrumbWhenTheIssuerIsDisabled() {
        jenkins.stubFor(get("/crumbIssuer/api/json").willReturn(notFound()));
        jenkins.stubFor(post(JOB + "buildWithParameters").withBasicAuth("bot", "s3cret").withHeader("Jenkins-Crumb", absent())
                .willReturn(aResponse().withStatus(201).withHeader("Location", "/queue/item/3/")));
        JenkinsClient c = new JenkinsClient(new JenkinsAccess(url(), "bot", "s3cret"), FAST);
        assertThat(c.trigger("platform/deploy-addon", params())).isEqualTo(url() + "/queue/item/3/");
    }

    @Test
    void cancelledQueueItem() {
        jenkins.stubFor(get("/queue/item/9/api/json").willReturn(okJson("{\"id\":9,\"cancelled\":true}")));
        JenkinsClient c = new JenkinsClient(new JenkinsAccess(url(), "bot", "s3cret"), FAST);
        assertThat(c.follow(url() + "/queue/item/9/").status()).isEqualTo(JenkinsClient.Status.CANCELLED);
    }

    @Test
    void pollingIsBoundedByTheLimits() {
        jenkins.stubFor(get("/queue/item/5/api/json").willReturn(okJson("{\"id\":5,\"why\":\"Waiting for next available executor\"}")));
        JenkinsClient c = new JenkinsClient(new JenkinsAccess(url(), "bot", "s3cret"),
                new JenkinsClient.Limits(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(200)));
        JenkinsClient.Build b = c.follow(url() + "/queue/item/5/");
        assertThat(b.status()).isEqualTo(JenkinsClient.Status.QUEUED);
        assertThat(b.describe()).contains("Waiting for next available executor");
        int polls = jenkins.findAll(getRequestedFor(urlEqualTo("/queue/item/5/api/json"))).size();
        assertThat(polls).isBetween(2, 20);
    }

    @Test
    void forbiddenWithoutCredentialsSaysWhatToConfigureAndNeverShowsSecrets() {
        jenkins.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(403)));
        jenkins.stubFor(any(anyUrl()).atPriority(1).withBasicAuth("bot", "s3cret").willReturn(aResponse().withStatus(404)));
        JenkinsClient anonymous = new JenkinsClient(new JenkinsAccess(url(), null, null), FAST);
        assertThatThrownBy(() -> anonymous.trigger("platform/deploy-addon", params()))
                .isInstanceOf(JenkinsClient.JenkinsException.class)
                .hasMessageContaining("403").hasMessageContaining("no credentials configured");
        JenkinsClient wrong = new JenkinsClient(new JenkinsAccess(url(), "bot", "wrong-token"), FAST);
        assertThatThrownBy(() -> wrong.trigger("platform/deploy-addon", params()))
                .hasMessageContaining("403").hasMessageContaining("refused").hasMessageNotContaining("wrong-token");
    }

    @Test
    void findsAnEarlierBuildWithTheSameParameters() {
        jenkins.stubFor(get(urlPathEqualTo(JOB + "api/json")).willReturn(okJson("""
                {"builds":[
                  {"number":8,"url":"%1$s%2$s8/","building":false,"result":"SUCCESS",
                   "actions":[{"parameters":[{"name":"CLUSTER","value":"prod-us-1"},{"name":"VERSION","value":"6.16.0"}]}]},
                  {"number":7,"url":"%1$s%2$s7/","building":false,"result":"FAILURE",
                   "actions":[{},{"parameters":[{"name":"CLUSTER","value":"prod-eu-1"},{"name":"ADDON","value":"loki"},{"name":"VERSION","value":"6.16.0"}]}]}
                ]}""".formatted(url(), JOB))));
        JenkinsClient c = new JenkinsClient(new JenkinsAccess(url(), "bot", "s3cret"), FAST);
        assertThat(c.findBuild("platform/deploy-addon", params())).hasValueSatisfying(b -> {
            assertThat(b.buildNumber()).isEqualTo(7);
            assertThat(b.result()).isEqualTo("FAILURE");
        });
        assertThat(c.findBuild("platform/deploy-addon", Map.of("CLUSTER", "prod-xx"))).isEmpty();
    }

    /**
     * Jenkins forgets a queue item five minutes after it left the queue (hudson.model.Queue: leftItems =
     * CacheBuilder.newBuilder().expireAfterWrite(5 * 60, TimeUnit.SECONDS)); a later run must follow the build number
     * it recorded, and find the build by its parameters when it never saw the number.
     */
    @Test
    void aLaterRunFollowsTheRecordedBuildAfterJenkinsForgotTheQueueItem() {
        JenkinsSimulation sim = JenkinsSimulation.launch();
        try {
            Instant t0 = Instant.parse("2026-11-24T09:00:00Z");
            sim.at(t0).holdBuilds = true;
            JenkinsClient c = new JenkinsClient(new JenkinsAccess(sim.baseUrl(), "bot", "s3cret"),
                    new JenkinsClient.Limits(Duration.ofMillis(5), Duration.ofSeconds(5), Duration.ofMillis(50)));
            String queue = c.trigger("platform/deploy-addon", params());
            JenkinsClient.Build first = c.follow(queue);
            assertThat(first.status()).isEqualTo(JenkinsClient.Status.RUNNING); // the run's limits ran out
            assertThat(first.buildNumber()).isEqualTo(1);

            sim.at(t0.plus(Duration.ofMinutes(5)));
            assertThatThrownBy(() -> c.poll(queue, null, null)).hasMessageContaining("HTTP 404"); // what the old follow-up did
            sim.holdBuilds = false;
            int forgotten = sim.forgottenQueuePolls();
            JenkinsClient.Build later = c.followUp(queue, first.buildNumber(), first.buildUrl(), "platform/deploy-addon", params());
            assertThat(later.status()).isEqualTo(JenkinsClient.Status.FINISHED);
            assertThat(later.describe()).isEqualTo("build #1 SUCCESS: " + sim.baseUrl() + JOB + "1/");
            assertThat(sim.forgottenQueuePolls()).as("the recorded build is followed, not the queue item").isEqualTo(forgotten);
        } finally {
            sim.stop();
        }
    }

    @Test
    void aQueueItemGoneBeforeItsNumberWasSeenIsFoundByItsParameters() {
        JenkinsSimulation sim = JenkinsSimulation.launch();
        try {
            Instant t0 = Instant.parse("2026-11-24T09:00:00Z");
            sim.at(t0);
            JenkinsClient c = new JenkinsClient(new JenkinsAccess(sim.baseUrl(), "bot", "s3cret"), FAST);
            Map<String, String> other = new LinkedHashMap<>(params());
            other.put("CLUSTER", "prod-us-1");
            c.trigger("platform/deploy-addon", other);
            String queue = c.trigger("platform/deploy-addon", params());
            sim.startAll();
            sim.at(t0.plus(Duration.ofMinutes(6)));
            JenkinsClient.Build b = c.followUp(queue, null, null, "platform/deploy-addon", params());
            assertThat(b.status()).isEqualTo(JenkinsClient.Status.FINISHED);
            assertThat(b.buildNumber()).as("build #2 has these parameters, #1 the other cluster's").isEqualTo(2);
            assertThat(sim.forgottenQueuePolls()).isEqualTo(1);

            Map<String, String> never = new LinkedHashMap<>(params());
            never.put("CLUSTER", "prod-ap-1");
            JenkinsClient.Build lost = c.followUp(sim.baseUrl() + "/queue/item/999/", null, null, "platform/deploy-addon", never);
            assertThat(lost.status()).isEqualTo(JenkinsClient.Status.LOST);
            assertThat(lost.describe()).contains("is gone", "no recent build has these parameters");
        } finally {
            sim.stop();
        }
    }
}
