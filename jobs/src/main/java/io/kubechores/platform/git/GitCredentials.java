package io.kubechores.platform.git;

import io.kubechores.desiredstate.SecretSource;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import java.util.Locale;

/**
 * Credentials for pushing bot branches. Only http(s) remotes take a token (from the environment variable named by
 * Fleet.forge.tokenEnv, read through {@link SecretSource}); local/file remotes need none; ssh remotes authenticate
 * with the keys in {@code ~/.ssh} through JGit's sshd transport. The token is never logged.
 */
public final class GitCredentials {

    private GitCredentials() {
    }

    /**
     * @param remoteUrl the desired-state remote
     * @param forgeType local | github | gitlab (picks the user name the forge expects with a token)
     * @param tokenEnv  name of the env var holding the token (may be null)
     * @param secrets   where to read it
     * @return a provider, or null when the remote is not http(s) or no token is configured
     */
    public static CredentialsProvider forRemote(String remoteUrl, String forgeType, String tokenEnv,
                                                SecretSource secrets) {
        if (remoteUrl == null || !remoteUrl.toLowerCase(Locale.ROOT).startsWith("http")) {
            return null;
        }
        if (tokenEnv == null || secrets == null) {
            return null;
        }
        return secrets.get(tokenEnv)
                .map(token -> (CredentialsProvider) new UsernamePasswordCredentialsProvider(userFor(forgeType), token))
                .orElse(null);
    }

    /** GitHub accepts any user with a token ("x-access-token" is what its apps use); GitLab wants "oauth2". */
    static String userFor(String forgeType) {
        return switch (forgeType == null ? "" : forgeType) {
            case "github" -> "x-access-token";
            case "gitlab" -> "oauth2";
            default -> "kubechores";
        };
    }
}
