package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GitHub REST v3 (api.github.com or GitHub Enterprise's /api/v3):
 * <ul>
 *   <li>find: {@code GET /repos/{owner}/{repo}/pulls?state=all&head={owner}:{branch}&per_page=100} (newest first);</li>
 *   <li>open: {@code POST /repos/{owner}/{repo}/pulls} {title, head, base, body}, then labels with
 *       {@code POST /repos/{owner}/{repo}/issues/{number}/labels} {labels} (PRs are issues; labels are added);</li>
 *   <li>edit: {@code PATCH /repos/{owner}/{repo}/pulls/{number}} {title?, body?};</li>
 *   <li>422 "A pull request already exists for owner:branch." → {@link AlreadyExistsException}.</li>
 * </ul>
 * Headers: {@code Authorization: Bearer <token>}, {@code Accept: application/vnd.github+json},
 * {@code X-GitHub-Api-Version: 2022-11-28}. A PR is MERGED when closed with {@code merged_at} set.
 */
public final class GitHubForge implements ForgeClient {

    private final ForgeHttp http;
    private final String repository;
    private final String owner;

    public GitHubForge(HttpClient client, URI apiBase, String repository, String token) {
        if (repository == null || !repository.matches("[^/]+/[^/]+")) {
            throw new IllegalArgumentException("GitHub forge.repository must be owner/name: " + repository);
        }
        this.repository = repository;
        this.owner = repository.substring(0, repository.indexOf('/'));
        this.http = new ForgeHttp(client, apiBase, Map.of(
                "Authorization", "Bearer " + token,
                "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", "2022-11-28",
                "User-Agent", "kubechores"), "github");
    }

    @Override
    public String type() {
        return "github";
    }

    private String repoPath() {
        return "/repos/" + repository;
    }

    @Override
    public List<PullRequest> findByBranch(String branch) {
        List<PullRequest> out = new ArrayList<>();
        for (JsonNode n : http.getAll(repoPath() + "/pulls?state=all&head=" + ForgeHttp.enc(owner + ":" + branch)
                + "&per_page=100")) {
            if (branch.equals(n.path("head").path("ref").asText())) {
                out.add(toPullRequest(n));
            }
        }
        return out;
    }

    @Override
    public List<PullRequest> listOpen(String branchPrefix) {
        List<PullRequest> out = new ArrayList<>();
        for (JsonNode n : http.getAll(repoPath() + "/pulls?state=open&per_page=100")) {
            String fullName = n.path("head").path("repo").path("full_name").asText(repository);
            if (n.path("head").path("ref").asText().startsWith(branchPrefix) && fullName.equalsIgnoreCase(repository)) {
                out.add(toPullRequest(n));
            }
        }
        return out;
    }

    @Override
    public PullRequest create(String branch, String base, String title, String body, List<String> labels,
                              String headSha) {
        ObjectNode req = ForgeHttp.JSON.createObjectNode()
                .put("title", title).put("head", branch).put("base", base).put("body", body);
        ForgeHttp.Response r = http.send("POST", repoPath() + "/pulls", req);
        if (r.status() == 422 && r.message().contains("A pull request already exists")) {
            throw new AlreadyExistsException("github: " + r.message());
        }
        if (!r.ok()) {
            throw new ForgeException("github POST " + repoPath() + "/pulls: HTTP " + r.status() + " " + r.message(),
                    r.status());
        }
        PullRequest pr = toPullRequest(r.json());
        return addLabels(pr, labels);
    }

    @Override
    public PullRequest update(PullRequest existing, String title, String body, List<String> addLabels,
                              String headSha) {
        PullRequest pr = existing;
        if (title != null || body != null) {
            ObjectNode req = ForgeHttp.JSON.createObjectNode();
            if (title != null) {
                req.put("title", title);
            }
            if (body != null) {
                req.put("body", body);
            }
            pr = toPullRequest(http.expectOk("PATCH", repoPath() + "/pulls/" + existing.id(), req).json());
        }
        return addLabels(pr, addLabels);
    }

    /**
     * A PR's conversation comments are its issue's comments (GitHub REST "Issue comments": GET/POST
     * /repos/{owner}/{repo}/issues/{issue_number}/comments, body {"body": ...}; "every pull request is an issue").
     */
    @Override
    public List<String> comments(PullRequest pr) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : http.getAll(repoPath() + "/issues/" + pr.id() + "/comments?per_page=100")) {
            out.add(n.path("body").asText(""));
        }
        return out;
    }

    @Override
    public void comment(PullRequest pr, String body) {
        http.expectOk("POST", repoPath() + "/issues/" + pr.id() + "/comments",
                ForgeHttp.JSON.createObjectNode().put("body", body));
    }

    private PullRequest addLabels(PullRequest pr, List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            return pr;
        }
        ObjectNode req = ForgeHttp.JSON.createObjectNode();
        labels.forEach(req.putArray("labels")::add);
        JsonNode now = http.expectOk("POST", repoPath() + "/issues/" + pr.id() + "/labels", req).json();
        List<String> names = new ArrayList<>();
        now.forEach(l -> names.add(l.path("name").asText()));
        return new PullRequest(pr.id(), pr.url(), pr.branch(), pr.topic(), pr.state(), pr.title(), pr.body(),
                pr.headSha(), names);
    }

    static PullRequest toPullRequest(JsonNode n) {
        PullRequest.State state;
        if ("open".equals(n.path("state").asText())) {
            state = PullRequest.State.OPEN;
        } else if (!n.path("merged_at").isMissingNode() && !n.path("merged_at").isNull()) {
            state = PullRequest.State.MERGED;
        } else {
            state = PullRequest.State.CLOSED;
        }
        String body = n.path("body").isNull() ? "" : n.path("body").asText("");
        List<String> labels = new ArrayList<>();
        n.path("labels").forEach(l -> labels.add(l.path("name").asText()));
        return new PullRequest(n.path("number").asText(), n.path("html_url").asText(null),
                n.path("head").path("ref").asText(null),
                TopicMarker.read(body).map(TopicMarker.Topic::topic).orElse(null), state,
                n.path("title").asText(""), body, n.path("head").path("sha").asText(null), labels);
    }
}
