/**
 * Bot pull requests (DESIGN §4) on the configured forge: local folder, GitHub REST v3, GitLab REST v4.
 *
 * <h2>For a job</h2>
 * <pre>{@code
 * PullRequestService prs = ctx.platform().pullRequests();
 * PullRequestRequest req = new PullRequestRequest(
 *         "rightsize", "shop",                                  // branch kubechores/rightsize/shop
 *         "rightsize: shop (3 containers)",                     // title
 *         Reports.render("markdown/rightsize-pr.ftl", model),   // body; the service appends the topic marker
 *         List.of("kubechores", "rightsize"),                   // labels (added, never removed)
 *         Map.of("apps/shop/deployment.yaml", editedContent),   // repo-relative path -> FULL new content
 *         "rightsize: shop/web cpu 500m -> 250m",               // commit message
 *         false);                                               // reopenClosed
 * // Chore.rollUp (plan; a dry run stops here):
 * PullRequestResult would = prs.preview(req);                   // exact outcome, nothing pushed or edited
 * // Chore.applyRollUp (real runs only):
 * if (would.outcome() != UNCHANGED && would.outcome() != SKIPPED_CLOSED && ctx.limit().tryAcquire()) {
 *     PullRequestResult done = prs.upsert(req);                 // CREATED | UPDATED | UNCHANGED | SKIPPED_CLOSED | SKIPPED_EDITED
 *     ctx.applied(action);
 * }
 * }</pre>
 * Many topics per run (rightsize): build the requests, {@code preview} or filter them, then
 * {@code prs.upsertAll(requests)}: same outcomes, but all branches go out in one fetch + one push (100 force-pushed PRs
 * in ~4 s instead of ~40 s on the shared 2-core box, see bench/PullRequestBench).
 * {@code find(job, topic)} returns the newest PR of a topic (any state), {@code listOpen(job)} the open ones (a cap on
 * open PRs counts these). Outcomes: a human-closed PR is never reopened unless {@code reopenClosed} (then a NEW PR is
 * opened on the force-pushed branch); a merged one is followed by a new PR when the files differ from the base again;
 * when base + files equals the base branch nothing is pushed or opened (UNCHANGED, PR null or the last one); a
 * branch someone other than the bot committed to is neither force-pushed nor its PR edited (SKIPPED_EDITED) until a
 * human deletes the branch or closes the PR.
 *
 * <h2>For the launcher / demo</h2>
 * {@link io.kubechores.platform.forge.PullRequestServices#create} per run, with the run's clock:
 * {@code PullRequestServices.create(fleet, remoteUrl, SecretSource.ENVIRONMENT, cacheDir, clock, baseDir)}.
 *
 * <h2>Pieces</h2>
 * {@link io.kubechores.platform.git.BotBranches} pushes the branch (one commit on the base, pushed only when the tree
 * differs); a {@link io.kubechores.platform.forge.ForgeClient} ({@link io.kubechores.platform.forge.LocalForge},
 * {@link io.kubechores.platform.forge.GitHubForge}, {@link io.kubechores.platform.forge.GitLabForge}) lists, opens and
 * edits PRs; {@link io.kubechores.platform.forge.BotPullRequestService} combines them; the body's hidden marker is
 * {@link io.kubechores.platform.forge.TopicMarker}.
 */
package io.kubechores.platform.forge;
