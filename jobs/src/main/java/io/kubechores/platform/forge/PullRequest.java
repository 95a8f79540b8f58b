package io.kubechores.platform.forge;

/**
 * A pull/merge request as the forge reports it.
 *
 * @param id      forge number/iid (or local id)
 * @param url     web URL (or file path for the local forge)
 * @param branch  head branch
 * @param topic   topic read back from the hidden marker
 * @param state   OPEN, CLOSED (without merge) or MERGED
 * @param title   title
 * @param body    body (with marker)
 * @param headSha commit at the head of the branch
 */
public record PullRequest(String id, String url, String branch, String topic, State state, String title, String body,
                          String headSha) {
    public enum State { OPEN, CLOSED, MERGED }
}
