package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.core.Action;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.RollUp;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.rightsize.PullRequestDrafts.Draft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * rightsize's roll-up: per RightsizePolicy, locate every workload's source, plan (pure {@link RightsizePlanner}),
 * edit the YAML losslessly, group into PR drafts and decide per draft (one PR per topic, a PR closed by a human is not
 * reopened unless the recommendation moved by more than reopenThresholdPercent, never more than maxOpenPullRequests
 * open PRs). {@link #of} reads only (sources, the forge's open PRs); {@link #apply} sends, on real runs only.
 *
 * @param actions every row of the plan (PLANNED pull requests until applied)
 * @param pending the pull requests to send, with their row in {@code actions}
 */
public record RightsizeRollUp(List<Action> actions, List<String> warnings, List<Draft> drafts,
                              List<Map<String, Object>> json, List<Pending> pending) implements RollUp {
    private static final Logger log = LoggerFactory.getLogger(RightsizeRollUp.class);
    private static final String NAME = RightsizeChore.NAME;

    public RightsizeRollUp {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
        drafts = List.copyOf(drafts);
        json = List.copyOf(json);
        pending = List.copyOf(pending);
    }

    static RightsizeRollUp of(ChoreContext ctx, List<PartitionResult<List<Observation>>> results) {
        List<Observation> all = new ArrayList<>();
        Set<String> failed = new TreeSet<>();
        for (PartitionResult<List<Observation>> r : results) {
            if (r.isFailed()) {
                failed.add(r.partition());
                continue;
            }
            if (r.data() != null) all.addAll(r.data());
        }
        all.sort(Comparator.comparing(Observation::id));
        Map<String, Resource<ClusterSpec>> clusters = new HashMap<>();
        Map<String, String> envs = new HashMap<>();
        ctx.state().clusters().forEach(c -> {
            clusters.put(c.name(), c);
            envs.put(c.name(), c.spec().environment());
        });

        PullRequestService forge = ctx.platform() == null ? null : ctx.platform().pullRequests();
        Set<String> openTopics = new HashSet<>();
        if (forge != null) forge.listOpen(NAME).forEach(pr -> openTopics.add(pr.topic()));

        List<Action> actions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Draft> allDrafts = new ArrayList<>();
        List<Map<String, Object>> json = new ArrayList<>();
        Set<String> assigned = new HashSet<>();
        List<Pending> pending = new ArrayList<>();
        RunInfo run = RunInfo.of(NAME, ctx.outputDir(), ctx.clock().instant(), System.getenv());
        int maxChanges = ctx.state().fleetSpec() == null ? 0 : ctx.state().fleetSpec().job(NAME).maxChangesPerRun();
        List<Resource<RightsizePolicySpec>> policies = new ArrayList<>(ctx.state().rightsizePolicies());
        policies.sort(Comparator.comparing(Resource::name));
        for (Resource<RightsizePolicySpec> policy : policies) {
            RightsizePolicySpec spec = policy.spec();
            List<Observation> scope = all.stream()
                    .filter(o -> clusters.containsKey(o.cluster()) && spec.clusters().matches(clusters.get(o.cluster())))
                    .filter(o -> spec.namespaces().matches(o.namespace()))
                    .filter(o -> assigned.add(o.id())).toList();
            // opt-out per workload: kubechores.io/rightsize: "false" (annotation or label)
            List<Observation> optedOut = scope.stream().filter(RightsizeChore::optedOut).toList();
            for (Observation o : optedOut) {
                actions.add(new Action(o.id(), "rightsize", "opted out", RightsizeChore.OPT_OUT + ": \"false\" on the workload",
                        Action.Status.SKIPPED));
            }
            scope = scope.stream().filter(o -> !RightsizeChore.optedOut(o)).toList();
            long t0 = System.nanoTime();
            ManifestLocator locator = new ManifestLocator(ctx.state().root(), spec.sources(), envs);
            List<Located> located = new ArrayList<>(scope.stream().map(locator::locate).toList());
            long t1 = System.nanoTime();
            List<String[]> skipped = new ArrayList<>();
            Map<String, ResourceValues> sourceValues = RightsizeChore.sourceValues(locator, located, skipped);
            long t2 = System.nanoTime();
            RightsizePlan plan = RightsizePlanner.plan(policy.name(), spec, located, sourceValues,
                    ctx.clock().instant());
            long t3 = System.nanoTime();
            List<Draft> drafts = PullRequestDrafts.drafts(policy.name(), spec, plan,
                    f -> locator.parsed(f).orElseThrow(), run, maxChanges);
            for (String u : locator.unreadable()) {
                actions.add(new Action(u.contains(":") ? u.substring(0, u.indexOf(':')) : u, "read",
                        "source file not read", u, Action.Status.SKIPPED));
                warnings.add(u);
            }
            for (String[] s : skipped) {
                actions.add(new Action(s[0], "edit", "container not edited", s[1], Action.Status.SKIPPED));
                warnings.add(s[1]);
            }
            for (Draft d : drafts) {
                for (String r : d.refused()) {
                    actions.add(new Action(d.topic(), "edit", "edit refused", r, Action.Status.SKIPPED));
                    warnings.add(r);
                }
            }
            long t4 = System.nanoTime();
            allDrafts.addAll(drafts);
            List<String> failedInScope = failed.stream()
                    .filter(c -> clusters.containsKey(c) && spec.clusters().matches(clusters.get(c))).toList();
            for (Draft d : drafts) {
                actions.add(submit(forge, spec, d, openTopics, failedInScope, pending, actions.size(),
                        io.kubechores.report.RunLinks.prFooter(ctx)));
            }
            long t5 = System.nanoTime();
            log.info("job={} policy={} workloads={} located={} files={} proposals={} prs={} | ms: locate={} read={} "
                            + "plan={} edit+render={} forge={}", NAME, policy.name(), scope.size(),
                    located.stream().filter(Located::found).count(), locator.files().size(), plan.proposals().size(),
                    drafts.size(), ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5));
            for (Located l : plan.unlocated()) {
                actions.add(new Action(l.workload().id(), "locate", "manifest source not found", l.how(),
                        Action.Status.SKIPPED));
                warnings.add("source not found for " + l.workload().id() + ": " + l.how());
            }
            plan.notes().forEach(n -> warnings.add("policy " + policy.name() + ": " + n));
            for (String[] s : plan.skipped()) {
                actions.add(new Action(s[0], "rightsize", "container not sized", s[1], Action.Status.SKIPPED));
            }
            Map<String, Object> pj = new LinkedHashMap<>();
            pj.put("policy", policy.name());
            pj.put("workloads", scope.size());
            pj.put("proposals", plan.proposals().stream().map(RightsizeChore::summary).toList());
            pj.put("unlocated", plan.unlocated().stream()
                    .map(l -> Map.of("workload", l.workload().id(), "reason", l.how())).toList());
            pj.put("pullRequests", drafts.stream().map(d -> Map.of("topic", d.topic(), "title", d.title(),
                    "files", d.files().keySet(), "diff", d.diff(), "monthlyCostDelta", d.monthlyCostDelta())).toList());
            json.add(pj);
        }
        if (!failed.isEmpty()) warnings.add("clusters failed (not in this rollup): " + String.join(", ", failed));
        return new RightsizeRollUp(actions, warnings, allDrafts, json, pending);
    }

    /**
     * Sends the queued PRs (real runs only) in one batch and returns the roll-up with their PLANNED actions replaced
     * by what the forge did. Each PR's intent is in the audit trail before the batch is sent (write-ahead).
     */
    RightsizeRollUp apply(ChoreContext ctx) {
        List<Action> actions = new ArrayList<>(this.actions);
        PullRequestService forge = ctx.platform() == null ? null : ctx.platform().pullRequests();
        List<Pending> sending = new ArrayList<>();
        for (Pending p : pending) {
            Action a = p.planned();
            if (forge == null) {
                actions.set(p.index(), a.withStatus(Action.Status.FAILED, a.detail() + ": no forge configured"));
            } else if (!ctx.limit().tryAcquire()) {
                actions.set(p.index(), a.withStatus(Action.Status.LIMITED));
            } else {
                sending.add(p);
            }
        }
        if (sending.isEmpty()) return new RightsizeRollUp(actions, warnings, drafts, json, pending);
        // write-ahead in one group commit, refused intents (run stopped) not sent: AuditedPullRequests
        List<Action> done = AuditedPullRequests.upsert(ctx, forge, sending.stream().map(Pending::planned).toList(),
                sending.stream().map(Pending::request).toList());
        for (int i = 0; i < sending.size(); i++) actions.set(sending.get(i).index(), done.get(i));
        return new RightsizeRollUp(actions, warnings, drafts, json, pending);
    }

    /** A PR request waiting for the batched forge call, and where its action sits in the action list. */
    record Pending(int index, Action planned, PullRequestRequest request) {}

    /**
     * Decides what to do with one draft (reads the forge only). Anything to send to the forge is queued in
     * {@code pending} (sent by {@link #apply} in one batch: one fetch and one push for every branch) and returned as
     * PLANNED.
     */
    private static Action submit(PullRequestService forge, RightsizePolicySpec spec, Draft d,
                          Set<String> openTopics, List<String> failedInScope, List<Pending> pending, int index,
                          String footer) {
        String target = "kubechores/" + NAME + "/" + d.topic();
        String detail = d.proposals().size() + " container" + (d.proposals().size() == 1 ? "" : "s") + " in "
                + String.join(", ", d.files().keySet()) + ", est. " + PullRequestDrafts.money(d.monthlyCostDelta())
                + "/month";
        String reason = "policy " + d.policy() + ": " + d.proposals().stream()
                .flatMap(p -> p.fieldChanges().stream().map(c -> p.container() + " " + c.field() + " " + c.from()
                        + "→" + c.to())).reduce((a, b) -> a + ", " + b).orElse("");
        if (!failedInScope.isEmpty()) {
            return new Action(target, "open-pr", detail, "not proposed from a partial rollup: cluster(s) "
                    + String.join(", ", failedInScope) + " failed", Action.Status.SKIPPED);
        }
        Optional<PullRequest> existing = forge == null ? Optional.empty() : forge.find(NAME, d.topic());
        boolean open = existing.isPresent() && existing.get().state() == PullRequest.State.OPEN;
        boolean reopen = false;
        if (existing.isPresent() && existing.get().state() == PullRequest.State.CLOSED) {
            PullRequest closed = existing.get();
            Optional<Map<String, String>> previous = ProposalMarker.parse(closed.body());
            double moved = previous.map(p -> ProposalMarker.moved(p, d.proposals())).orElse(0.0);
            String m = String.format(Locale.ROOT, "%.0f%%", moved);
            if (previous.isEmpty() || moved <= spec.reopenThresholdPercent()) {
                return new Action(target, "open-pr", detail, "PR " + closed.id() + " was closed by a human; "
                        + "recommendation moved " + m + " since (reopenThresholdPercent " + spec.reopenThresholdPercent()
                        + ")", Action.Status.SKIPPED);
            }
            reopen = true;
            reason = reason + " (recommendation moved " + m + " since closed PR " + closed.id() + ")";
        }
        if (!open && openTopics.size() >= spec.maxOpenPullRequests()) {
            return new Action(target, "open-pr", detail, "maxOpenPullRequests " + spec.maxOpenPullRequests()
                    + " reached (" + openTopics.size() + " open)", Action.Status.SKIPPED);
        }
        Action a = new Action(target, open ? "update-pr" : "open-pr", detail, reason, Action.Status.PLANNED);
        if (!open) openTopics.add(d.topic()); // counts against the cap from now on (in the plan too: it is exact)
        // the same proposal as the open PR's: keep its body (its report link, observation ages and footer name the run
        // that proposed these values), so a rerun with nothing new edits nothing
        String body = open && ProposalMarker.parse(existing.get().body()).map(m -> m.equals(d.marker())).orElse(false)
                ? existing.get().body() : d.body() + footer;
        pending.add(new Pending(index, a, new PullRequestRequest(NAME, d.topic(), d.title(), body, d.labels(),
                d.files(), d.commitMessage(), reopen)));
        return a;
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

}
