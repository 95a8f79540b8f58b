package io.kubechores.rightsize;

import io.kubechores.core.Action;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.WriteAhead;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sends rightsize's pull requests as one forge batch, write-ahead (issue 23): every PR's intent is in the audit trail
 * (one group commit for the batch) and the run is checked to still hold its lease and deadline before the forge is
 * asked; each PR's outcome (opened, updated, unchanged, skipped, failed) follows the answer. A PR whose intent was
 * refused (run stopped) is not sent and comes back FAILED with the reason.
 */
final class AuditedPullRequests {
    private static final Logger log = LoggerFactory.getLogger(AuditedPullRequests.class);

    private AuditedPullRequests() {}

    /** The outcome of each planned PR, in the order given. */
    static List<Action> upsert(ChoreContext ctx, PullRequestService forge, List<Action> planned,
                               List<PullRequestRequest> requests) {
        Action[] out = new Action[planned.size()];
        WriteAhead.Batch intents = WriteAhead.intents(ctx, planned);
        List<Integer> send = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            if (intents.allowed(i)) send.add(i);
            else out[i] = intents.refused(i);
        }
        if (send.isEmpty()) return Arrays.asList(out);
        List<PullRequestResult> results;
        try {
            results = forge.upsertAll(send.stream().map(requests::get).toList());
        } catch (RuntimeException e) {
            String why = ChoreRunner.describe(e);
            log.warn("job={} pull requests failed: {}", ctx.job(), why);
            for (int i : send) {
                Action a = planned.get(i);
                out[i] = intents.outcome(i, a.withStatus(Action.Status.FAILED, a.detail() + ": " + why));
            }
            return Arrays.asList(out);
        }
        for (int j = 0; j < send.size(); j++) {
            int i = send.get(j);
            out[i] = intents.outcome(i, outcome(planned.get(i), results.get(j)));
        }
        return Arrays.asList(out);
    }

    static Action outcome(Action a, PullRequestResult r) {
        String url = r.pullRequest() == null ? "" : " → " + r.pullRequest().url();
        return switch (r.outcome()) {
            case CREATED -> new Action(a.target(), "open-pr", a.detail() + url, a.reason(), Action.Status.APPLIED);
            case UPDATED -> new Action(a.target(), "update-pr", a.detail() + url, a.reason(), Action.Status.APPLIED);
            case UNCHANGED -> a.withStatus(Action.Status.UNCHANGED, a.detail() + url);
            case SKIPPED_CLOSED -> new Action(a.target(), a.verb(), a.detail(), "the last PR was closed by a human",
                    Action.Status.SKIPPED);
            case SKIPPED_EDITED -> new Action(a.target(), a.verb(), a.detail() + url,
                    "the PR branch has commits by someone else: left alone (delete the branch or close the PR to let kubechores take over)",
                    Action.Status.SKIPPED);
        };
    }
}
