package io.kubechores.downscale;

import io.kubechores.model.downscale.DownscalePlan;

import io.kubechores.core.Action;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.PartitionResult;
import io.kubechores.report.Reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run's report: per cluster the exact actions and why, warnings, savings; rendered by templates/*\/downscale-*.ftl. */
record DownscaleReport(Map<String, Object> model, String summary) {

    static DownscaleReport of(ChoreContext ctx, List<PartitionResult<DownscaleResult>> results) {
        List<Map<String, Object>> clusters = new ArrayList<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        for (String verb : List.of("scale-down", "restore", "forget-original", "defer", "skip", "invalid")) {
            totals.put(verb, 0L);
        }
        long failedActions = 0, limited = 0;
        DownscalePlan.Savings savings = DownscalePlan.Savings.NONE;
        List<String> failedClusters = new ArrayList<>();
        Prices prices = Prices.of(ctx.state().fleetSpec().downscale().prices());
        for (PartitionResult<DownscaleResult> r : results) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", r.partition());
            c.put("failed", r.isFailed());
            c.put("error", r.error() == null ? "" : r.error());
            if (r.isFailed()) failedClusters.add(r.partition());
            String mode = ctx.dryRun() ? "plan" : "run";
            c.put("table", Reports.actionsTable("downscale " + mode + " — " + r.partition(), r.actions()));
            c.put("actions", r.actions());
            c.put("warnings", r.warnings());
            DownscalePlan plan = r.data() == null ? null : r.data().plan();
            DownscalePlan.Savings s = plan != null ? plan.savings() : DownscalePlan.Savings.NONE;
            c.put("cpuHours", DownscaleChore.fmt(s.cpuCoreHours()));
            c.put("memHours", DownscaleChore.fmt(s.memoryGiBHours()));
            c.put("money", prices.format(prices.cost(s)));
            c.put("unchanged", plan != null ? plan.unchanged() : 0);
            c.put("excluded", plan != null ? plan.excluded() : 0);
            c.put("workloads", r.data() == null ? 0 : r.data().workloads());
            c.put("missingKinds", r.data() == null ? "" : String.valueOf(r.data().missingKinds()));
            savings = savings.plus(s);
            for (Action a : r.actions()) {
                totals.merge(a.verb(), 1L, Long::sum);
                if (a.status() == Action.Status.FAILED) failedActions++;
                if (a.status() == Action.Status.LIMITED) limited++;
            }
            clusters.add(c);
        }
        String summary = String.format(
                "downscale %s at %s: %d scaled down, %d restored, %d originals forgotten, %d deferred, %d skipped, "
                        + "%d invalid on %d cluster(s)%s%s; saves ~%s CPU core-hours, %s GiB-hours until uptime "
                        + "(~%s at %s rates)",
                ctx.dryRun() ? "plan" : "run", ctx.clock().instant(), totals.get("scale-down"), totals.get("restore"),
                totals.get("forget-original"), totals.get("defer"), totals.get("skip"), totals.get("invalid"),
                results.size(),
                failedClusters.isEmpty() ? "" : ", FAILED: " + String.join(", ", failedClusters),
                failedActions + limited == 0 ? "" : " (" + failedActions + " actions failed, " + limited + " limited)",
                DownscaleChore.fmt(savings.cpuCoreHours()), DownscaleChore.fmt(savings.memoryGiBHours()),
                prices.format(prices.cost(savings)), prices.source());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("job", DownscaleChore.NAME);
        model.put("at", ctx.clock().instant().toString());
        model.put("dryRun", ctx.dryRun());
        model.put("revision", ctx.state().revision());
        model.put("summary", summary);
        model.put("totals", totals);
        model.put("cpuHours", DownscaleChore.fmt(savings.cpuCoreHours()));
        model.put("memHours", DownscaleChore.fmt(savings.memoryGiBHours()));
        model.put("money", prices.format(prices.cost(savings)));
        model.put("prices", String.format(java.util.Locale.ROOT, "%.4f %s/vCPU-hour, %.4f %s/GiB-hour (%s)",
                prices.vcpuHour(), prices.currency(), prices.gibHour(), prices.currency(), prices.source()));
        model.put("clusters", clusters);
        model.put("weeks", weeks(ctx));
        return new DownscaleReport(model, summary);
    }

    /** Each policy's week as bars (percent of the week) with the next scale-down and restore, for the HTML report. */
    static List<Map<String, Object>> weeks(ChoreContext ctx) {
        var fleet = ctx.state().fleetSpec();
        java.time.ZoneId zone = java.time.ZoneId.of(fleet.timeZone());
        String frameText = fleet.downscale().defaultWeekFrame();
        var frame = frameText == null ? null : io.kubechores.core.schedule.Schedule.WeekFrame.parse(frameText);
        java.time.Instant now = ctx.clock().instant();
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z",
                java.util.Locale.ENGLISH).withZone(zone);
        List<Map<String, Object>> out = new ArrayList<>();
        for (var p : ctx.state().downscalePolicies()) {
            DownscalePlanner.PolicyWeek w = DownscalePlanner.week(p, zone, fleet.holidays(), frame, now);
            double total = java.time.Duration.between(w.weekStart(), w.weekEnd()).toSeconds();
            List<Map<String, Object>> bars = new ArrayList<>();
            for (DownscalePlanner.WeekSegment s : w.segments()) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("left", String.format(java.util.Locale.ROOT, "%.3f",
                        java.time.Duration.between(w.weekStart(), s.from()).toSeconds() * 100 / total));
                b.put("width", String.format(java.util.Locale.ROOT, "%.3f",
                        java.time.Duration.between(s.from(), s.to()).toSeconds() * 100 / total));
                b.put("up", s.up());
                b.put("title", (s.up() ? "uptime " : "downtime ") + f.format(s.from()) + " – " + f.format(s.to()));
                bars.add(b);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("policy", w.policy());
            m.put("bars", bars);
            m.put("now", String.format(java.util.Locale.ROOT, "%.3f",
                    java.time.Duration.between(w.weekStart(), now).toSeconds() * 100 / total));
            m.put("nextScaleDown", w.nextScaleDown() == null ? "none within 8 days" : f.format(w.nextScaleDown()));
            m.put("nextRestore", w.nextRestore() == null ? "none within 8 days" : f.format(w.nextRestore()));
            out.add(m);
        }
        return out;
    }

    String console() {
        return Reports.render("console/downscale-summary.ftl", model);
    }

    String markdown() {
        return Reports.render("markdown/downscale-report.ftl", model);
    }

    String html() {
        return Reports.render("html/downscale-report.ftl", model);
    }
}
