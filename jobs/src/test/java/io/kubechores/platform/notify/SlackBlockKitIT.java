package io.kubechores.platform.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.kubechores.core.Action;
import io.kubechores.report.RunDigest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run digest as Slack receives it: an incoming webhook on WireMock answering as Slack does (200 "ok"; 400 with an
 * error word such as "invalid_blocks" or "no_text" for a payload it refuses — Slack "Sending messages using incoming
 * webhooks", "Handling errors"). The payload is Block Kit with the plain-text fallback: {@code text} plus
 * {@code blocks} of header (plain_text, ≤ 150 chars), context (mrkdwn elements, ≤ 10) and section (mrkdwn, ≤ 3,000
 * chars), at most 50 blocks (Slack reference "Blocks", "Section block", "Context block", "Header block";
 * docs.slack.dev/reference/block-kit/blocks). mrkdwn escapes &, < and > (Slack "Formatting message text").
 */
class SlackBlockKitIT {
    static WireMockServer slack;
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOOK = "/services/T0001/B0001/abcdefghijklmnopqrstuvwx";

    @BeforeAll
    static void start() {
        slack = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        slack.start();
    }

    @AfterAll
    static void stop() {
        slack.stop();
    }

    @BeforeEach
    void stubs() {
        slack.resetAll();
        // Slack refuses a message without text or blocks, and blocks it cannot parse
        slack.stubFor(post(urlEqualTo(HOOK)).atPriority(10)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/plain").withBody("invalid_blocks")));
        slack.stubFor(post(urlEqualTo(HOOK)).atPriority(1)
                .withHeader("Content-Type", equalToIgnoreCase("application/json; charset=utf-8"))
                .withRequestBody(matchingJsonPath("$.text"))
                .withRequestBody(matchingJsonPath("$.blocks[0].type", equalTo("header")))
                .withRequestBody(matchingJsonPath("$.blocks[0].text.type", equalTo("plain_text")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody("ok")));
    }

    HttpNotifier notifier() {
        return new HttpNotifier(slack.baseUrl() + HOOK, "#platform", null, Duration.ofSeconds(5));
    }

    JsonNode lastPayload() throws Exception {
        var reqs = slack.findAll(postRequestedFor(urlEqualTo(HOOK)));
        assertThat(reqs).hasSize(1);
        return JSON.readTree(reqs.getFirst().getBodyAsString());
    }

    @Test
    void failuresAndNeedsAHumanGroupedPerClusterWithALinkToTheRun() throws Exception {
        List<String> partitions = List.of("prod-eu-1", "prod-us-1", "staging-eu-1");
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("prod-us-1", "API server answered 500 <Internal Server Error>");
        List<Action> actions = List.of(
                new Action("prod-eu-1/apps/Deployment/web", "scale-down", "3 → 0", "uptime ended", Action.Status.FAILED),
                new Action("prod-eu-1/apps/Deployment/api", "scale-down", "2 → 0", "uptime ended", Action.Status.APPLIED),
                new Action("111111111111/eu-central-1/ec2/L-1216C47A", "ask-human", "last request DENIED", "talk to AWS Support",
                        Action.Status.SKIPPED),
                new Action("tool/loki", "promote", "3.1.0 staging → prod", "needs a human: prod runs 3.2.0, ahead of staging",
                        Action.Status.SKIPPED));
        List<RunDigest.Row> rows = RunDigest.rows(partitions, errors, actions);
        assertThat(rows).hasSize(4);
        SlackMessage m = RunDigest.slack("downscale", "42", "https://kubechores.example.org/runs/42", false, rows);
        notifier().slack(m);

        JsonNode p = lastPayload();
        assertThat(p.get("channel").asText()).isEqualTo("#platform");
        assertThat(p.get("text").asText()).startsWith("kubechores downscale run 42: 2 failed, 2 need a human on 3 cluster(s)")
                .contains("https://kubechores.example.org/runs/42").contains("prod-us-1: 1 failed, 0 need a human");
        JsonNode blocks = p.get("blocks");
        assertThat(blocks.get(0).get("text").get("text").asText()).hasSizeLessThanOrEqualTo(150)
                .isEqualTo("kubechores downscale run 42: 2 failed, 2 need a human on 3 cluster(s)");
        JsonNode context = blocks.get(1);
        assertThat(context.get("type").asText()).isEqualTo("context");
        assertThat(context.get("elements").get(0).get("type").asText()).isEqualTo("mrkdwn");
        assertThat(context.get("elements").get(0).get("text").asText()).isEqualTo("<https://kubechores.example.org/runs/42|run 42>");
        List<String> sections = new ArrayList<>();
        for (JsonNode b : blocks) {
            if (b.get("type").asText().equals("section")) {
                assertThat(b.get("text").get("type").asText()).isEqualTo("mrkdwn");
                sections.add(b.get("text").get("text").asText());
            }
        }
        // one section per cluster, clusters by name, the rows that belong to no cluster last
        assertThat(sections).hasSize(3);
        assertThat(sections.get(0)).startsWith("*prod-eu-1*").contains(":x: `prod-eu-1/apps/Deployment/web` scale-down 3 → 0 — uptime ended")
                .doesNotContain("Deployment/api");
        assertThat(sections.get(1)).startsWith("*prod-us-1*")
                .contains("partition failed — API server answered 500 &lt;Internal Server Error&gt;");
        assertThat(sections.get(2)).startsWith("*whole fleet*").contains(":raising_hand: `111111111111/eu-central-1/ec2/L-1216C47A`")
                .contains(":raising_hand: `tool/loki` promote 3.1.0 staging → prod — needs a human");
    }

    @Test
    void aHugeRunStaysWithinBlockKitLimitsAndSaysWhatWasLeftOut() throws Exception {
        List<String> partitions = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        for (int c = 0; c < 60; c++) {
            String cluster = String.format("prod-%03d", c);
            partitions.add(cluster);
            for (int i = 0; i < 4; i++) {
                actions.add(new Action(cluster + "/ns-" + i + "/Deployment/app-" + i, "scale-down", "5 → 0",
                        "PATCH refused: " + "x".repeat(700), Action.Status.FAILED));
            }
        }
        List<RunDigest.Row> rows = RunDigest.rows(partitions, Map.of(), actions);
        notifier().slack(RunDigest.slack("downscale", "7", "https://runner/runs/7", false, rows));
        JsonNode blocks = lastPayload().get("blocks");
        assertThat(blocks.size()).isLessThanOrEqualTo(50);
        for (JsonNode b : blocks) {
            if (b.get("type").asText().equals("section")) {
                assertThat(b.get("text").get("text").asText().length()).isLessThanOrEqualTo(3000);
            }
            if (b.get("type").asText().equals("context")) assertThat(b.get("elements").size()).isLessThanOrEqualTo(10);
        }
        String last = blocks.get(blocks.size() - 1).get("text").get("text").asText();
        assertThat(last).matches("\\d+ more row\\(s\\) not shown: <https://runner/runs/7\\|see the run>");
        int shown = 0;
        for (JsonNode b : blocks) {
            if (b.get("type").asText().equals("section")) shown += (int) b.get("text").get("text").asText().lines().filter(l -> l.startsWith(":x:")).count();
        }
        assertThat(shown + Integer.parseInt(last.substring(0, last.indexOf(' ')))).isEqualTo(240);
    }

    @Test
    void nothingToSayMeansNoMessage() {
        List<RunDigest.Row> rows = RunDigest.rows(List.of("prod-eu-1"), Map.of(), List.of(
                new Action("prod-eu-1/apps/Deployment/web", "scale-down", "3 → 0", "uptime ended", Action.Status.APPLIED)));
        assertThat(rows).isEmpty();
        assertThat(RunDigest.slack("downscale", "1", "https://runner/runs/1", false, rows)).isNull();
    }

    @Test
    void aReadOnlyNotifierRefusesBlocksAsItRefusesText() {
        io.kubechores.platform.Platform ro = new io.kubechores.platform.Platform(null, null, null, null, notifier(), null, null).readOnly();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ro.notifier().slack(new SlackMessage("x", List.of())))
                .isInstanceOf(io.kubechores.platform.DryRunViolation.class);
    }
}
