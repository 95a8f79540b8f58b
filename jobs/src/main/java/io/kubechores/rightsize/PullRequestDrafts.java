package io.kubechores.rightsize;

import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.model.rightsize.Observation;
import io.kubechores.report.Reports;
import io.kubechores.rightsize.RightsizePlan.ContainerProposal;
import io.kubechores.rightsize.RightsizePlan.Evidence;
import io.kubechores.rightsize.RightsizePlan.FieldChange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns a plan into one pull-request draft per group (namespace, team or app): the edited files (only the changed
 * values, via {@link ResourcesEditor}), the exact diff, and a body rendered from templates/markdown/rightsize-pr.ftl
 * ending with the {@link ProposalMarker}. Pure apart from template rendering.
 */
public final class PullRequestDrafts {
    /** Evidence rows shown per container (a fleet of 50 clusters would otherwise blow past forge body limits). */
    static final int MAX_EVIDENCE_ROWS = 12;

    private PullRequestDrafts() {}

    /**
     * @param topic     stable PR topic: policy name + group ([a-z0-9-])
     * @param files     repo path → full new content
     * @param diff      unified diff of every file (what the PR shows)
     * @param marker    the proposed values (see {@link ProposalMarker})
     * @param added     resources blocks the edit had to add (placeholders filled), for the PR body
     * @param refused   edits refused (anchors, re-parse showed other changes), one line each: not in the PR
     */
    public record Draft(String policy, String group, String topic, String title, String body, List<String> labels,
                        Map<String, String> files, String diff, List<ContainerProposal> proposals,
                        double monthlyCostDelta, Map<String, String> marker, String commitMessage,
                        List<String> added, List<String> refused) {}

    public static List<Draft> drafts(String policyName, RightsizePolicySpec spec, RightsizePlan plan,
                                     Function<String, ResourcesEditor.Parsed> fileContent) {
        return drafts(policyName, spec, plan, fileContent, RunInfo.NONE, 0);
    }

    /**
     * @param run        the run's report link, schedule and clock for the body
     * @param maxChanges the fleet's jobs.rightsize.maxChangesPerRun (0 = unlimited), for the Configuration section
     */
    public static List<Draft> drafts(String policyName, RightsizePolicySpec spec, RightsizePlan plan,
                                     Function<String, ResourcesEditor.Parsed> fileContent, RunInfo run,
                                     int maxChanges) {
        Map<String, List<ContainerProposal>> byGroup = new TreeMap<>();
        for (ContainerProposal p : plan.changing()) byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
        List<Draft> out = new ArrayList<>();
        for (var g : byGroup.entrySet()) {
            out.add(draft(policyName, spec, g.getKey(), g.getValue(), fileContent, run, maxChanges));
        }
        return out;
    }

    static Draft draft(String policyName, RightsizePolicySpec spec, String group, List<ContainerProposal> proposals,
                       Function<String, ResourcesEditor.Parsed> fileContent) {
        return draft(policyName, spec, group, proposals, fileContent, RunInfo.NONE, 0);
    }

    static Draft draft(String policyName, RightsizePolicySpec spec, String group, List<ContainerProposal> proposals,
                       Function<String, ResourcesEditor.Parsed> fileContent, RunInfo run, int maxChanges) {
        Map<String, String> files = new TreeMap<>();
        StringBuilder diff = new StringBuilder();
        List<String> added = new ArrayList<>();
        List<String> staleComments = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> refusedKeys = new HashSet<>();
        for (var f : RightsizePlanner.byFile(proposals).entrySet()) {
            ResourcesEditor.Parsed parsed = fileContent.apply(f.getKey());
            String before = parsed.content();
            for (ContainerProposal p : f.getValue()) {
                // one edit per container, each proven on its own: a refused one leaves the others in the PR
                ResourcesEditor.Applied a = ResourcesEditor.apply(parsed,
                        List.of(new ResourcesEditor.Edit(p.source(), p.container(), p.proposed())));
                if (!a.refused().isEmpty()) {
                    refused.addAll(a.refused());
                    refusedKeys.add(RightsizePlanner.valuesKey(p.source(), p.container()));
                    continue;
                }
                added.addAll(a.added());
                staleComments.addAll(a.comments());
                if (!a.content().equals(parsed.content())) parsed = ResourcesEditor.parsed(f.getKey(), a.content());
            }
            String after = parsed.content();
            if (after.equals(before)) continue;
            files.put(f.getKey(), after);
            diff.append(Diffs.unified(f.getKey(), before, after));
        }
        proposals = proposals.stream()
                .filter(p -> !refusedKeys.contains(RightsizePlanner.valuesKey(p.source(), p.container()))).toList();
        double cost = Math.round(proposals.stream().mapToDouble(ContainerProposal::monthlyCostDelta).sum() * 100) / 100.0;
        Map<String, String> marker = ProposalMarker.values(proposals);
        String topic = topic(policyName, group);
        int containers = proposals.size();
        String title = io.kubechores.platform.forge.BotPrConventions.title("rightsize", "right-size " + group + ": " + containers + (containers == 1 ? " container" : " containers")
                + " (est. " + money(cost) + "/month)");
        Map<String, Object> model = model(policyName, spec, group, proposals, cost);
        model.put("added", added);
        model.put("staleComments", staleComments);
        model.put("report", run.reportMarkdown());
        model.put("schedule", run.schedule() == null ? "not known to this run: see the kubechores deployment's"
                + " schedules/ (job rightsize)" : run.schedule());
        model.put("maxChanges", maxChanges <= 0 ? "unlimited" : Integer.toString(maxChanges));
        model.put("jvmMemory", spec.jvmMemory());
        model.put("observationAges", observationAges(proposals, run.now()));
        String body = Reports.render("markdown/rightsize-pr.ftl", model)
                + "\n" + ProposalMarker.render(marker) + "\n";
        String commit = "rightsize(" + group + "): apply VPA recommendations to " + containers
                + (containers == 1 ? " container" : " containers") + "\n\nPolicy " + policyName + ", "
                + files.size() + (files.size() == 1 ? " file" : " files") + ". Estimated monthly cost change "
                + money(cost) + ".";
        return new Draft(policyName, group, topic, title, body,
                io.kubechores.platform.forge.BotPrConventions.labels("rightsize", spec.labels()), files, diff.toString(), proposals, cost,
                marker, commit, List.copyOf(added), List.copyOf(refused));
    }

    /** The PR topic: policy-group, lower case, [a-z0-9-]. */
    public static String topic(String policy, String group) {
        String t = (policy + "-" + group).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("-+", "-").replaceAll("^-|-$", "");
        return t.length() > 60 ? t.substring(0, 60).replaceAll("-$", "") : t;
    }

    static Map<String, Object> model(String policyName, RightsizePolicySpec spec, String group,
                                     List<ContainerProposal> proposals, double cost) {
        Map<String, Object> m = new HashMap<>();
        m.put("policy", policyName);
        m.put("group", group);
        m.put("grouping", spec.grouping());
        m.put("cost", money(cost));
        m.put("basis", spec.basis());
        m.put("rollup", "percentile".equals(spec.rollup()) ? "p" + spec.percentile() : "max");
        m.put("margin", spec.marginPercent());
        m.put("minChange", spec.minChangePercent());
        m.put("minObservationDays", spec.minObservationDays());
        m.put("maxOpenPullRequests", spec.maxOpenPullRequests());
        m.put("reopenThreshold", spec.reopenThresholdPercent());
        m.put("cpuBounds", (spec.cpu().min() == null ? "none" : spec.cpu().min()) + "–"
                + (spec.cpu().max() == null ? "none" : spec.cpu().max()));
        m.put("memoryBounds", (spec.memory().min() == null ? "none" : spec.memory().min()) + "–"
                + (spec.memory().max() == null ? "none" : spec.memory().max()));
        m.put("touchCpuWithHpa", spec.touchCpuWithHpa());
        m.put("optOut", RightsizeChore.OPT_OUT);
        m.put("limits", spec.limits());
        m.put("cpuPrice", String.format(Locale.ROOT, "%.4f", RightsizePlanner.USD_PER_VCPU_HOUR));
        m.put("memoryPrice", String.format(Locale.ROOT, "%.4f", RightsizePlanner.USD_PER_GIB_HOUR));
        m.put("hours", (int) RightsizePlanner.HOURS_PER_MONTH);
        TreeSet<String> clusters = new TreeSet<>();
        TreeSet<String> workloads = new TreeSet<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ContainerProposal p : proposals) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("file", p.source().file());
            r.put("shape", p.source().shape());
            r.put("block", p.source().helm() ? p.source().valuesPathFor(p.container())
                    : p.source().kind() + " " + p.source().name());
            r.put("container", p.container());
            List<Map<String, String>> changes = new ArrayList<>();
            for (FieldChange c : p.fieldChanges()) {
                changes.add(Map.of("field", c.field(), "from", c.from(), "to", c.to(), "percent", percent(c.percent())));
            }
            r.put("changes", changes);
            List<Map<String, String>> ev = new ArrayList<>();
            for (Evidence e : p.evidence()) {
                clusters.add(e.cluster());
                workloads.add(e.cluster() + "/" + e.workload());
                if (ev.size() >= MAX_EVIDENCE_ROWS) continue;
                Map<String, String> row = new HashMap<>();
                row.put("cluster", e.cluster());
                row.put("workload", e.workload());
                row.put("replicas", Integer.toString(e.replicas()));
                row.put("cpu", e.cpuTarget() + " (" + e.cpuLower() + "–" + e.cpuUpper() + ")");
                row.put("memory", e.memoryTarget() + " (" + e.memoryLower() + "–" + e.memoryUpper() + ")");
                row.put("hpa", e.hpa());
                row.put("observedSince", e.observation().vpaCreated() == null ? "—"
                        : e.observation().vpaCreated().toString().substring(0, 10));
                ev.add(row);
            }
            r.put("evidence", ev);
            r.put("evidenceCount", p.evidence().size());
            r.put("evidenceHidden", p.evidence().size() - ev.size());
            r.put("notes", p.notes());
            r.put("cost", money(p.monthlyCostDelta()));
            rows.add(r);
        }
        m.put("containers", rows);
        m.put("clusterCount", clusters.size());
        m.put("workloadCount", workloads.size());
        return m;
    }

    /**
     * Per cluster: how long its VPAs behind this PR have observed their workloads (youngest first counts: the
     * confidence of a rollup is its least-observed input), from the VPA creationTimestamp.
     */
    static List<Map<String, String>> observationAges(List<ContainerProposal> proposals, java.time.Instant now) {
        Map<String, java.time.Instant> youngest = new TreeMap<>();
        Map<String, TreeSet<String>> vpas = new TreeMap<>();
        for (ContainerProposal p : proposals) {
            for (Evidence e : p.evidence()) {
                Observation o = e.observation();
                vpas.computeIfAbsent(o.cluster(), c -> new TreeSet<>()).add(o.namespace() + "/" + o.vpaName());
                if (o.vpaCreated() != null) youngest.merge(o.cluster(), o.vpaCreated(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        List<Map<String, String>> out = new ArrayList<>();
        for (var c : vpas.entrySet()) {
            java.time.Instant since = youngest.get(c.getKey());
            String age = since == null ? "unknown (no creationTimestamp)" : now == null ? "since " + since
                    : java.time.Duration.between(since, now).toDays() + " days (since " + since.toString()
                    .substring(0, 10) + ")";
            out.add(Map.of("cluster", c.getKey(), "vpas", Integer.toString(c.getValue().size()), "age", age));
        }
        return out;
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, "%+.0f%%", p);
    }

    static String money(double usd) {
        return (usd < 0 ? "-" : "+") + String.format(Locale.ROOT, "$%.2f", Math.abs(usd));
    }
}
