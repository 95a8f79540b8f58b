package io.kubechores.platform.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * Can the forge token push bot branches and open PRs? One GET, nothing written:
 * GitHub "Get a repository" (GET /repos/{owner}/{repo}) returns, for an authenticated caller, a permissions object
 * whose push flag covers both pushing branches and opening pull requests; GitLab "Get a single project"
 * (GET /projects/:id) returns permissions.project_access / group_access with an access_level, where 30 (Developer)
 * and above may push non-protected branches and create merge requests (GitLab docs, "Roles and permissions").
 */
public final class ForgeAccessCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForgeAccessCheck() {}

    /** @param ok the token can push and open PRs  @param detail what the forge said  @param fix when not ok */
    public record Result(boolean ok, String detail, String fix) {}

    public static Result check(FleetSpec.Forge f, SecretSource secrets, HttpClient http) {
        String type = f.type() == null ? "local" : f.type().toLowerCase(Locale.ROOT);
        if (type.equals("local")) return new Result(true, "local forge folder (no token needed)", null);
        if (f.repository() == null || f.repository().isBlank()) {
            return new Result(false, "fleet.yaml forge.repository is not set", "set forge.repository in fleet.yaml");
        }
        if (f.tokenEnv() == null) {
            return new Result(false, "fleet.yaml forge.tokenEnv is not set", "name the token's env var in forge.tokenEnv");
        }
        String token = secrets.get(f.tokenEnv()).orElse(null);
        if (token == null) {
            return new Result(false, "environment variable " + f.tokenEnv() + " is not set",
                    "put the bot's token in " + f.tokenEnv() + " (Secret kubechores-credentials)");
        }
        try {
            if (type.equals("github")) {
                String base = f.url() == null ? "https://api.github.com" : f.url().replaceAll("/$", "");
                HttpResponse<String> r = get(http, base + "/repos/" + f.repository(),
                        "Authorization", "Bearer " + token, "Accept", "application/vnd.github+json");
                if (r.statusCode() == 401) return new Result(false, "GitHub rejected the token (401)", "renew " + f.tokenEnv());
                if (r.statusCode() == 404) {
                    return new Result(false, "GitHub: repository " + f.repository() + " not found for this token (404)",
                            "grant the token access to " + f.repository());
                }
                if (r.statusCode() != 200) return new Result(false, "GitHub answered HTTP " + r.statusCode(), "check forge.url");
                JsonNode p = JSON.readTree(r.body()).path("permissions");
                boolean push = p.path("push").asBoolean(false);
                return push ? new Result(true, "GitHub: token may push to and open PRs on " + f.repository(), null)
                        : new Result(false, "GitHub: token has no push permission on " + f.repository(),
                        "give the bot write access (contents + pull requests: read and write for a fine-grained token)");
            }
            if (type.equals("gitlab")) {
                String base = f.url() == null ? "" : f.url().replaceAll("/$", "");
                HttpResponse<String> r = get(http, base + "/projects/" + ForgeHttp.enc(f.repository()),
                        "PRIVATE-TOKEN", token, "Accept", "application/json");
                if (r.statusCode() == 401) return new Result(false, "GitLab rejected the token (401)", "renew " + f.tokenEnv());
                if (r.statusCode() == 404) {
                    return new Result(false, "GitLab: project " + f.repository() + " not found for this token (404)",
                            "add the bot to " + f.repository() + " as Developer");
                }
                if (r.statusCode() != 200) return new Result(false, "GitLab answered HTTP " + r.statusCode(), "check forge.url (the API base, .../api/v4)");
                JsonNode p = JSON.readTree(r.body()).path("permissions");
                int level = Math.max(p.path("project_access").path("access_level").asInt(0),
                        p.path("group_access").path("access_level").asInt(0));
                return level >= 30 ? new Result(true, "GitLab: access level " + level + " on " + f.repository(), null)
                        : new Result(false, "GitLab: access level " + level + " on " + f.repository()
                        + " (Developer, 30, is needed to push and open merge requests)", "add the bot as Developer or above");
            }
            return new Result(false, "unknown forge.type " + f.type(), "forge.type is local, github or gitlab");
        } catch (IOException e) {
            return new Result(false, "forge unreachable: " + e.getClass().getSimpleName() + " " + e.getMessage(), "check forge.url and egress");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted", null);
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String... headers)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).headers(headers).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
