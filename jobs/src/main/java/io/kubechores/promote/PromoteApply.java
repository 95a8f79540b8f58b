package io.kubechores.promote;

import io.kubechores.core.Durations;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.promote.PromoteChore.DeployRecord;
import io.kubechores.promote.PromoteChore.PromotionRecord;
import io.kubechores.promote.PromoteChore.ToolReport;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SafePaths;
import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.git.GitHistory;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.jenkins.JenkinsClient;
import io.kubechores.platform.kube.PromoteKube;
import io.kubechores.platform.notify.Notifier;
import io.kubechores.promote.PromotionPlanner.DeployStep;
import io.kubechores.promote.PromotionPlanner.Promotion;
import io.kubechores.promote.PromotionPlanner.ToolInput;
import io.kubechores.promote.PromotionPlanner.ToolPlan;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies one tool's promotion plan (real runs only: {@link PromoteChore#applyRollUp}): opens/updates the promotion PR
 * (the version edited in place, quoting proven by read-back), triggers the Jenkins deploys per cluster of the next
 * environment once the PR merged and follows each build to its result (remembered under deploy/&lt;tool&gt;/...), records
 * the running promotion, and tells Slack.
 */
final class PromoteApply {
    private static final Logger log = LoggerFactory.getLogger(PromoteApply.class);
    private static final String NAME = PromoteChore.NAME;

    private final JenkinsClient.Limits jenkinsLimits;

    PromoteApply(JenkinsClient.Limits jenkinsLimits) {
        this.jenkinsLimits = jenkinsLimits;
    }

    List<Action> apply(ChoreContext ctx, StateStore store, Resource<ToolSpec> tool, ToolPlan plan, String prBody) {
        List<Action> out = new ArrayList<>();
        boolean prClosed = false;
        boolean anyApplied = false;
        for (Action a : plan.actions()) {
            if (!a.verb().equals("open-pr")) continue;
            Action r = applyPr(ctx, tool, plan, prBody, a);
            prClosed = r.status() == Action.Status.SKIPPED;
            anyApplied |= r.status() == Action.Status.APPLIED;
            out.add(r);
        }
        List<Action> deploys = plan.actions().stream()
                .filter(a -> a.verb().equals("trigger-deploy") && a.status() == Action.Status.PLANNED).toList();
        if (!deploys.isEmpty()) {
            if (prClosed) {
                deploys.forEach(a -> out.add(a.withStatus(Action.Status.SKIPPED,
                        a.detail() + " — not deployed: the promotion PR was closed by a human")));
            } else {
                List<Action> done = applyDeploys(ctx, store, tool, plan, deploys);
                anyApplied |= done.stream().anyMatch(a -> a.status() == Action.Status.APPLIED);
                out.addAll(done);
            }
        }
        plan.actions().stream().filter(a -> !a.verb().equals("open-pr")
                        && !(a.verb().equals("trigger-deploy") && a.status() == Action.Status.PLANNED))
                .forEach(out::add);
        if (anyApplied) startPromotion(ctx, store, tool, plan);
        return out;
    }

    private Action applyPr(ChoreContext ctx, Resource<ToolSpec> tool, ToolPlan plan, String body, Action a) {
        PullRequestService prs = ctx.platform().pullRequests();
        if (prs == null) return a.withStatus(Action.Status.FAILED, a.detail() + " — no forge configured");
        var step = plan.pr();
        io.kubechores.core.AuditLog.Intent intent = null;
        try {
            String current = Files.readString(SafePaths.file(ctx.state().root(), step.file()));
            String edited = PromoteChore.editVersion(current, tool.name(), step.path(), step.version());
            String title = io.kubechores.platform.forge.BotPrConventions.title(NAME,
                    "promote " + tool.name() + " " + step.version() + " to " + plan.candidate().to());
            Optional<PullRequest> open = prs.find(NAME, step.topic()).filter(p -> p.state() == PullRequest.State.OPEN);
            boolean sameProposal = open.map(p -> title.equals(p.title())).orElse(false);
            if (!sameProposal && !ctx.limit().tryAcquire()) {
                return a.withStatus(Action.Status.LIMITED, a.detail() + " — safety limit reached");
            }
            intent = ctx.intend(a); // write-ahead + fence
            PullRequestResult r = prs.upsert(new PullRequestRequest(NAME, step.topic(), title,
                    body + io.kubechores.report.RunLinks.prFooter(ctx),
                    io.kubechores.platform.forge.BotPrConventions.labels(NAME, List.of()), Map.of(step.file(), edited),
                    title + "\n\n" + plan.candidate().version() + " verified healthy and soaked on every "
                            + plan.candidate().from() + " cluster.", false));
            String where = r.pullRequest() == null ? "" : " — PR " + r.pullRequest().id() + " " + r.pullRequest().url();
            Action done = switch (r.outcome()) {
                case CREATED, UPDATED -> a.withStatus(Action.Status.APPLIED,
                        a.detail() + " — " + r.outcome().name().toLowerCase() + where);
                case UNCHANGED -> a.withStatus(Action.Status.UNCHANGED, a.detail() + " — already open" + where);
                case SKIPPED_CLOSED -> a.withStatus(Action.Status.SKIPPED, a.detail() + " — PR closed by a human, not reopened" + where);
                case SKIPPED_EDITED -> a.withStatus(Action.Status.SKIPPED, a.detail()
                        + " — PR branch has commits by someone else, left alone" + where);
            };
            intent.outcome(done);
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            Action failed = a.withStatus(Action.Status.FAILED, a.detail() + " — " + ChoreRunner.describe(e));
            if (intent != null) intent.outcome(failed); // every intent gets its outcome, a failure too
            return failed;
        }
    }

    /**
     * Deploys in two phases so that the prod clusters' builds run in parallel on Jenkins: first every cluster's build
     * is triggered (or found already triggered), then each is followed to its result within the limits.
     */
    private List<Action> applyDeploys(ChoreContext ctx, StateStore store, Resource<ToolSpec> tool, ToolPlan plan,
                                      List<Action> planned) {
        List<Action> out = new ArrayList<>(planned);
        JenkinsClient jenkins;
        try {
            jenkins = jenkins(ctx);
        } catch (RuntimeException e) {
            out.replaceAll(a -> a.withStatus(Action.Status.FAILED, a.detail() + " — " + ChoreRunner.describe(e)));
            return out;
        }
        String[] queued = new String[planned.size()];
        for (int i = 0; i < planned.size(); i++) {
            Action a = planned.get(i);
            DeployStep step = plan.deploys().get(i);
            String key = deployKey(tool, plan, step);
            try {
                DeployRecord known = PromoteChore.readJson(store, key, DeployRecord.class);
                if (known != null) {
                    if (!"FINISHED".equals(known.status()) && !"CANCELLED".equals(known.status())
                            && (known.queueUrl() != null || known.buildUrl() != null)) {
                        // the recorded build once its number is known: Jenkins forgets the queue item 5 min after start
                        known = record(store, key, jenkins.followUp(known.queueUrl(), known.buildNumber(),
                                known.buildUrl(), step.job(), step.parameters()), known.triggeredAt());
                    }
                    out.set(i, outcome(a, known, true));
                    continue;
                }
                Optional<JenkinsClient.Build> earlier = jenkins.findBuild(step.job(), step.parameters());
                if (earlier.isPresent()) {
                    out.set(i, outcome(a, record(store, key, earlier.get(), ctx.clock().instant()), true));
                    continue;
                }
                if (!ctx.limit().tryAcquire()) {
                    out.set(i, a.withStatus(Action.Status.LIMITED, a.detail() + " — safety limit reached"));
                    continue;
                }
                // write-ahead + fence: a run that lost its lease (another runner took the job over) stops here
                io.kubechores.core.AuditLog.Intent intent = ctx.intend(a);
                String queue;
                try {
                    queue = jenkins.trigger(step.job(), step.parameters());
                } catch (RuntimeException e) {
                    intent.outcome(a.withStatus(Action.Status.FAILED, io.kubechores.core.ChoreRunner.describe(e)));
                    throw e;
                }
                PromoteChore.writeJson(store, key, new DeployRecord(queue, null, null, "QUEUED", null, ctx.clock().instant(), step.parameters()));
                intent.outcome(a.withStatus(Action.Status.APPLIED, a.detail() + " — queued " + queue));
                log.info("job=promote cluster={} tool={} action=trigger-deploy queue={}", step.cluster(), tool.name(), queue);
                queued[i] = queue;
                startPromotion(ctx, store, tool, plan);
                out.set(i, a.withStatus(Action.Status.APPLIED, a.detail() + " — queued " + queue));
            } catch (RuntimeException e) {
                out.set(i, a.withStatus(Action.Status.FAILED, a.detail() + " — " + ChoreRunner.describe(e)));
            }
        }
        for (int i = 0; i < planned.size(); i++) {
            if (queued[i] == null) continue;
            String key = deployKey(tool, plan, plan.deploys().get(i));
            try {
                out.set(i, outcome(planned.get(i), record(store, key, jenkins.follow(queued[i]), ctx.clock().instant()), false));
            } catch (RuntimeException e) {
                out.set(i, planned.get(i).withStatus(Action.Status.APPLIED, planned.get(i).detail() + " — queued "
                        + queued[i] + "; following it failed: " + ChoreRunner.describe(e) + " (next run follows up)"));
            }
        }
        return out;
    }

    /** Remembers the promotion in flight (once per version and environment). */
    private static void startPromotion(ChoreContext ctx, StateStore store, Resource<ToolSpec> tool, ToolPlan plan) {
        var c = plan.candidate();
        if (c == null) return; // deploys of a merged promotion: its record is already there
        PromotionRecord existing = PromoteChore.readRecord(store, tool.name());
        if (existing == null || !existing.version().equals(c.version()) || !existing.to().equals(c.to())) {
            PromoteChore.writeJson(store, "promotion/" + tool.name(), new PromotionRecord(c.version(), c.from(), c.to(),
                    ctx.clock().instant(), c.topic(tool.name())));
        }
    }

    private static String deployKey(Resource<ToolSpec> tool, ToolPlan plan, DeployStep step) {
        return "deploy/" + tool.name() + "/" + step.cluster() + "/" + step.version();
    }

    private static DeployRecord record(StateStore store, String key, JenkinsClient.Build b, Instant triggeredAt) {
        DeployRecord before = PromoteChore.readJson(store, key, DeployRecord.class);
        DeployRecord r = new DeployRecord(b.queueUrl() != null ? b.queueUrl() : before == null ? null : before.queueUrl(),
                b.buildNumber(), b.buildUrl(), b.status().name(), b.result(),
                triggeredAt != null ? triggeredAt : before == null ? null : before.triggeredAt(),
                before == null ? null : before.parameters());
        PromoteChore.writeJson(store, key, r);
        return r;
    }

    private static Action outcome(Action a, DeployRecord r, boolean earlier) {
        String what = switch (r.status()) {
            case "QUEUED" -> "queued at " + r.queueUrl();
            case "RUNNING" -> "build #" + r.buildNumber() + " running " + r.buildUrl();
            case "CANCELLED" -> "queue item cancelled " + r.queueUrl();
            case "LOST" -> "queue item " + r.queueUrl() + " is gone (Jenkins forgets a started item after 5 minutes) and"
                    + " no recent build has these parameters (next run looks again)";
            default -> "build #" + r.buildNumber() + " " + r.result() + " " + r.buildUrl();
        };
        String detail = a.detail() + " — " + (earlier ? "already triggered: " : "") + what;
        boolean bad = "CANCELLED".equals(r.status()) || "LOST".equals(r.status())
                || ("FINISHED".equals(r.status()) && !"SUCCESS".equals(r.result()));
        if (bad) return a.withStatus(Action.Status.FAILED, detail);
        return a.withStatus(earlier ? Action.Status.UNCHANGED : Action.Status.APPLIED, detail);
    }

    private JenkinsClient jenkins(ChoreContext ctx) {
        JenkinsAccess access = ctx.platform().jenkins();
        if (access == null || access.url() == null) {
            boolean readOnly = access != null && access.readOnly();
            FleetSpec.Jenkins j = ctx.state().fleetSpec().jenkins();
            if (j == null || j.url() == null) throw new IllegalStateException("no Jenkins configured (fleet.yaml spec.jenkins.url)");
            var secrets = ctx.platform().secrets();
            access = new JenkinsAccess(j.url(), secrets == null ? null : secrets.get(j.userEnv()).orElse(null),
                    secrets == null ? null : secrets.get(j.tokenEnv()).orElse(null), readOnly);
        }
        return new JenkinsClient(access, jenkinsLimits);
    }

    static void notifyRun(ChoreContext ctx, StateStore store, List<ToolReport> reports, List<String> warnings) {
        Notifier notifier = ctx.platform().notifier() == null ? Notifier.NONE : ctx.platform().notifier();
        List<String> lines = new ArrayList<>();
        for (ToolReport r : reports) {
            for (Action a : r.actions()) {
                if (a.status() == Action.Status.APPLIED || a.status() == Action.Status.FAILED) {
                    lines.add("• " + r.plan().tool() + ": " + a.verb() + " " + a.target() + " — " + a.status()
                            + (a.detail() == null ? "" : ": " + a.detail()));
                }
            }
            var c = r.plan().candidate();
            if (r.plan().decision() == PromotionPlanner.Decision.NEEDS_HUMAN) {
                String key = "notified/" + r.plan().tool() + "/needs-human/" + c.from() + "=" + c.version() + "/" + c.to() + "=" + c.current();
                if (store.get(NAME, key).isEmpty()) {
                    lines.add("• " + r.plan().tool() + ": needs a human — " + r.plan().gates().getFirst().reason());
                    store.put(NAME, key, ctx.clock().instant().toString());
                }
            }
        }
        if (lines.isEmpty()) return;
        try {
            notifier.slack("*kubechores promote*\n" + String.join("\n", lines));
        } catch (RuntimeException e) {
            warnings.add("Slack notification failed: " + ChoreRunner.describe(e));
        }
    }

    /** A promotion that FAILED (verification or progress deadline) is posted to Slack once. */
    static void notifyFailed(ChoreContext ctx, StateStore store, String tool, PromotionRecord record, ToolPlan plan,
                                     List<String> warnings) {
        String key = "notified/" + tool + "/" + record.to() + "/" + record.version();
        if (store.get(NAME, key).isPresent()) return;
        Notifier notifier = ctx.platform().notifier() == null ? Notifier.NONE : ctx.platform().notifier();
        try {
            notifier.slack(":x: *promote " + tool + " " + record.version() + " to " + record.to() + " FAILED*\n"
                    + plan.outcomeDetail() + "\nThe tool's promotions are held until a human fixes or rolls back "
                    + record.to() + ".");
            store.put(NAME, key, ctx.clock().instant().toString());
        } catch (RuntimeException e) {
            warnings.add(tool + ": Slack notification failed: " + ChoreRunner.describe(e) + " (retried next run)");
        }
    }

    /** The tool's own document when the file holds it, else the file's first document (e.g. a Helm values file). */
}
