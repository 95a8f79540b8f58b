package io.kubechores.rightsize;

import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test double of the forge seam: PRs in memory, following the PullRequestService contract (one open PR per topic). */
final class InMemoryPullRequests implements PullRequestService {
    record Stored(PullRequest pr, Map<String, String> files, List<String> labels) {}

    final List<Stored> prs = new ArrayList<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized PullRequestResult upsert(PullRequestRequest r) {
        calls.add("upsert " + r.topic());
        Optional<Stored> last = latest(r.job(), r.topic());
        if (last.isPresent() && last.get().pr().state() == PullRequest.State.OPEN) {
            Stored s = last.get();
            if (s.files().equals(r.files()) && s.pr().title().equals(r.title()) && s.pr().body().equals(r.body())) {
                return new PullRequestResult(PullRequestResult.Outcome.UNCHANGED, s.pr());
            }
            PullRequest updated = new PullRequest(s.pr().id(), s.pr().url(), r.branch(), r.topic(),
                    PullRequest.State.OPEN, r.title(), r.body(), "sha" + prs.size());
            prs.set(prs.indexOf(s), new Stored(updated, r.files(), r.labels()));
            return new PullRequestResult(PullRequestResult.Outcome.UPDATED, updated);
        }
        if (last.isPresent() && last.get().pr().state() == PullRequest.State.CLOSED && !r.reopenClosed()) {
            return new PullRequestResult(PullRequestResult.Outcome.SKIPPED_CLOSED, last.get().pr());
        }
        String id = "#" + (prs.size() + 1);
        PullRequest pr = new PullRequest(id, "local://" + id, r.branch(), r.topic(), PullRequest.State.OPEN, r.title(),
                r.body(), "sha" + prs.size());
        prs.add(new Stored(pr, r.files(), r.labels()));
        return new PullRequestResult(PullRequestResult.Outcome.CREATED, pr);
    }

    @Override
    public synchronized Optional<PullRequest> find(String job, String topic) {
        return latest(job, topic).map(Stored::pr);
    }

    @Override
    public synchronized List<PullRequest> listOpen(String job) {
        return prs.stream().map(Stored::pr).filter(p -> p.state() == PullRequest.State.OPEN)
                .filter(p -> p.branch().startsWith("kubechores/" + job + "/")).toList();
    }

    /** A human closes the PR without merging. */
    synchronized void close(String topic) {
        Stored s = latest("rightsize", topic).orElseThrow();
        PullRequest p = s.pr();
        prs.set(prs.indexOf(s), new Stored(new PullRequest(p.id(), p.url(), p.branch(), p.topic(),
                PullRequest.State.CLOSED, p.title(), p.body(), p.headSha()), s.files(), s.labels()));
    }

    private Optional<Stored> latest(String job, String topic) {
        for (int i = prs.size() - 1; i >= 0; i--) {
            if (prs.get(i).pr().branch().equals("kubechores/" + job + "/" + topic)) return Optional.of(prs.get(i));
        }
        return Optional.empty();
    }
}
