package io.kubechores.rightsize;

import io.kubechores.core.Action;
import io.kubechores.model.rightsize.Quantities;
import io.kubechores.model.rightsize.ResourceValues;
import io.kubechores.report.Reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rightsize HTML report (templates/html/rightsize-report.ftl): per policy, per proposal (manifest source and
 * container) before/after bars of every resource field, scaled to the larger of the two, with the % change, the
 * monthly cost delta, the workloads behind it and the notes on fields left alone; then the PRs and anything that needs
 * a human. The template reads only the named fields built here, so the chore's own records may change shape.
 */
public final class RightsizeHtmlReport {
    private RightsizeHtmlReport() {}

    /** One field's before/after as bar widths in percent of the larger value. */
    public record Bar(String field, String before, String after, double beforePct, double afterPct, String change,
                      String direction) {}

    public record Proposal(String title, String source, String container, String workloads, List<Bar> bars,
                           String monthlyCost, List<String> notes, boolean changes) {}

    public record Policy(String name, List<Proposal> proposals, int unchanged) {}

    public static String render(String title, Instant at, boolean dryRun, String revision, String summary,
                                List<PullRequestDrafts.Draft> drafts, List<Action> actions, List<String> warnings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("at", at.toString());
        m.put("dryRun", dryRun);
        m.put("revision", revision == null ? "" : revision);
        m.put("summary", summary);
        // per policy the proposals of its pull requests (the containers that change)
        Map<String, List<RightsizePlan.ContainerProposal>> byPolicy = new LinkedHashMap<>();
        drafts.forEach(d -> byPolicy.computeIfAbsent(d.policy(), k -> new ArrayList<>()).addAll(d.proposals()));
        List<Policy> policies = new ArrayList<>();
        byPolicy.forEach((name, ps) -> policies.add(policy(new RightsizePlan(name, ps, List.of(), List.of()))));
        m.put("policies", policies);
        m.put("prs", actions.stream().filter(a -> a.verb().endsWith("-pr"))
                .map(a -> Map.of("target", a.target(), "verb", a.verb(), "detail", nz(a.detail()),
                        "status", a.status().name(), "reason", nz(a.reason()))).toList());
        m.put("warnings", warnings);
        return Reports.render("html/rightsize-report.ftl", m);
    }

    static Policy policy(RightsizePlan plan) {
        List<Proposal> out = new ArrayList<>();
        int unchanged = 0;
        for (RightsizePlan.ContainerProposal p : plan.proposals()) {
            if (!p.changes()) {
                unchanged++;
                continue;
            }
            out.add(proposal(p));
        }
        return new Policy(plan.policy(), out, unchanged);
    }

    static Proposal proposal(RightsizePlan.ContainerProposal p) {
        List<Bar> bars = new ArrayList<>();
        for (String field : ResourceValues.FIELDS) {
            String before = p.current().get(field), after = p.proposed().get(field);
            if (before == null && after == null) continue;
            Long b = value(field, before), a = value(field, after);
            double max = Math.max(b == null ? 0 : b, a == null ? 0 : a);
            double bp = b == null || max == 0 ? 0 : 100.0 * b / max, ap = a == null || max == 0 ? 0 : 100.0 * a / max;
            String change = b == null || a == null || b == 0 ? (java.util.Objects.equals(before, after) ? "unchanged" : "set")
                    : a.equals(b) ? "unchanged" : String.format(Locale.ROOT, "%+.0f%%", 100.0 * (a - b) / b);
            String direction = b == null || a == null || a.equals(b) ? "same" : a < b ? "down" : "up";
            bars.add(new Bar(field, before == null ? "not set" : before, after == null ? "not set" : after,
                    round(bp), round(ap), change, direction));
        }
        String source = p.source().file() + (p.source().valuesPath() == null || p.source().valuesPath().isEmpty()
                ? "" : " (" + p.source().valuesPath() + ")");
        String cost = String.format(Locale.ROOT, "%s%.2f USD/month", p.monthlyCostDelta() >= 0 ? "+" : "−",
                Math.abs(p.monthlyCostDelta()));
        SourceRef src = p.source();
        String what = src.name() == null ? src.file() : (src.namespace() == null ? "" : src.namespace() + "/") + src.name();
        return new Proposal(what + " · " + p.container(), source,
                p.container(), String.join(", ", p.workloads()), bars, cost, p.notes(), p.changes());
    }

    private static Long value(String field, String q) {
        if (q == null) return null;
        try {
            return ResourceValues.isCpu(field) ? Quantities.cpuMillis(q) : Quantities.memoryBytes(q);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
