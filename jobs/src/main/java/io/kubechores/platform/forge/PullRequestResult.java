package io.kubechores.platform.forge;

/** What {@link PullRequestService#upsert} did. */
public record PullRequestResult(Outcome outcome, PullRequest pullRequest) {
    public enum Outcome {
        /** a new PR was opened */
        CREATED,
        /** the open PR's branch and/or body were updated */
        UPDATED,
        /** the open PR already says exactly this */
        UNCHANGED,
        /** the last PR for the topic was closed by a human; not reopened */
        SKIPPED_CLOSED,
        /** the PR's branch has commits by someone else than the bot; left alone (not force-pushed, not edited) */
        SKIPPED_EDITED
    }
}
