package io.kubechores.platform.forge;

import java.util.List;

/**
 * A pull/merge request as the forge reports it.
 *
 * @param id      forge number/iid (or local id)
 * @param url     web URL (or file path for the local forge)
 * @param branch  head branch
 * @param topic   topic read back from the hidden marker (the {@link PullRequestRequest#topic()} part, without the
 *                job); null when the body carries no marker
 * @param state   OPEN, CLOSED (without merge) or MERGED
 * @param title   title
 * @param body    body (with marker)
 * @param headSha commit at the head of the branch
 * @param labels  labels the forge reports (empty when unknown)
 */
public record PullRequest(String id, String url, String branch, String topic, State state, String title, String body,
                          String headSha, List<String> labels) {
    public enum State { OPEN, CLOSED, MERGED }

    public PullRequest {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** The original shape (without labels), kept for callers written against it. */
    public PullRequest(String id, String url, String branch, String topic, State state, String title, String body,
                       String headSha) {
        this(id, url, branch, topic, state, title, body, headSha, List.of());
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    PullRequest withHeadSha(String sha) {
        return new PullRequest(id, url, branch, topic, state, title, body, sha, labels);
    }
}
