package io.kubechores.platform.jenkins;

/**
 * A Jenkins controller and the credentials to trigger jobs on it (user + API token). The token is a secret:
 * {@link #toString()} never shows it.
 */
public record JenkinsAccess(String url, String user, String token) {
    @Override
    public String toString() {
        return "JenkinsAccess[url=" + url + ", user=" + user + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
