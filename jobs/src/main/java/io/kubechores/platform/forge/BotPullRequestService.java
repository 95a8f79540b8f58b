package io.kubechores.platform.forge;

import io.kubechores.platform.git.BotBranches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link PullRequestService} = {@link BotBranches} (the branch on the desired-state remote) + a {@link ForgeClient}
 * (the PR on the forge). Per topic:
 * <ol>
 *   <li>find the newest PR whose head is {@code kubechores/<job>/<topic>} and whose body carries the topic marker;</li>
 *   <li>closed by a human (not merged) → SKIPPED_CLOSED, nothing pushed, unless {@code reopenClosed} (then a new PR
 *       is opened on the force-pushed branch);</li>
 *   <li>otherwise push the branch (one commit on the base branch; pushed only when the tree differs);</li>
 *   <li>open PR → edit title/body/labels only where they differ (UPDATED), or nothing at all (UNCHANGED);
 *       no open PR → open one (CREATED); the forge saying "already exists" → that PR is found and updated.</li>
 * </ol>
 * When base + files equals the base branch (nothing to propose) and no PR is open, nothing is pushed or opened:
 * UNCHANGED with the newest PR of the topic, or with a null PR.
 */
public final class BotPullRequestService implements PullRequestService {

    private static final Logger log = LoggerFactory.getLogger(BotPullRequestService.class);

    private final BotBranches branches;
    private final ForgeClient forge;
    private final String baseBranch;

    public BotPullRequestService(BotBranches branches, ForgeClient forge, String baseBranch) {
        this.branches = branches;
        this.forge = forge;
        this.baseBranch = baseBranch == null ? "main" : baseBranch;
    }

    public ForgeClient forge() {
        return forge;
    }

    public BotBranches branches() {
        return branches;
    }

    public String baseBranch() {
        return baseBranch;
    }

    @Override
    public synchronized PullRequestResult upsert(PullRequestRequest request) {
        return run(request, true);
    }

    /**
     * Exactly what {@link #upsert} would do, with nothing pushed or edited (reads the forge, fetches the remote):
     * for dry-run plans. A would-be CREATED carries a null PR.
     */
    @Override
    public synchronized PullRequestResult preview(PullRequestRequest request) {
        return run(request, false);
    }

    /**
     * Many topics at once: the forge is read per topic, but all branches go out in ONE fetch and ONE push
     * (see {@link BotBranches#upsertAll}). Results are in request order; branches must be distinct.
     */
    @Override
    public synchronized List<PullRequestResult> upsertAll(List<PullRequestRequest> requests) {
        requests.forEach(BotPullRequestService::validate);
        if (requests.stream().map(PullRequestRequest::branch).distinct().count() != requests.size()) {
            throw new IllegalArgumentException("upsertAll: two requests for the same job/topic");
        }
        PullRequestResult[] out = new PullRequestResult[requests.size()];
        List<Integer> pending = new java.util.ArrayList<>();
        List<Optional<PullRequest>> lasts = new java.util.ArrayList<>();
        List<BotBranches.Change> changes = new java.util.ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            PullRequestRequest r = requests.get(i);
            Optional<PullRequest> last = find(r.job(), r.topic());
            Optional<PullRequestResult> skipped = skipClosed(r, last, true);
            if (skipped.isPresent()) {
                out[i] = skipped.get();
            } else {
                pending.add(i);
                lasts.add(last);
                changes.add(new BotBranches.Change(r.branch(), r.files(), r.commitMessage()));
            }
        }
        List<BotBranches.BranchResult> pushed = branches.upsertAll(baseBranch, changes);
        for (int k = 0; k < pending.size(); k++) {
            int i = pending.get(k);
            out[i] = onForge(requests.get(i), lasts.get(k), pushed.get(k), true);
        }
        return List.of(out);
    }

    private PullRequestResult run(PullRequestRequest request, boolean apply) {
        validate(request);
        String branch = request.branch();
        Optional<PullRequest> last = find(request.job(), request.topic());
        Optional<PullRequestResult> skipped = skipClosed(request, last, apply);
        if (skipped.isPresent()) {
            return skipped.get();
        }
        BotBranches.BranchResult pushed = apply
                ? branches.upsert(branch, baseBranch, request.files(), request.commitMessage())
                : branches.preview(branch, baseBranch, request.files());
        return onForge(request, last, pushed, apply);
    }

    private Optional<PullRequestResult> skipClosed(PullRequestRequest request, Optional<PullRequest> last,
                                                   boolean apply) {
        if (last.isPresent() && last.get().state() == PullRequest.State.CLOSED && !request.reopenClosed()) {
            log.info("pr {}SKIPPED_CLOSED job={} topic={} #{} was closed by a human; not reopened",
                    apply ? "" : "(preview) ", request.job(), request.topic(), last.get().id());
            return Optional.of(new PullRequestResult(PullRequestResult.Outcome.SKIPPED_CLOSED, last.get()));
        }
        return Optional.empty();
    }

    /** The forge half, once the branch is pushed (or previewed). */
    private PullRequestResult onForge(PullRequestRequest request, Optional<PullRequest> last,
                                      BotBranches.BranchResult pushed, boolean apply) {
        String branch = request.branch();
        Optional<PullRequest> open = last.filter(PullRequest::isOpen);
        if (pushed.outcome() == BotBranches.Outcome.NO_CHANGE_FROM_BASE && open.isEmpty()) {
            log.info("pr {}UNCHANGED job={} topic={}: {} already holds these files; nothing to propose",
                    apply ? "" : "(preview) ", request.job(), request.topic(), baseBranch);
            return new PullRequestResult(PullRequestResult.Outcome.UNCHANGED, last.orElse(null));
        }
        if (pushed.outcome() == BotBranches.Outcome.EDITED_BY_OTHERS) {
            log.info("pr {}SKIPPED_EDITED job={} topic={}{}: branch {} has commits by someone else; left alone",
                    apply ? "" : "(preview) ", request.job(), request.topic(), open.map(pr -> " #" + pr.id()).orElse(""),
                    branch);
            if (apply && open.isPresent()) commentBackedOff(request, open.get());
            return new PullRequestResult(PullRequestResult.Outcome.SKIPPED_EDITED, open.orElse(last.orElse(null)));
        }
        String body = TopicMarker.withMarker(request.body(), request.job(), request.topic());
        if (open.isPresent()) {
            return updateOpen(request, open.get(), body, pushed, apply);
        }
        if (!apply) {
            return new PullRequestResult(PullRequestResult.Outcome.CREATED, null);
        }
        try {
            PullRequest created = forge.create(branch, baseBranch, request.title(), body, request.labels(),
                    pushed.headSha());
            log.info("pr CREATED job={} topic={} #{} branch={} files={}", request.job(), request.topic(),
                    created.id(), branch, pushed.changedPaths());
            recordDiff(branch, pushed);
            return new PullRequestResult(PullRequestResult.Outcome.CREATED, created.withHeadSha(pushed.headSha()));
        } catch (ForgeClient.AlreadyExistsException e) {
            // opened concurrently, or an open PR on the branch without our marker: adopt it
            PullRequest existing = forge.findByBranch(branch).stream().filter(PullRequest::isOpen).findFirst()
                    .orElseThrow(() -> new ForgeClient.ForgeException(
                            "forge says a PR exists for " + branch + " but lists none open: " + e.getMessage(), 409));
            return updateOpen(request, existing, body, pushed, true);
        }
    }

    private PullRequestResult updateOpen(PullRequestRequest request, PullRequest pr, String body,
                                         BotBranches.BranchResult pushed, boolean apply) {
        boolean titleDiffers = !request.title().equals(pr.title());
        boolean bodyDiffers = !TopicMarker.sameBody(body, pr.body());
        List<String> missingLabels = request.labels().stream().filter(l -> !pr.labels().contains(l)).toList();
        boolean localHeadStale = "local".equals(forge.type()) && pushed.headSha() != null
                && !pushed.headSha().equals(pr.headSha());
        if (!titleDiffers && !bodyDiffers && missingLabels.isEmpty() && !pushed.pushed() && !localHeadStale) {
            log.info("pr {}UNCHANGED job={} topic={} #{}", apply ? "" : "(preview) ", request.job(), request.topic(),
                    pr.id());
            return new PullRequestResult(PullRequestResult.Outcome.UNCHANGED, pr.withHeadSha(pushed.headSha()));
        }
        if (!apply) {
            return new PullRequestResult(PullRequestResult.Outcome.UPDATED, pr);
        }
        PullRequest updated = pr;
        if (titleDiffers || bodyDiffers || !missingLabels.isEmpty() || localHeadStale) {
            updated = forge.update(pr, titleDiffers ? request.title() : null, bodyDiffers ? body : null,
                    missingLabels, pushed.headSha());
        }
        if (pushed.pushed()) {
            recordDiff(pr.branch(), pushed);
        }
        log.info("pr UPDATED job={} topic={} #{} branch={}{}{}{}", request.job(), request.topic(), pr.id(),
                pr.branch(), pushed.pushed() ? " force-pushed" : "", titleDiffers ? " title" : "",
                bodyDiffers ? " body" : "");
        return new PullRequestResult(PullRequestResult.Outcome.UPDATED, updated.withHeadSha(pushed.headSha()));
    }

    /** Says once on the PR that the bot backs off (BotPrConventions.backedOff); a forge without comments is skipped. */
    private void commentBackedOff(PullRequestRequest request, PullRequest pr) {
        try {
            if (forge.comments(pr).stream().anyMatch(c -> c.contains(BotPrConventions.BACKED_OFF_MARKER))) return;
            forge.comment(pr, BotPrConventions.backedOff(request.job(), pr.branch()));
            log.info("pr COMMENTED job={} topic={} #{}: backed off a branch a human edited", request.job(), request.topic(), pr.id());
        } catch (UnsupportedOperationException e) {
            log.info("pr job={} topic={} #{}: {}", request.job(), request.topic(), pr.id(), e.getMessage());
        } catch (ForgeClient.ForgeException e) { // the back-off itself stands; the comment is retried next run
            log.warn("pr job={} topic={} #{}: back-off comment not posted: {}", request.job(), request.topic(), pr.id(), e.getMessage());
        }
    }

    private void recordDiff(String branch, BotBranches.BranchResult pushed) {
        if (forge instanceof LocalForge local && pushed.headSha() != null && pushed.baseSha() != null) {
            local.writeDiff(branch, branches.diff(pushed.baseSha(), pushed.headSha()));
        }
    }

    @Override
    public synchronized Optional<PullRequest> find(String job, String topic) {
        String branch = "kubechores/" + job + "/" + topic;
        return forge.findByBranch(branch).stream()
                .filter(pr -> TopicMarker.read(pr.body())
                        .map(t -> t.job().equals(job) && t.topic().equals(topic)).orElse(false))
                .max(Comparator.comparingLong(BotPullRequestService::number));
    }

    @Override
    public synchronized List<PullRequest> listOpen(String job) {
        return forge.listOpen("kubechores/" + job + "/").stream()
                .filter(pr -> TopicMarker.read(pr.body()).map(t -> t.job().equals(job)).orElse(false))
                .sorted(Comparator.comparingLong(BotPullRequestService::number))
                .toList();
    }

    private static long number(PullRequest pr) {
        try {
            return Long.parseLong(pr.id());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void validate(PullRequestRequest r) {
        if (r.job() == null || !r.job().matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("job must match [a-z0-9-]+: " + r.job());
        }
        if (r.topic() == null || !r.topic().matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("topic must match [a-z0-9][a-z0-9._-]*: " + r.topic());
        }
        if (r.title() == null || r.title().isBlank()) {
            throw new IllegalArgumentException("a PR needs a title");
        }
        if (r.files().isEmpty()) {
            throw new IllegalArgumentException("a PR needs at least one file");
        }
        if (r.commitMessage() == null || r.commitMessage().isBlank()) {
            throw new IllegalArgumentException("a PR needs a commit message");
        }
    }
}
