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

    /**
     * What {@link #upsert} would do, changing nothing (dry-run plans). Implementations that can compare the branch
     * tree answer exactly (BotPullRequestService does); this default answers from {@link #find} alone: closed →
     * SKIPPED_CLOSED (unless reopenClosed), open → UPDATED, none or merged → CREATED (with a null PR).
     */
    default PullRequestResult preview(PullRequestRequest request) {
        Optional<PullRequest> last = find(request.job(), request.topic());
        if (last.isPresent() && last.get().state() == PullRequest.State.CLOSED && !request.reopenClosed()) {
            return new PullRequestResult(PullRequestResult.Outcome.SKIPPED_CLOSED, last.get());
        }
        if (last.isPresent() && last.get().state() == PullRequest.State.OPEN) {
            return new PullRequestResult(PullRequestResult.Outcome.UPDATED, last.get());
        }
        return new PullRequestResult(PullRequestResult.Outcome.CREATED, null);
    }

    /**
     * {@link #upsert} for many topics (results in request order). BotPullRequestService pushes all branches in one
     * fetch + one push; this default simply loops.
     */
    default List<PullRequestResult> upsertAll(List<PullRequestRequest> requests) {
        return requests.stream().map(this::upsert).toList();
    }

    /** The newest PR (open, closed or merged) for job + topic, if any. */
    Optional<PullRequest> find(String job, String topic);

    /** Open PRs of a job. */
    List<PullRequest> listOpen(String job);
}
