package io.kubechores.rightsize;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionResult;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.kube.RightsizeKube;
import io.kubechores.report.Reports;
import io.kubechores.rightsize.PullRequestDrafts.Draft;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
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
import java.util.function.Predicate;

/**
 * rightsize: VPA recommendations (recommend-only VPAs) rolled up across the fleet into right-sizing pull requests
 * against the manifests that deploy the workloads.
 * <ul>
 *   <li>partition = cluster: collect VPAs, their target workloads and HPAs (read-only).</li>
 *   <li>finish: per RightsizePolicy, locate every workload's source, plan (pure {@link RightsizePlanner}), edit the
 *       YAML losslessly ({@link ResourcesEditor}), group into PR drafts and open/update them through the forge
 *       seam — at most one PR per topic, a PR closed by a human is not reopened unless the recommendation moved by
 *       more than reopenThresholdPercent, never more than maxOpenPullRequests open PRs.</li>
 * </ul>
 * When a cluster in a policy's scope failed, that policy opens nothing: a rollup without it could shrink requests
 * that cluster needs.
 */
@Component
public class RightsizeChore implements Chore {
    public static final String NAME = "rightsize";
    static final String OBSERVATIONS = "observations";
    private static final Logger log = LoggerFactory.getLogger(RightsizeChore.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Roll VPA recommendations up across the fleet into right-sizing pull requests";
    }

    @Override
    public List<String> partitions(ChoreContext ctx) {
        Set<String> names = new TreeSet<>();
        for (Resource<RightsizePolicySpec> p : ctx.state().rightsizePolicies()) {
            ctx.state().clustersMatching(p.spec().clusters()).forEach(c -> names.add(c.name()));
        }
        return List.copyOf(names);
    }

    @Override
    public PartitionResult runPartition(ChoreContext ctx, String partition) {
        Resource<ClusterSpec> cluster = ctx.state().cluster(partition)
                .orElseThrow(() -> new IllegalArgumentException("unknown cluster " + partition));
        List<RightsizePolicySpec> policies = ctx.state().rightsizePolicies().stream().map(Resource::spec)
                .filter(p -> p.clusters().matches(cluster)).toList();
        Predicate<String> inScope = ns -> policies.stream().anyMatch(p -> p.namespaces().matches(ns));
        RightsizeKube.Collected c = RightsizeKube.collect(ctx.platform().kube().client(cluster), partition, inScope);
        log.info("job={} cluster={} vpas-with-recommendations={} warnings={}", NAME, partition,
                c.observations().size(), c.warnings().size());
        return new PartitionResult(partition, null, List.of(), c.warnings(), Map.of(OBSERVATIONS, c.observations()));
    }

    @Override
    public ChoreReport finish(ChoreContext ctx, List<PartitionResult> results) {
        List<Observation> all = new ArrayList<>();
        Set<String> failed = new TreeSet<>();
        for (PartitionResult r : results) {
            if (r.isFailed()) {
                failed.add(r.partition());
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Observation> obs = (List<Observation>) r.data().getOrDefault(OBSERVATIONS, List.of());
            all.addAll(obs);
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
        boolean anyFailed = false;
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
                actions.add(new Action(o.id(), "rightsize", "opted out", OPT_OUT + ": \"false\" on the workload",
                        Action.Status.SKIPPED));
            }
            scope = scope.stream().filter(o -> !optedOut(o)).toList();
            long t0 = System.nanoTime();
            ManifestLocator locator = new ManifestLocator(ctx.state().root(), spec.sources(), envs);
            List<Located> located = new ArrayList<>(scope.stream().map(locator::locate).toList());
            long t1 = System.nanoTime();
            List<String[]> skipped = new ArrayList<>();
            Map<String, ResourceValues> sourceValues = sourceValues(locator, located, skipped);
            long t2 = System.nanoTime();
            RightsizePlan plan = RightsizePlanner.plan(policy.name(), spec, located, sourceValues,
                    ctx.clock().instant());
            long t3 = System.nanoTime();
            List<Draft> drafts = PullRequestDrafts.drafts(policy.name(), spec, plan,
                    f -> locator.parsed(f).orElseThrow());
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
            List<Pending> pending = new ArrayList<>();
            for (Draft d : drafts) {
                actions.add(submit(ctx, forge, spec, d, openTopics, failedInScope, pending, actions.size()));
            }
            flush(ctx, forge, pending, actions);
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
        anyFailed |= actions.stream().anyMatch(a -> a.status() == Action.Status.FAILED);

        String plan = planText(actions, allDrafts);
        List<Path> artifacts = new ArrayList<>();
        if (ctx.outputDir() != null) {
            artifacts.add(Reports.write(ctx.outputDir(), "rightsize-plan.txt", plan));
            artifacts.add(Reports.write(ctx.outputDir(), "rightsize-report.json", Reports.json(json)));
            for (Draft d : allDrafts) {
                artifacts.add(Reports.write(ctx.outputDir(), "rightsize-pr-" + d.topic() + ".md",
                        "# " + d.title() + "\n\n" + d.body() + "\n```diff\n" + d.diff() + "```\n"));
            }
        }
        long unlocated = actions.stream().filter(a -> a.verb().equals("locate")).count();
        String summary = String.format(Locale.ROOT, "%d right-sizing PR%s %s, %d workload%s without a located source%s",
                allDrafts.size(), allDrafts.size() == 1 ? "" : "s", ctx.dryRun() ? "planned" : "handled", unlocated,
                unlocated == 1 ? "" : "s", ctx.dryRun() ? "\n" + plan : "");
        return new ChoreReport(summary, actions, warnings, artifacts, anyFailed);
    }

    /** A proposal for the JSON report: what and why, with the number of workloads behind it (not every row). */
    static Map<String, Object> summary(RightsizePlan.ContainerProposal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", p.source());
        m.put("container", p.container());
        m.put("group", p.group());
        m.put("current", p.current());
        m.put("proposed", p.proposed());
        m.put("changes", p.fieldChanges());
        m.put("notes", p.notes());
        m.put("workloads", p.evidence().size());
        m.put("monthlyCostDelta", p.monthlyCostDelta());
        return m;
    }

    /**
     * What the sources say per (block, container); blocks that cannot be edited (anchors shared with other
     * containers, merge keys, unsupported kinds, bad quantities) go to {@code skipped} as {block|container, reason}.
     */
    private static Map<String, ResourceValues> sourceValues(ManifestLocator locator, List<Located> located,
                                                            List<String[]> skipped) {
        // file → source block → containers, so every file is parsed once
        Map<String, Map<SourceRef, Set<String>>> byFile = new LinkedHashMap<>();
        for (Located l : located) {
            if (!l.found()) continue;
            Set<String> cs = byFile.computeIfAbsent(l.source().file(), f -> new LinkedHashMap<>())
                    .computeIfAbsent(l.source(), r -> new TreeSet<>());
            l.workload().recommendations().forEach(r -> cs.add(r.container()));
        }
        Map<String, ResourceValues> out = new HashMap<>();
        for (var f : byFile.entrySet()) {
            Optional<ResourcesEditor.Parsed> parsed = locator.parsed(f.getKey());
            if (parsed.isEmpty()) continue; // reported once per file from locator.unreadable()
            Map<String, Map<String, ResourcesEditor.Block>> read = ResourcesEditor.readAll(parsed.get(), f.getValue());
            for (SourceRef ref : f.getValue().keySet()) {
                read.getOrDefault(ref.key(), Map.of()).forEach((c, b) -> {
                    if (b.editable()) {
                        out.put(RightsizePlanner.valuesKey(ref, c), b.values());
                    } else {
                        skipped.add(new String[]{ref.key() + "|" + c, b.skipped()});
                    }
                });
            }
        }
        return out;
    }

    /** Annotation (or label) with value "false" that keeps a workload out of right-sizing. */
    public static final String OPT_OUT = "kubechores.io/rightsize";

    static boolean optedOut(Observation o) {
        return "false".equalsIgnoreCase(o.annotations().getOrDefault(OPT_OUT, o.labels().get(OPT_OUT)));
    }

    /** A PR request waiting for the batched forge call, and where its action sits in the action list. */
    private record Pending(int index, Action planned, PullRequestRequest request) {}

    /**
     * Decides what to do with one draft. Anything to send to the forge is queued in {@code pending} (sent in one
     * batch by {@link #flush}: one fetch and one push for every branch) and returned as PLANNED for now.
     */
    private Action submit(ChoreContext ctx, PullRequestService forge, RightsizePolicySpec spec, Draft d,
                          Set<String> openTopics, List<String> failedInScope, List<Pending> pending, int index) {
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
        if (ctx.dryRun()) return a;
        if (forge == null) return a.withStatus(Action.Status.FAILED, detail + ": no forge configured");
        if (!ctx.limit().tryAcquire()) return a.withStatus(Action.Status.LIMITED);
        if (!open) openTopics.add(d.topic()); // counts against the cap from now on
        pending.add(new Pending(index, a, new PullRequestRequest(NAME, d.topic(), d.title(), d.body(), d.labels(),
                d.files(), d.commitMessage(), reopen)));
        return a;
    }

    /**
     * Sends the queued PRs in one batch, write-ahead (AuditedPullRequests), and replaces their PLANNED actions with
     * what the forge did.
     */
    private void flush(ChoreContext ctx, PullRequestService forge, List<Pending> pending, List<Action> actions) {
        if (pending.isEmpty()) return;
        List<Action> done = AuditedPullRequests.upsert(ctx, forge, pending.stream().map(Pending::planned).toList(),
                pending.stream().map(Pending::request).toList());
        for (int i = 0; i < pending.size(); i++) actions.set(pending.get(i).index(), done.get(i));
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    static String planText(List<Action> actions, List<Draft> drafts) {
        StringBuilder sb = new StringBuilder(Reports.actionsTable("rightsize plan", actions));
        for (Draft d : drafts) {
            sb.append("\n== kubechores/").append(NAME).append('/').append(d.topic()).append(": ").append(d.title())
                    .append(" ==\n").append(d.diff());
        }
        return sb.toString();
    }
}
