package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
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
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service against WireMock speaking GitLab REST v4 merge requests (loopback) and a real bare git remote: the exact
 * calls for open, update, 409 "already exists", unchanged and closed-by-a-human.
 */
class GitLabPullRequestServiceIT {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final String TOKEN = "glpat-test-token-123";
    static final String BRANCH = "kubechores/rightsize/shop";
    static final String DEPLOYMENT = "apps/shop/deployment.yaml";
    static final String MRS = "/api/v4/projects/platform%2Ffleet/merge_requests";
    static final Instant RUN = Instant.parse("2026-11-24T13:00:00Z");
    static final String MARKER = "<!-- kubechores:topic=rightsize/shop -->";

    @TempDir
    Path tmp;
    TestRemote remote;
    WireMockServer gitlab;
    FleetSpec fleet;

    @BeforeEach
    void setUp() {
        remote = TestRemote.create(tmp.resolve("git"));
        gitlab = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        gitlab.start();
        fleet = new FleetSpec(null, null, false, null, null,
                new FleetSpec.Forge("gitlab", gitlab.baseUrl() + "/api/v4", "platform/fleet", "GITLAB_TOKEN", "main"),
                null, null, null, null, null);
    }

    @AfterEach
    void tearDown() {
        gitlab.stop();
    }

    PullRequestService service() {
        return PullRequestServices.create(fleet, remote.fileUrl(), SecretSource.of(Map.of("GITLAB_TOKEN", TOKEN)),
                tmp.resolve("cache"), Clock.fixed(RUN, ZoneId.of("UTC")), tmp);
    }

    BotBranches branches() {
        return new BotBranches(remote.fileUrl(), tmp.resolve("cache"), null, fleet.git(),
                Clock.fixed(RUN.minusSeconds(86_400), ZoneId.of("UTC")));
    }

    static PullRequestRequest request(String cpu, String body, String title) {
        return new PullRequestRequest("rightsize", "shop", title, body, List.of("kubechores", "rightsize"),
                Map.of(DEPLOYMENT, TestRemote.seed(DEPLOYMENT).replace("cpu: 500m ", "cpu: " + cpu + " ")),
                "rightsize: shop/web cpu -> " + cpu, false);
    }

    static ObjectNode mr(int iid, String state, String description, String sha, String... labels) {
        try (InputStream in = GitLabPullRequestServiceIT.class.getResourceAsStream("/forge/gitlab/merge_request.json")) {
            ObjectNode n = (ObjectNode) JSON.readTree(in);
            n.put("iid", iid).put("state", state).put("description", description).put("sha", sha)
                    .put("web_url", "https://gitlab.acme.example/platform/fleet/-/merge_requests/" + iid);
            var ls = n.putArray("labels");
            for (String l : labels) {
                ls.add(l);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MappingBuilder listByBranch() {
        return get(urlPathEqualTo(MRS))
                .withQueryParam("source_branch", equalTo(BRANCH))
                .withQueryParam("state", equalTo("all"))
                .withQueryParam("per_page", equalTo("100"));
    }

    @Test
    void opensAMergeRequestWithLabels() {
        gitlab.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody("[]")));
        gitlab.stubFor(post(urlPathEqualTo(MRS)).willReturn(aResponse().withStatus(201)
                .withBody(json(mr(12, "opened", "| web | 250m |\n\n" + MARKER + "\n", "abc",
                        "kubechores", "rightsize")))));

        PullRequestResult r = service().upsert(request("250m", "| web | 250m |", "rightsize: shop"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.CREATED);
        assertThat(r.pullRequest().id()).isEqualTo("12");
        assertThat(r.pullRequest().url()).isEqualTo("https://gitlab.acme.example/platform/fleet/-/merge_requests/12");
        assertThat(r.pullRequest().headSha()).isEqualTo(remote.head(BRANCH));
        gitlab.verify(1, getRequestedFor(urlPathEqualTo(MRS)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
                .withQueryParam("source_branch", equalTo(BRANCH)).withQueryParam("state", equalTo("all")));
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(MRS)).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"source_branch": "kubechores/rightsize/shop", "target_branch": "main",
                         "title": "rightsize: shop",
                         "description": "| web | 250m |\\n\\n<!-- kubechores:topic=rightsize/shop -->\\n",
                         "labels": "kubechores,rightsize"}""")));
        assertThat(gitlab.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void updatesTheOpenMergeRequestInPlace() {
        BotBranches.BranchResult old = branches().upsert(BRANCH, "main", request("250m", "", "t").files(), "old");
        gitlab.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                mr(12, "opened", "| web | 250m |\n\n" + MARKER + "\n", old.headSha(), "kubechores", "rightsize"))))));
        gitlab.stubFor(put(urlPathEqualTo(MRS + "/12")).willReturn(aResponse().withStatus(200)
                .withBody(json(mr(12, "opened", "| web | 300m |\n\n" + MARKER + "\n", "new",
                        "kubechores", "rightsize")))));

        PullRequestResult r = service().upsert(request("300m", "| web | 300m |", "rightsize: shop (1 container)"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(r.pullRequest().id()).isEqualTo("12");
        assertThat(remote.head(BRANCH)).isNotEqualTo(old.headSha()).isEqualTo(r.pullRequest().headSha());
        assertThat(remote.commit(BRANCH).getParent(0).name()).isEqualTo(remote.head("main"));
        gitlab.verify(1, putRequestedFor(urlPathEqualTo(MRS + "/12")).withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"description\": \"| web | 300m |\\n\\n" + MARKER + "\\n\"}")));
        gitlab.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void conflictAnotherOpenMergeRequestIsFoundAndUpdated() {
        gitlab.stubFor(listByBranch().inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody("[]")));
        gitlab.stubFor(post(urlPathEqualTo(MRS)).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("exists")
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json").withBody(
                        "{\"message\":[\"Another open merge request already exists for this source branch: !14\"]}")));
        gitlab.stubFor(listByBranch().inScenario("race").whenScenarioStateIs("exists")
                .willReturn(aResponse().withStatus(200)
                        .withBody(json(List.of(mr(14, "opened", "by hand", "x", "team-shop"))))));
        gitlab.stubFor(put(urlPathEqualTo(MRS + "/14")).willReturn(aResponse().withStatus(200)
                .withBody(json(mr(14, "opened", "| web | 250m |\n\n" + MARKER + "\n", "x",
                        "team-shop", "kubechores", "rightsize")))));

        PullRequestResult r = service().upsert(request("250m", "| web | 250m |", "rightsize: shop"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UPDATED);
        assertThat(r.pullRequest().id()).isEqualTo("14");
        assertThat(r.pullRequest().labels()).containsExactly("team-shop", "kubechores", "rightsize");
        gitlab.verify(1, postRequestedFor(urlPathEqualTo(MRS)));
        gitlab.verify(1, putRequestedFor(urlPathEqualTo(MRS + "/14")).withRequestBody(equalToJson("""
                {"title": "rightsize: shop",
                 "description": "| web | 250m |\\n\\n<!-- kubechores:topic=rightsize/shop -->\\n",
                 "add_labels": "kubechores,rightsize"}""")));
    }

    @Test
    void unchangedMakesNoWriteCallAndPushesNothing() {
        PullRequestRequest req = request("250m", "| web | 250m |", "rightsize: shop (1 container)");
        BotBranches.BranchResult existing = branches().upsert(BRANCH, "main", req.files(), "earlier run");
        gitlab.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                mr(12, "opened", "| web | 250m |\n\n" + MARKER + "\n", existing.headSha(),
                        "kubechores", "rightsize"))))));

        PullRequestResult r = service().upsert(req);

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.UNCHANGED);
        assertThat(remote.head(BRANCH)).isEqualTo(existing.headSha());
        assertThat(gitlab.findAll(anyRequestedFor(anyUrl())))
                .allSatisfy(e -> assertThat(e.getMethod().getName()).isEqualTo("GET"))
                .hasSize(1);
    }

    @Test
    void closedByAHumanIsNotReopened() {
        BotBranches.BranchResult existing = branches().upsert(BRANCH, "main", request("250m", "", "t").files(), "m");
        gitlab.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                mr(12, "closed", "old\n\n" + MARKER + "\n", existing.headSha(), "kubechores"))))));

        PullRequestResult r = service().upsert(request("300m", "moved", "rightsize: shop"));

        assertThat(r.outcome()).isEqualTo(PullRequestResult.Outcome.SKIPPED_CLOSED);
        assertThat(remote.head(BRANCH)).isEqualTo(existing.headSha());
        assertThat(gitlab.findAll(anyRequestedFor(anyUrl()))).hasSize(1);
    }

    @Test
    void mergedIsReadAsMerged() {
        gitlab.stubFor(listByBranch().willReturn(aResponse().withStatus(200).withBody(json(List.of(
                mr(12, "merged", "old\n\n" + MARKER + "\n", "abc"))))));

        assertThat(service().find("rightsize", "shop")).get()
                .extracting(PullRequest::state).isEqualTo(PullRequest.State.MERGED);
    }
}
