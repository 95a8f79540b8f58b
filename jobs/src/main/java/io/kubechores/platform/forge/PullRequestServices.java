package io.kubechores.platform.forge;

import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.git.BotBranches;
import io.kubechores.platform.git.GitCredentials;
import io.kubechores.platform.git.GitSsh;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the {@link PullRequestService} a run uses from fleet.yaml's {@code forge} section:
 * <ul>
 *   <li>{@code local}: PRs are files under {@code forge.url} (a folder; relative paths resolve against baseDir);</li>
 *   <li>{@code github}: REST v3 at {@code forge.url} (default https://api.github.com), repo {@code forge.repository}
 *       = owner/name, token from the env var named {@code forge.tokenEnv};</li>
 *   <li>{@code gitlab}: REST v4 at {@code forge.url} (e.g. https://gitlab.example.com/api/v4), project
 *       {@code forge.repository} = group/project path, token from {@code forge.tokenEnv}.</li>
 * </ul>
 * The branch is pushed to {@code remoteUrl} (the desired-state remote) with commits authored as {@code fleet.git} at
 * the run's clock. Build one per run (the clock is the run's).
 */
public final class PullRequestServices {

    private PullRequestServices() {
    }

    /** As {@link #create(FleetSpec, String, SecretSource, Path, Clock, Path)} with the working directory as base. */
    public static BotPullRequestService create(FleetSpec fleet, String remoteUrl, SecretSource secrets, Path cacheDir,
                                               Clock clock) {
        return create(fleet, remoteUrl, secrets, cacheDir, clock, Path.of("").toAbsolutePath());
    }

    /**
     * @param fleet     fleet.yaml (forge, git author)
     * @param remoteUrl the desired-state remote: a path, file://, http(s):// or ssh URL
     * @param secrets   where forge.tokenEnv is read (the token is never logged)
     * @param cacheDir  where the bare work clone is kept between runs (e.g. ~/.kubechores/cache)
     * @param clock     the run's clock: commit and PR times
     * @param baseDir   resolves a relative local forge folder
     */
    public static BotPullRequestService create(FleetSpec fleet, String remoteUrl, SecretSource secrets, Path cacheDir,
                                               Clock clock, Path baseDir) {
        FleetSpec.Forge f = fleet.forge();
        String type = f.type().toLowerCase(Locale.ROOT);
        BotBranches branches = new BotBranches(remoteUrl, cacheDir,
                GitCredentials.forRemote(remoteUrl, type, f.tokenEnv(), secrets), GitSsh.fromEnvironment(remoteUrl),
                fleet.git(), clock);
        ForgeClient forge = switch (type) {
            case "local" -> new LocalForge(baseDir.resolve(f.url() == null ? ".kubechores/forge" : f.url()), clock);
            case "github" -> new GitHubForge(HttpClients.DEFAULT,
                    URI.create(f.url() == null ? "https://api.github.com" : f.url()), required(f.repository(), type),
                    token(f, secrets));
            case "gitlab" -> new GitLabForge(HttpClients.DEFAULT, URI.create(required(f.url(), type)),
                    required(f.repository(), type), token(f, secrets));
            default -> throw new IllegalArgumentException("fleet.yaml forge.type must be local, github or gitlab: " + type);
        };
        return new BotPullRequestService(branches, forge, f.baseBranch());
    }

    private static String required(String value, String type) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("fleet.yaml forge (" + type + ") needs url and repository");
        }
        return value;
    }

    private static String token(FleetSpec.Forge f, SecretSource secrets) {
        if (f.tokenEnv() == null) {
            throw new IllegalArgumentException("fleet.yaml forge (" + f.type() + ") needs tokenEnv");
        }
        return secrets.get(f.tokenEnv()).orElseThrow(() -> new IllegalStateException(
                "environment variable " + f.tokenEnv() + " (fleet.yaml forge.tokenEnv) is not set"));
    }

    static final class HttpClients {
        static final HttpClient DEFAULT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)   // no h2c upgrade dance on plain http (GitHub Enterprise, tests)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();

        private HttpClients() {
        }
    }
}
