package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.git.TestRemote;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole PR machinery end to end: a real bare remote (file://) + the local forge folder, built by the factory. */
class LocalPullRequestServiceIT {

    static final String DEPLOYMENT = "apps/shop/deployment.yaml";
    static final String BRANCH = "kubechores/rightsize/shop";
    static final Instant RUN = Instant.parse("2026-11-24T13:00:00Z");

    @TempDir
    Path tmp;
    TestRemote remote;
    FleetSpec fleet;

    @BeforeEach
    void setUp() {
        remote = TestRemote.create(tmp.resolve("git"));
        fleet = new FleetSpec("Europe/Berlin", null, false, null,
                new FleetSpec.GitAuthor("kubechores-bot", "bot@acme.example"),
                new FleetSpec.Forge("local", ".kubechores/forge", "platform/fleet", null, "main"),
                null, null, null, null, null);
    }

    PullRequestService service(Instant at) {
        return PullRequestServices.create(fleet, remote.fileUrl(), SecretSource.of(Map.of()), tmp.resolve("cache"),
                Clock.fixed(at, ZoneId.of("Europe/Berlin")), tmp.resolve("demo"));
    }

    static PullRequestRequest request(String cpu, String body) {
        return new PullRequestRequest("rightsize", "shop", "rightsize: shop (1 container)", body,
                List.of("kubechores", "rightsize"),
                Map.of(DEPLOYMENT, TestRemote.seed(DEPLOYMENT).replace("cpu: 500m ", "cpu: " + cpu + " ")),
                "rightsize: shop/web cpu 500m -> " + cpu, false);
    }

    Path prDir() {
        return tmp.resolve("demo/.kubechores/forge/rightsize/shop");
    }

    JsonNode prJson() throws IOException {
        return JsonMapper.builder().build().readTree(prDir().resolve("pr.json").toFile());
    }

    @Test
    void aPrWhoseBranchAReviewerCommittedToIsNotForcePushedNorEdited() throws IOException {
        PullRequestResult created = service(RUN).upsert(request("250m", "| web | cpu | 500m | 250m |"));
        remote.commitOn(BRANCH, "reviewer: keep 300m", Map.of(DEPLOYMENT,
                TestRemote.seed(DEPLOYMENT).replace("cpu: 500m ", "cpu: 300m ")), RUN.plusSeconds(60));
        String reviewed = remote.head(BRANCH);
        String before = Files.readString(prDir().resolve("pr.json"));

        PullRequestResult again = service(RUN.plusSeconds(3600)).upsert(request("200m", "| web | cpu | 500m | 200m |"));

        assertThat(again.outcome()).isEqualTo(PullRequestResult.Outcome.SKIPPED_EDITED);
        assertThat(again.pullRequest().id()).isEqualTo(created.pullRequest().id());
        assertThat(remote.head(BRANCH)).isEqualTo(reviewed);
        assertThat(Files.readString(prDir().resolve("pr.json"))).as("title/body untouched").isEqualTo(before);
        // the bot says so on the PR, once: a third run finds its marker and does not comment again
        Path comments = prDir().resolve("comments");
        assertThat(Files.readString(comments.resolve("001.md"))).contains(BotPrConventions.BACKED_OFF_MARKER)
                .contains("found commits by someone else on `" + BRANCH + "`");
        service(RUN.plusSeconds(7200)).upsert(request("150m", "| web | cpu | 500m | 150m |"));
        try (var s = Files.list(comments)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void aNewRunAloneDoesNotEditTheBody() {
        // the footer names the run that last wrote the PR; a rerun with the same content leaves the PR alone
        service(RUN).upsert(request("250m", "| web | cpu | 500m | 250m |"));
        PullRequestRequest r = request("250m", "| web | cpu | 500m | 250m |");
        PullRequestRequest rerun = new PullRequestRequest(r.job(), r.topic(), r.title(),
                r.body() + BotPrConventions.footer("rightsize", "20261204T220000Z-run-0badcafe", "https://runner/runs/by-key/x"),
                r.labels(), r.files(), r.commitMessage(), r.reopenClosed());
        assertThat(service(RUN.plusSeconds(60)).upsert(rerun).outcome()).isEqualTo(PullRequestResult.Outcome.UNCHANGED);
    }

    @Test
    void opensThenLeavesAloneThenUpdatesInPlace() throws IOException {
        // 1st run: branch pushed, PR recorded in the forge folder (relative forge.url resolved against the base dir)
        PullRequestResult created = service(RUN).upsert(request("250m", "| web | cpu | 500m | 250m |"));

        assertThat(created.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        PullRequest pr = created.pullRequest();
        assertThat(pr.id()).isEqualTo("1");
        assertThat(pr.branch()).isEqualTo(BRANCH);
        assertThat(pr.topic()).isEqualTo("shop");
        assertThat(pr.state()).isEqualTo(PullRequest.State.OPEN);
        assertThat(pr.headSha()).isEqualTo(remote.head(BRANCH));
        JsonNode json = prJson();
        assertThat(json.path("id").asLong()).isEqualTo(1);
        assertThat(json.path("state").asText()).isEqualTo("OPEN");
        assertThat(json.path("title").asText()).isEqualTo("rightsize: shop (1 container)");
        assertThat(json.path("branch").asText()).isEqualTo(BRANCH);
        assertThat(json.path("base").asText()).isEqualTo("main");
        assertThat(json.path("labels").toString()).isEqualTo("[\"kubechores\",\"rightsize\"]");
        assertThat(json.path("headSha").asText()).isEqualTo(remote.head(BRANCH));
        assertThat(json.path("created").asText()).isEqualTo("2026-11-24T13:00:00Z");
        assertThat(Files.readString(prDir().resolve("pr.md")))
                .isEqualTo("| web | cpu | 500m | 250m |\n\n<!-- kubechores:topic=rightsize/shop -->\n");
        assertThat(remote.read(BRANCH, DEPLOYMENT)).contains("cpu: 250m      # sized by hand in 2024");
        assertThat(Files.readString(prDir().resolve("pr.diff")))
                .contains("--- a/apps/shop/deployment.yaml", "+++ b/apps/shop/deployment.yaml",
                        "-              cpu: 500m      # sized by hand in 2024",
                        "+              cpu: 250m      # sized by hand in 2024")
                .doesNotContain("values.yaml");
        assertThat(Files.readString(prDir().resolve("pr.diff")).lines()
                .filter(l -> l.matches("^[+-](?![+-]{2} ).*")))
                .as("one line removed, one added").hasSize(2);

        // 2nd run, same content: nothing pushed, nothing edited
        String headAfterFirst = remote.head(BRANCH);
        String jsonAfterFirst = Files.readString(prDir().resolve("pr.json"));
        PullRequestResult again = service(RUN.plusSeconds(86_400)).upsert(request("250m", "| web | cpu | 500m | 250m |"));

        assertThat(again.outcome()).isEqualTo(PullRequestResult.Outcome.UNCHANGED);
        assertThat(again.pullRequest().id()).isEqualTo("1");
        assertThat(remote.head(BRANCH)).isEqualTo(headAfterFirst);
        assertThat(Files.readString(prDir().resolve("pr.json"))).isEqualTo(jsonAfterFirst);

        // 3rd run, the recommendation moved: same PR, branch force-pushed, body edited
        PullRequestResult updated = service(RUN.plusSeconds(2 * 86_400))
                .upsert(request("300m", "| web | cpu | 500m | 300m |"));

        assertThat(updated.outcome()).isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(updated.pullRequest().id()).isEqualTo("1");
        assertThat(remote.head(BRANCH)).isNotEqualTo(headAfterFirst).isEqualTo(updated.pullRequest().headSha());
        assertThat(remote.commit(BRANCH).getParent(0).name()).isEqualTo(remote.head("main"));
        assertThat(prJson().path("headSha").asText()).isEqualTo(remote.head(BRANCH));
        assertThat(prJson().path("updated").asText()).isEqualTo("2026-11-26T13:00:00Z");
        assertThat(prJson().path("created").asText()).isEqualTo("2026-11-24T13:00:00Z");
        assertThat(Files.readString(prDir().resolve("pr.md"))).startsWith("| web | cpu | 500m | 300m |");
        assertThat(Files.readString(prDir().resolve("pr.diff"))).contains("+              cpu: 300m ");
        assertThat(service(RUN).listOpen("rightsize")).extracting(PullRequest::id).containsExactly("1");
        try (var dirs = Files.list(prDir().getParent())) {
            assertThat(dirs).hasSize(1);
        }
    }

    @Test
    void closedByAHumanIsNotReopenedAndNothingIsPushed() throws IOException {
        service(RUN).upsert(request("250m", "body"));
        Path json = prDir().resolve("pr.json");
        Files.writeString(json, Files.readString(json).replace("\"OPEN\"", "\"closed\""));   // a human closes it
        String head = remote.head(BRANCH);

        PullRequestResult r = service(RUN.plusSeconds(86_400)).upsert(request("300m", "moved"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.SKIPPED_CLOSED);
        assertThat(r.pullRequest().state()).isEqualTo(PullRequest.State.CLOSED);
        assertThat(remote.head(BRANCH)).as("branch not pushed").isEqualTo(head);
        assertThat(Files.readString(prDir().resolve("pr.md"))).startsWith("body");
        assertThat(service(RUN).listOpen("rightsize")).isEmpty();

        // told to reopen (e.g. the recommendation moved past a threshold): a new PR, the old one kept in history
        PullRequestRequest reopen = new PullRequestRequest("rightsize", "shop", "rightsize: shop", "moved a lot",
                List.of(), request("400m", "x").files(), "m", true);
        PullRequestResult again = service(RUN.plusSeconds(2 * 86_400)).upsert(reopen);

        assertThat(again.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(again.pullRequest().id()).isEqualTo("2");
        assertThat(remote.read(BRANCH, DEPLOYMENT)).contains("cpu: 400m ");
        assertThat(prDir().resolve("history/1.json")).exists();
        assertThat(service(RUN).find("rightsize", "shop")).get().extracting(PullRequest::id).isEqualTo("2");
    }

    @Test
    void mergedTopicGetsAFreshPrForANewChange() throws IOException {
        service(RUN).upsert(request("250m", "body"));
        Path json = prDir().resolve("pr.json");
        Files.writeString(json, Files.readString(json).replace("\"OPEN\"", "\"MERGED\""));

        PullRequestResult r = service(RUN.plusSeconds(86_400)).upsert(request("300m", "next"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(r.pullRequest().id()).isEqualTo("2");
    }

    @Test
    void nothingToProposeOpensNothing() {
        PullRequestRequest same = new PullRequestRequest("rightsize", "shop", "t", "b", List.of(),
                Map.of(DEPLOYMENT, TestRemote.seed(DEPLOYMENT)), "m", false);

        PullRequestResult r = service(RUN).upsert(same);

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UNCHANGED);
        assertThat(r.pullRequest()).isNull();
        assertThat(remote.head(BRANCH)).isNull();
        assertThat(prDir()).doesNotExist();
    }

    @Test
    void topicsOfOneJobAreSeparatePrsAndJobsDoNotSeeEachOther() {
        service(RUN).upsert(request("250m", "a"));
        service(RUN).upsert(new PullRequestRequest("rightsize", "cart", "t", "b", List.of(),
                Map.of("apps/cart/values.yaml", "x: 1\n"), "m", false));
        service(RUN).upsert(new PullRequestRequest("promote", "loki-prod", "t", "b", List.of(),
                Map.of("tools/loki.yaml", "version: 2\n"), "m", false));

        assertThat(service(RUN).listOpen("rightsize")).extracting(PullRequest::branch)
                .containsExactly(BRANCH, "kubechores/rightsize/cart");
        assertThat(service(RUN).listOpen("promote")).extracting(PullRequest::id).containsExactly("3");
        assertThat(service(RUN).find("promote", "loki-prod")).get().extracting(PullRequest::topic)
                .isEqualTo("loki-prod");
        assertThat(service(RUN).find("promote", "nope")).isEmpty();
    }

    @Test
    void previewTellsTheOutcomeWithoutPushingOrWriting() throws IOException {
        PullRequestResult wouldOpen = service(RUN).preview(request("250m", "b"));

        assertThat(wouldOpen.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(wouldOpen.pullRequest()).isNull();
        assertThat(remote.head(BRANCH)).isNull();
        assertThat(prDir()).doesNotExist();

        service(RUN).upsert(request("250m", "b"));
        String head = remote.head(BRANCH);
        String json = Files.readString(prDir().resolve("pr.json"));

        assertThat(service(RUN).preview(request("250m", "b")).outcome()).isEqualTo(PullRequestResult.Outcome.UNCHANGED);
        PullRequestResult wouldUpdate = service(RUN).preview(request("300m", "b"));
        assertThat(wouldUpdate.outcome()).isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(wouldUpdate.pullRequest().id()).isEqualTo("1");
        assertThat(service(RUN).preview(request("250m", "other body")).outcome())
                .isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(remote.head(BRANCH)).isEqualTo(head);
        assertThat(Files.readString(prDir().resolve("pr.json"))).isEqualTo(json);
        assertThat(Files.readString(prDir().resolve("pr.md"))).startsWith("b\n");
    }

    @Test
    void upsertAllHandlesManyTopicsInRequestOrder() throws IOException {
        service(RUN).upsert(new PullRequestRequest("rightsize", "closed", "t", "b", List.of(),
                Map.of("apps/closed.yaml", "a: 1\n"), "m", false));
        Path closed = tmp.resolve("demo/.kubechores/forge/rightsize/closed/pr.json");
        Files.writeString(closed, Files.readString(closed).replace("\"OPEN\"", "\"CLOSED\""));
        List<PullRequestRequest> batch = List.of(
                request("250m", "shop body"),
                new PullRequestRequest("rightsize", "closed", "t", "b", List.of(), Map.of("apps/closed.yaml", "a: 2\n"),
                        "m", false),
                new PullRequestRequest("rightsize", "cart", "t", "b", List.of(), Map.of("apps/cart.yaml", "x: 1\n"),
                        "m", false),
                new PullRequestRequest("rightsize", "noop", "t", "b", List.of(),
                        Map.of(DEPLOYMENT, TestRemote.seed(DEPLOYMENT)), "m", false));

        List<PullRequestResult> first = service(RUN).upsertAll(batch);
        List<PullRequestResult> again = service(RUN.plusSeconds(60)).upsertAll(batch);

        assertThat(first).extracting(PullRequestResult::outcome).containsExactly(PullRequestResult.Outcome.CREATED,
                PullRequestResult.Outcome.SKIPPED_CLOSED, PullRequestResult.Outcome.CREATED,
                PullRequestResult.Outcome.UNCHANGED);
        assertThat(again).extracting(PullRequestResult::outcome).containsExactly(PullRequestResult.Outcome.UNCHANGED,
                PullRequestResult.Outcome.SKIPPED_CLOSED, PullRequestResult.Outcome.UNCHANGED,
                PullRequestResult.Outcome.UNCHANGED);
        assertThat(remote.read("kubechores/rightsize/closed", "apps/closed.yaml")).as("closed topic not pushed")
                .isEqualTo("a: 1\n");
        assertThat(remote.head(BRANCH)).isEqualTo(first.get(0).pullRequest().headSha());
        assertThat(remote.head("kubechores/rightsize/noop")).isNull();
        assertThat(service(RUN).listOpen("rightsize")).extracting(PullRequest::topic).containsExactly("shop", "cart");
    }
}
