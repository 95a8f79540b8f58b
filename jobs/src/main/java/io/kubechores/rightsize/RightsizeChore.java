package io.kubechores.rightsize;

import io.kubechores.model.rightsize.Observation;
import io.kubechores.model.rightsize.ResourceValues;

import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.PartitionPlan;
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
public class RightsizeChore implements Chore<PartitionPlan<List<Observation>>, List<Observation>, RightsizeRollUp> {
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
    public PartitionPlan<List<Observation>> plan(ChoreContext ctx, String partition) {
        Resource<ClusterSpec> cluster = ctx.state().cluster(partition)
                .orElseThrow(() -> new IllegalArgumentException("unknown cluster " + partition));
        List<RightsizePolicySpec> policies = ctx.state().rightsizePolicies().stream().map(Resource::spec)
                .filter(p -> p.clusters().matches(cluster)).toList();
        Predicate<String> inScope = ns -> policies.stream().anyMatch(p -> p.namespaces().matches(ns));
        RightsizeKube.Collected c = RightsizeKube.collect(ctx.platform().kube().client(cluster), partition, inScope);
        log.info("job={} cluster={} vpas-with-recommendations={} warnings={}", NAME, partition,
                c.observations().size(), c.warnings().size());
        return PartitionPlan.of(PartitionResult.ok(partition, List.of(), c.warnings(), c.observations()));
    }

    @Override
    public RightsizeRollUp rollUp(ChoreContext ctx, List<PartitionResult<List<Observation>>> results) {
        return RightsizeRollUp.of(ctx, results);
    }

    @Override
    public RightsizeRollUp applyRollUp(ChoreContext ctx, RightsizeRollUp rollUp) {
        return rollUp.apply(ctx);
    }

    @Override
    public ChoreReport report(ChoreContext ctx, List<PartitionResult<List<Observation>>> results,
                              RightsizeRollUp rollUp) {
        List<Action> actions = rollUp.actions();
        List<Draft> allDrafts = rollUp.drafts();
        List<Map<String, Object>> json = rollUp.json();
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
        if (ctx.outputDir() != null) {
            artifacts.add(Reports.write(ctx.outputDir(), "rightsize-report.html", RightsizeHtmlReport.render(
                    "kubechores rightsize " + (ctx.dryRun() ? "plan (dry run)" : "run") + " at " + ctx.clock().instant(),
                    ctx.clock().instant(), ctx.dryRun(), ctx.state().revision(), summary.lines().findFirst().orElse(""),
                    allDrafts, actions, rollUp.warnings())));
        }
        return new ChoreReport(summary, List.of(), List.of(), artifacts, false);
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
    static Map<String, ResourceValues> sourceValues(ManifestLocator locator, List<Located> located,
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

    static String planText(List<Action> actions, List<Draft> drafts) {
        StringBuilder sb = new StringBuilder(Reports.actionsTable("rightsize plan", actions));
        for (Draft d : drafts) {
            sb.append("\n== kubechores/").append(NAME).append('/').append(d.topic()).append(": ").append(d.title())
                    .append(" ==\n").append(d.diff());
        }
        return sb.toString();
    }
}
