package io.kubechores.platform.jenkins;

/**
 * A Jenkins controller and the credentials to trigger jobs on it (user + API token). The token is a secret:
 * {@link #toString()} never shows it.
 */
public record JenkinsAccess(String url, String user, String token, boolean readOnly) {
    public JenkinsAccess(String url, String user, String token) {
        this(url, user, token, false);
    }

    /** The same controller for a dry run: {@link JenkinsClient} refuses every request but GET. */
    public JenkinsAccess asReadOnly() {
        return new JenkinsAccess(url, user, token, true);
    }

    @Override
    public String toString() {
        return "JenkinsAccess[url=" + url + ", user=" + user + ", token=" + (token == null ? "none" : "***")
                + (readOnly ? ", read-only" : "") + "]";
    }
}
