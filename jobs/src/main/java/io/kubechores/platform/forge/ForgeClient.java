package io.kubechores.platform.forge;

import java.util.List;

/**
 * The forge-specific half of {@link PullRequestService}: how one forge (local folder, GitHub, GitLab) lists, opens
 * and edits pull requests. Branch pushing is not its business ({@link io.kubechores.platform.git.BotBranches} does
 * it); {@link BotPullRequestService} combines both.
 */
public interface ForgeClient {

    /** local | github | gitlab */
    String type();

    /** Every PR (any state) whose head is {@code branch}, newest first. */
    List<PullRequest> findByBranch(String branch);

    /** Open PRs whose head branch starts with {@code branchPrefix}. */
    List<PullRequest> listOpen(String branchPrefix);

    /**
     * Opens a PR from {@code branch} into {@code base} and sets its labels.
     *
     * @throws AlreadyExistsException when the forge refuses because an open PR for the branch exists
     */
    PullRequest create(String branch, String base, String title, String body, List<String> labels, String headSha);

    /**
     * Edits an open PR: title and body replaced, {@code addLabels} added (labels set by humans stay). A null title
     * or body leaves it alone; {@code headSha} is the branch head just pushed (the local forge records it).
     */
    PullRequest update(PullRequest existing, String title, String body, List<String> addLabels, String headSha);

    /** The bodies of the PR's comments, oldest first (for idempotent comments: look for a marker first). */
    default List<String> comments(PullRequest pr) {
        return List.of();
    }

    /** Adds a comment to the PR (a conversation comment, not a review). */
    default void comment(PullRequest pr, String body) {
        throw new UnsupportedOperationException(type() + " forge: comments not supported");
    }

    /** The forge refused to open a PR because one is already open for the branch. */
    final class AlreadyExistsException extends RuntimeException {
        public AlreadyExistsException(String message) {
            super(message);
        }
    }

    /** A forge API call failed (status and the forge's message; never a token). */
    final class ForgeException extends RuntimeException {
        private final int status;

        public ForgeException(String message, int status) {
            super(message);
            this.status = status;
        }

        public ForgeException(String message, Throwable cause) {
            super(message, cause);
            this.status = -1;
        }

        /** HTTP status, -1 when the call did not get one */
        public int status() {
            return status;
        }
    }
}
