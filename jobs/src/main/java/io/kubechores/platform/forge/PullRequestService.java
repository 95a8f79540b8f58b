package io.kubechores.platform.forge;

import java.util.List;
import java.util.Optional;

/**
 * Bot pull requests on the configured forge (local folder, GitHub, GitLab), following DESIGN §4:
 * branch kubechores/&lt;job&gt;/&lt;topic&gt;, at most one open PR per topic, updated in place (force-pushed branch,
 * edited body), a hidden marker in the body identifying the topic, commits authored as the Fleet's git author.
 */
public interface PullRequestService {

    /**
     * Opens the PR for the request's topic, or updates the open one. Idempotent: when the branch already holds
     * exactly these file contents and the PR has this title/body, nothing is pushed or edited (UNCHANGED).
     * A PR closed without merge is not reopened (SKIPPED_CLOSED) unless {@link PullRequestRequest#reopenClosed()}.
     */
    PullRequestResult upsert(PullRequestRequest request);

    /** The newest PR (open, closed or merged) for job + topic, if any. */
    Optional<PullRequest> find(String job, String topic);

    /** Open PRs of a job. */
    List<PullRequest> listOpen(String job);
}
