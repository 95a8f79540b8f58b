package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.git.BotBranches;
import io.kubechores.platform.git.TestRemote;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service against WireMock speaking GitHub REST v3 (loopback) and a real bare git remote (file://): the exact
 * calls (method, path, query, headers, JSON body) for open, update, "already exists", unchanged and closed.
 */
class GitHubPullRequestServiceIT {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final String TOKEN = "ghp_test_token_123";
    static final String BRANCH = "kubechores/rightsize/shop";
    static final String DEPLOYMENT = "apps/shop/deployment.yaml";
    static final String PULLS = "/repos/acme/fleet/pulls";
    static final Instant RUN = Instant.parse("2026-11-24T13:00:00Z");
    static final String MARKER = "<!-- kubechores:topic=rightsize/shop -->";

    @TempDir
    Path tmp;
    TestRemote remote;
    WireMockServer github;
    FleetSpec fleet;

    @BeforeEach
    void setUp() {
        remote = TestRemote.create(tmp.resolve("git"));
        github = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        github.start();
        fleet = new FleetSpec(null, null, false, null, new FleetSpec.GitAuthor("kubechores-bot", "bot@acme.example"),
                new FleetSpec.Forge("github", github.baseUrl(), "acme/fleet", "GITHUB_TOKEN", "main"),
                null, null, null, null, null);
    }

    @AfterEach
    void tearDown() {
        github.stop();
    }

    PullRequestService service() {
        return PullRequestServices.create(fleet, remote.fileUrl(), SecretSource.of(Map.of("GITHUB_TOKEN", TOKEN)),
                tmp.resolve("cache"), Clock.fixed(RUN, ZoneId.of("UTC")), tmp);
    }

    static PullRequestRequest request(String cpu, String body, String title) {
        return new PullRequestRequest("rightsize", "shop", title, body, List.of("kubechores", "rightsize"),
                Map.of(DEPLOYMENT, TestRemote.seed(DEPLOYMENT).replace("cpu: 500m ", "cpu: " + cpu + " ")),
                "rightsize: shop/web cpu -> " + cpu, false);
    }

    /** A pull as GitHub returns it (fixture file, fields overridden). */
    static ObjectNode pull(int number, String state, String mergedAt, String body, String sha, String... labels) {
        try (InputStream in = GitHubPullRequestServiceIT.class.getResourceAsStream("/forge/github/pull.json")) {
            ObjectNode n = (ObjectNode) JSON.readTree(in);
            n.put("number", number).put("state", state).put("body", body)
                    .put("html_url", "https://github.com/acme/fleet/pull/" + number);
            if (mergedAt != null) {
                n.put("merged_at", mergedAt);
            }
            ((ObjectNode) n.get("head")).put("sha", sha);
            var ls = n.putArray("labels");
            for (String l : labels) {
                ls.addObject().put("name", l);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MappingBuilder listByBranch() {
        return get(urlPathEqualTo(PULLS))
                .withQueryParam("state", equalTo("all"))
                .withQueryParam("head", equalTo("acme:" + BRANCH))
                .withQueryParam("per_page", equalTo("100"));
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RequestPatternBuilder withGitHubHeaders(RequestPatternBuilder p) {
        return p.withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"));
    }

    @Test
    void opensAPullRequestAndLabelsIt() {
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody("[]")));
        github.stubFor(post(urlPathEqualTo(PULLS)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody(json(pull(7, "open", null, "| web | 250m |\n\n" + MARKER + "\n", "abc")))));
        github.stubFor(post(urlPathEqualTo("/repos/acme/fleet/issues/7/labels")).willReturn(aResponse()
                .withStatus(200).withBody("[{\"name\":\"kubechores\"},{\"name\":\"rightsize\"}]")));

        PullRequestResult r = service().upsert(request("250m", "| web | 250m |", "rightsize: shop"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(r.pullRequest().id()).isEqualTo("7");
        assertThat(r.pullRequest().url()).isEqualTo("https://github.com/acme/fleet/pull/7");
        assertThat(r.pullRequest().headSha()).isEqualTo(remote.head(BRANCH));
        assertThat(r.pullRequest().labels()).containsExactly("kubechores", "rightsize");
        github.verify(1, withGitHubHeaders(getRequestedFor(urlPathEqualTo(PULLS))
                .withQueryParam("state", equalTo("all")).withQueryParam("head", equalTo("acme:" + BRANCH))));
        github.verify(1, withGitHubHeaders(postRequestedFor(urlPathEqualTo(PULLS)))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"title": "rightsize: shop", "head": "kubechores/rightsize/shop", "base": "main",
                         "body": "| web | 250m |\\n\\n<!-- kubechores:topic=rightsize/shop -->\\n"}""")));
        github.verify(1, withGitHubHeaders(postRequestedFor(urlPathEqualTo("/repos/acme/fleet/issues/7/labels")))
                .withRequestBody(equalToJson("{\"labels\": [\"kubechores\", \"rightsize\"]}")));
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).hasSize(3);
        assertThat(remote.read(BRANCH, DEPLOYMENT)).contains("cpu: 250m ");
    }

    @Test
    void updatesTheOpenPullRequestInPlace() {
        String oldBody = "| web | 250m |\n\n" + MARKER + "\n";
        BotBranches.BranchResult old = branches().upsert(BRANCH, "main", request("250m", "", "t").files(), "old");
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(200)
                .withBody(json(List.of(pull(7, "open", null, oldBody, old.headSha(), "kubechores", "rightsize"))))));
        github.stubFor(patch(urlPathEqualTo(PULLS + "/7")).willReturn(aResponse().withStatus(200)
                .withBody(json(pull(7, "open", null, "| web | 300m |\n\n" + MARKER + "\n", "new",
                        "kubechores", "rightsize")))));

        PullRequestResult r = service().upsert(request("300m", "| web | 300m |", "rightsize: shop (1 container)"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(r.pullRequest().id()).isEqualTo("7");
        // same branch, force-pushed: one commit on main, not on the old head
        assertThat(remote.head(BRANCH)).isNotEqualTo(old.headSha()).isEqualTo(r.pullRequest().headSha());
        assertThat(remote.commit(BRANCH).getParent(0).name()).isEqualTo(remote.head("main"));
        // only the body changed: PATCH carries only the body; no new PR, no label call
        github.verify(1, withGitHubHeaders(patchRequestedFor(urlPathEqualTo(PULLS + "/7")))
                .withRequestBody(equalToJson("{\"body\": \"| web | 300m |\\n\\n" + MARKER + "\\n\"}")));
        github.verify(0, postRequestedFor(anyUrl()));
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void alreadyExistsIsFoundAndUpdated() {
        // the listing does not show it yet (or it was opened by a human without our marker): POST answers 422
        github.stubFor(listByBranch().inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody("[]")));
        github.stubFor(post(urlPathEqualTo(PULLS)).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("exists")
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json").withBody("""
                        {"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom",
                         "message":"A pull request already exists for acme:kubechores/rightsize/shop."}],
                         "documentation_url":"https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                         "status":"422"}""")));
        github.stubFor(listByBranch().inScenario("race").whenScenarioStateIs("exists")
                .willReturn(aResponse().withStatus(200)
                        .withBody(json(List.of(pull(9, "open", null, "opened by hand", "x", "kubechores"))))));
        github.stubFor(patch(urlPathEqualTo(PULLS + "/9")).willReturn(aResponse().withStatus(200)
                .withBody(json(pull(9, "open", null, "| web | 250m |\n\n" + MARKER + "\n", "x", "kubechores")))));
        github.stubFor(post(urlPathEqualTo("/repos/acme/fleet/issues/9/labels")).willReturn(aResponse()
                .withStatus(200).withBody("[{\"name\":\"kubechores\"},{\"name\":\"rightsize\"}]")));

        PullRequestResult r = service().upsert(request("250m", "| web | 250m |", "rightsize: shop"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(r.pullRequest().id()).isEqualTo("9");
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(2, getRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(1, withGitHubHeaders(patchRequestedFor(urlPathEqualTo(PULLS + "/9"))).withRequestBody(
                equalToJson("{\"title\": \"rightsize: shop\", \"body\": \"| web | 250m |\\n\\n" + MARKER + "\\n\"}")));
        github.verify(1, postRequestedFor(urlPathEqualTo("/repos/acme/fleet/issues/9/labels"))
                .withRequestBody(equalToJson("{\"labels\": [\"rightsize\"]}")));
    }

    @Test
    void unchangedMakesNoWriteCallAndPushesNothing() {
        PullRequestRequest req = request("250m", "| web | 250m |", "rightsize: shop (1 container)");
        BotBranches.BranchResult existing = branches().upsert(BRANCH, "main", req.files(), "earlier run");
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                pull(7, "open", null, "| web | 250m |\r\n\r\n" + MARKER, existing.headSha(),
                        "kubechores", "rightsize", "team-shop"))))));

        PullRequestResult r = service().upsert(req);

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UNCHANGED);
        assertThat(remote.head(BRANCH)).isEqualTo(existing.headSha());
        assertThat(github.findAll(anyRequestedFor(anyUrl())))
                .allSatisfy(e -> assertThat(e.getMethod().getName()).isEqualTo("GET"))
                .hasSize(1);
    }

    @Test
    void closedByAHumanIsNotReopened() {
        BotBranches.BranchResult existing = branches().upsert(BRANCH, "main", request("250m", "", "t").files(), "m");
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                pull(7, "closed", null, "old\n\n" + MARKER + "\n", existing.headSha(), "kubechores"))))));

        PullRequestResult r = service().upsert(request("300m", "moved", "rightsize: shop"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.SKIPPED_CLOSED);
        assertThat(r.pullRequest().state()).isEqualTo(PullRequest.State.CLOSED);
        assertThat(remote.head(BRANCH)).as("nothing pushed").isEqualTo(existing.headSha());
        assertThat(github.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void mergedPullRequestIsReadAsMergedAndANewOneIsOpened() {
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                pull(7, "closed", "2026-11-21T10:00:00Z", "old\n\n" + MARKER + "\n", "abc", "kubechores"))))));
        github.stubFor(post(urlPathEqualTo(PULLS)).willReturn(aResponse().withStatus(201)
                .withBody(json(pull(8, "open", null, "new\n\n" + MARKER + "\n", "def")))));

        PullRequestResult r = service().upsert(new PullRequestRequest("rightsize", "shop", "t", "new", List.of(),
                request("300m", "", "t").files(), "m", false));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(r.pullRequest().id()).isEqualTo("8");
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void listOpenFollowsPaginationAndKeepsOnlyTheJobsBranches() {
        github.stubFor(get(urlPathEqualTo(PULLS)).withQueryParam("state", equalTo("open"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(200).withBody(json(List.of(
                        withRef(pull(5, "open", null, "b\n<!-- kubechores:topic=rightsize/cart -->", "a"),
                                "kubechores/rightsize/cart"))))));
        github.stubFor(get(urlPathEqualTo(PULLS)).withQueryParam("state", equalTo("open"))
                .withQueryParam("per_page", equalTo("100")).withQueryParam("page", absent())
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Link", "<" + github.baseUrl() + PULLS + "?state=open&per_page=100&page=2>; rel=\"next\", <"
                                + github.baseUrl() + PULLS + "?state=open&per_page=100&page=2>; rel=\"last\"")
                        .withBody(json(List.of(pull(7, "open", null, "a\n" + MARKER, "b"),
                                withRef(pull(6, "open", null, "human PR", "c"), "feature/x"))))));

        assertThat(service().listOpen("rightsize")).extracting(PullRequest::id).containsExactly("5", "7");
    }

    @Test
    void errorsNameTheStatusButNeverTheToken() {
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(401)
                .withBody("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}")));

        assertThatThrownBy(() -> service().upsert(request("250m", "b", "t")))
                .isInstanceOf(ForgeClient.ForgeException.class)
                .hasMessageContaining("401").hasMessageContaining("Bad credentials")
                .hasMessageNotContaining(TOKEN);
        assertThat(remote.head(BRANCH)).as("nothing pushed when the forge cannot be read").isNull();
    }

    @Test
    void aSecondaryRateLimitIsWaitedOutAsRetryAfterSays() {
        github.stubFor(listByBranch().inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(403).withHeader("retry-after", "1")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}"))
                .willSetStateTo("ok"));
        github.stubFor(listByBranch().inScenario("limit").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("[]")));
        github.stubFor(post(urlPathEqualTo(PULLS)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody(json(pull(8, "open", null, "b\n\n" + MARKER + "\n", "abc")))));
        github.stubFor(post(urlPathEqualTo("/repos/acme/fleet/issues/8/labels")).willReturn(aResponse()
                .withStatus(200).withBody("[]")));

        long t0 = System.nanoTime();
        PullRequestResult r = service().upsert(request("250m", "b", "t"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(System.nanoTime() - t0).as("waited the second Retry-After asked for").isGreaterThanOrEqualTo(1_000_000_000L);
        github.verify(2, getRequestedFor(urlPathEqualTo(PULLS)));
        github.verify(1, postRequestedFor(urlPathEqualTo(PULLS)));
    }

    @Test
    void anExhaustedPrimaryRateLimitFailsAtOnceSayingWhenItResets() {
        long reset = Instant.now().plusSeconds(3600).getEpochSecond();
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(403)
                .withHeader("x-ratelimit-remaining", "0").withHeader("x-ratelimit-reset", Long.toString(reset))
                .withBody("{\"message\":\"API rate limit exceeded for user ID 1.\"}")));

        assertThatThrownBy(() -> service().upsert(request("250m", "b", "t")))
                .isInstanceOf(ForgeClient.ForgeException.class)
                .hasMessageContaining("rate limited").hasMessageContaining("API rate limit exceeded")
                .hasMessageContaining("retry after " + Instant.ofEpochSecond(reset).plusSeconds(1).toString().substring(0, 13))
                .hasMessageNotContaining(TOKEN);
        github.verify(1, getRequestedFor(urlPathEqualTo(PULLS)));
        assertThat(remote.head(BRANCH)).isNull();
    }

    static ObjectNode withRef(ObjectNode pull, String ref) {
        ((ObjectNode) pull.get("head")).put("ref", ref);
        return pull;
    }

    /**
     * A reviewer pushed to the bot's branch: the bot backs off and says so once, as an issue comment (GitHub REST
     * "Create an issue comment": POST /repos/{owner}/{repo}/issues/{number}/comments {"body"}, 201 with the comment;
     * "List issue comments": GET …/comments). A rerun sees its marker in the list and posts nothing.
     */
    @Test
    void aBranchAHumanEditedGetsOneBackOffComment() {
        PullRequestRequest req = request("250m", "| web | 250m |", "kubechores(rightsize): right-size shop");
        branches().upsert(BRANCH, "main", req.files(), "earlier run");
        remote.commitOn(BRANCH, "reviewer: keep 300m", Map.of(DEPLOYMENT,
                TestRemote.seed(DEPLOYMENT).replace("cpu: 500m ", "cpu: 300m ")), RUN.minusSeconds(60));
        String reviewed = remote.head(BRANCH);
        github.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                pull(7, "open", null, "| web | 200m |\r\n\r\n" + MARKER, reviewed, "kubechores", "rightsize"))))));
        String comments = "/repos/acme/fleet/issues/7/comments";
        github.stubFor(get(urlPathEqualTo(comments)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody("[]")));
        github.stubFor(post(urlPathEqualTo(comments)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody("{\"id\":1,\"node_id\":\"IC_kwDOA\",\"html_url\":\"https://github.com/acme/fleet/pull/7#issuecomment-1\",\"body\":\"x\"}")));

        PullRequestResult r = service().upsert(req);

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.SKIPPED_EDITED);
        assertThat(remote.head(BRANCH)).isEqualTo(reviewed);
        var posted = github.findAll(withGitHubHeaders(postRequestedFor(urlPathEqualTo(comments))));
        assertThat(posted).hasSize(1);
        assertThat(posted.getFirst().getBodyAsString())
                .contains("kubechores:backed-off").contains("leaves this PR alone");
        assertThat(github.findAll(patchRequestedFor(urlPathEqualTo(PULLS + "/7")))).isEmpty();

        // the next run finds the comment and stays silent
        github.stubFor(get(urlPathEqualTo(comments)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(json(List.of(java.util.Map.of("id", 1, "body", BotPrConventions.backedOff("rightsize", BRANCH)))))));
        service().upsert(req);
        assertThat(github.findAll(postRequestedFor(urlPathEqualTo(comments)))).hasSize(1);
    }

    BotBranches branches() {
        return new BotBranches(remote.fileUrl(), tmp.resolve("cache"), null, fleet.git(),
                Clock.fixed(RUN.minusSeconds(86_400), ZoneId.of("UTC")));
    }
}
