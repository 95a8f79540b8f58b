package io.kubechores.platform.forge;

import io.kubechores.platform.DryRunViolation;

import java.util.List;
import java.util.Optional;

/** A dry run's forge: reads and previews pass through; opening, updating or pushing a PR branch throws. */
public final class ReadOnlyPullRequestService implements PullRequestService {
    private final PullRequestService delegate;

    public ReadOnlyPullRequestService(PullRequestService delegate) {
        this.delegate = delegate;
    }

    @Override
    public PullRequestResult upsert(PullRequestRequest request) {
        throw new DryRunViolation("push branch and open/update pull request"
                + (request == null ? "" : " " + request.job() + "/" + request.topic()));
    }

    @Override
    public List<PullRequestResult> upsertAll(List<PullRequestRequest> requests) {
        if (requests.isEmpty()) return List.of();
        throw new DryRunViolation("push branches and open/update " + requests.size() + " pull request(s) of "
                + requests.getFirst().job());
    }

    @Override
    public PullRequestResult preview(PullRequestRequest request) {
        return delegate.preview(request);
    }

    @Override
    public Optional<PullRequest> find(String job, String topic) {
        return delegate.find(job, topic);
    }

    @Override
    public List<PullRequest> listOpen(String job) {
        return delegate.listOpen(job);
    }
}
