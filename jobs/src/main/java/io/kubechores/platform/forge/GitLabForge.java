package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GitLab REST v4 merge requests ({@code forge.url} is the API base, e.g. https://gitlab.example.com/api/v4; the
 * project is addressed by its URL-encoded path, e.g. {@code platform%2Ffleet}):
 * <ul>
 *   <li>find: {@code GET /projects/:id/merge_requests?source_branch=...&state=all&per_page=100} (newest first);</li>
 *   <li>open: {@code POST /projects/:id/merge_requests} {source_branch, target_branch, title, description, labels}
 *       (labels comma-separated);</li>
 *   <li>edit: {@code PUT /projects/:id/merge_requests/:iid} {title?, description?, add_labels?};</li>
 *   <li>409 "Another open merge request already exists for this source branch: !n" → {@link AlreadyExistsException}.</li>
 * </ul>
 * Header {@code PRIVATE-TOKEN}. States: opened (and locked) → OPEN, closed → CLOSED, merged → MERGED.
 */
public final class GitLabForge implements ForgeClient {

    private final ForgeHttp http;
    private final String projectPath;

    public GitLabForge(HttpClient client, URI apiBase, String projectPath, String token) {
        if (projectPath == null || projectPath.isBlank()) {
            throw new IllegalArgumentException("GitLab forge.repository must be the project path (group/project)");
        }
        this.projectPath = projectPath;
        this.http = new ForgeHttp(client, apiBase, Map.of("PRIVATE-TOKEN", token, "Accept", "application/json",
                "User-Agent", "kubechores"), "gitlab");
    }

    @Override
    public String type() {
        return "gitlab";
    }

    private String mrPath() {
        return "/projects/" + ForgeHttp.enc(projectPath) + "/merge_requests";
    }

    @Override
    public List<PullRequest> findByBranch(String branch) {
        List<PullRequest> out = new ArrayList<>();
        for (JsonNode n : http.getAll(mrPath() + "?source_branch=" + ForgeHttp.enc(branch) + "&state=all&per_page=100")) {
            if (branch.equals(n.path("source_branch").asText())) {
                out.add(toPullRequest(n));
            }
        }
        return out;
    }

    @Override
    public List<PullRequest> listOpen(String branchPrefix) {
        List<PullRequest> out = new ArrayList<>();
        for (JsonNode n : http.getAll(mrPath() + "?state=opened&per_page=100")) {
            if (n.path("source_branch").asText().startsWith(branchPrefix)) {
                out.add(toPullRequest(n));
            }
        }
        return out;
    }

    @Override
    public PullRequest create(String branch, String base, String title, String body, List<String> labels,
                              String headSha) {
        ObjectNode req = ForgeHttp.JSON.createObjectNode()
                .put("source_branch", branch).put("target_branch", base).put("title", title)
                .put("description", body);
        if (labels != null && !labels.isEmpty()) {
            req.put("labels", String.join(",", labels));
        }
        ForgeHttp.Response r = http.send("POST", mrPath(), req);
        if (r.status() == 409) {
            // "Another open merge request already exists for this source branch: !n" (the text may be localised)
            throw new AlreadyExistsException("gitlab: " + r.message());
        }
        if (!r.ok()) {
            throw new ForgeException("gitlab POST merge_requests: HTTP " + r.status() + " " + r.message(), r.status());
        }
        return toPullRequest(r.json());
    }

    @Override
    public PullRequest update(PullRequest existing, String title, String body, List<String> addLabels,
                              String headSha) {
        ObjectNode req = ForgeHttp.JSON.createObjectNode();
        if (title != null) {
            req.put("title", title);
        }
        if (body != null) {
            req.put("description", body);
        }
        if (addLabels != null && !addLabels.isEmpty()) {
            req.put("add_labels", String.join(",", addLabels));
        }
        if (req.isEmpty()) {
            return existing;
        }
        return toPullRequest(http.expectOk("PUT", mrPath() + "/" + existing.id(), req).json());
    }

    /**
     * Merge request notes (GitLab REST "Notes API": GET/POST /projects/:id/merge_requests/:merge_request_iid/notes,
     * body {"body": ...}; system notes — label changes, pushes — are left out).
     */
    @Override
    public List<String> comments(PullRequest pr) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : http.getAll(mrPath() + "/" + pr.id() + "/notes?sort=asc&per_page=100")) {
            if (!n.path("system").asBoolean(false)) out.add(n.path("body").asText(""));
        }
        return out;
    }

    @Override
    public void comment(PullRequest pr, String body) {
        http.expectOk("POST", mrPath() + "/" + pr.id() + "/notes", ForgeHttp.JSON.createObjectNode().put("body", body));
    }

    static PullRequest toPullRequest(JsonNode n) {
        PullRequest.State state = switch (n.path("state").asText()) {
            case "merged" -> PullRequest.State.MERGED;
            case "closed" -> PullRequest.State.CLOSED;
            default -> PullRequest.State.OPEN;
        };
        String body = n.path("description").isNull() ? "" : n.path("description").asText("");
        List<String> labels = new ArrayList<>();
        n.path("labels").forEach(l -> labels.add(l.isTextual() ? l.asText() : l.path("name").asText()));
        return new PullRequest(n.path("iid").asText(), n.path("web_url").asText(null),
                n.path("source_branch").asText(null),
                TopicMarker.read(body).map(TopicMarker.Topic::topic).orElse(null), state,
                n.path("title").asText(""), body, n.path("sha").asText(null), labels);
    }
}
