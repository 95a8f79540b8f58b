package io.kubechores.certs;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Report models for the templates (pure): console table, HTML report with an SVG timeline of upcoming expiries,
 * Slack message, JSON document. Values are pre-formatted strings so templates stay dumb.
 */
public final class CertsReport {
    /** OK findings shown in console/HTML tables (all are in JSON and metrics). */
    public static final int OK_ROWS = 50;
    /** Findings listed in one Slack message. */
    public static final int SLACK_ROWS = 40;

    static final int SVG_W = 1160;
    static final int SVG_H = 300;
    static final int PLOT_X0 = 110;
    static final int PLOT_X1 = SVG_W - 20;
    static final int EXPIRED_X = 30;
    static final int AXIS_Y = 250;

    private CertsReport() {}

    public static List<Map<String, Object>> rows(List<Finding> findings, ZoneId zone, boolean includeAllOk) {
        List<Map<String, Object>> rows = new ArrayList<>();
        int ok = 0;
        for (Finding f : findings) {
            if (f.severity() == Severity.OK && !includeAllOk && ok++ >= OK_ROWS) continue;
            rows.add(row(f, zone));
        }
        return rows;
    }

    static Map<String, Object> row(Finding f, ZoneId zone) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("severity", f.severity().name());
        r.put("sev", f.severity().name().toLowerCase(Locale.ROOT));
        r.put("expires", f.notAfter() != null ? date(f.notAfter(), zone)
                : f.source() == CertSource.SCAN ? "unknown" : "never issued");
        r.put("days", f.daysLeft() == Long.MAX_VALUE ? "-" : String.valueOf(f.daysLeft()));
        r.put("cluster", f.cluster());
        r.put("source", f.source().id());
        r.put("where", (f.namespace().isEmpty() ? "" : f.namespace() + "/") + f.name()
                + (f.item() == null || f.item().isEmpty() ? "" : "[" + f.item() + "]"));
        r.put("subject", f.subject());
        r.put("issuer", f.issuer());
        r.put("flags", f.flagCodes());
        r.put("flagDetails", f.flags().stream().map(x -> x.code() + ": " + x.detail()).toList());
        r.put("reason", f.reason());
        r.put("policy", f.policy());
        r.put("usedBy", f.blastRadius());
        return r;
    }

    static String date(Instant i, ZoneId zone) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone).format(i);
    }

    /** Column widths for the console table. */
    public static Map<String, Integer> widths(List<Map<String, Object>> rows) {
        Map<String, Integer> w = new LinkedHashMap<>();
        for (String k : List.of("severity", "expires", "days", "cluster", "source", "where", "subject", "flags")) {
            int max = k.length();
            for (Map<String, Object> r : rows) max = Math.max(max, String.valueOf(r.get(k)).length());
            w.put(k, Math.min(max, k.equals("where") || k.equals("subject") ? 60 : 40));
        }
        return w;
    }

    /**
     * The timeline: certificates expiring within the window (and the expired ones, in a column on the left) as
     * dots on a day axis, coloured by severity, stacked when they fall on the same day band; dashed lines at the
     * critical and warning thresholds.
     */
    public static Map<String, Object> timeline(List<Finding> findings, Instant now, int warningDays,
                                               int criticalDays, ZoneId zone) {
        long maxDays = findings.stream().filter(f -> f.notAfter() != null && f.daysLeft() >= 0)
                .mapToLong(Finding::daysLeft).filter(d -> d <= 400).max().orElse(60);
        int window = (int) Math.min(400, Math.max(60, ((maxDays / 30) + 1) * 30));
        int near = Math.max(14, Math.min(warningDays, window / 2));
        List<Map<String, Object>> dots = new ArrayList<>();
        Map<Integer, Integer> stack = new LinkedHashMap<>();
        int beyond = 0;
        for (Finding f : findings) {
            if (f.notAfter() == null) continue;
            if (f.daysLeft() > window) {
                beyond++;
                continue;
            }
            int x = f.daysLeft() < 0 ? EXPIRED_X + 30 : xOf(f.daysLeft(), window, near);
            int band = x / 10;
            int level = stack.merge(band, 1, Integer::sum) - 1;
            if (level > 17) continue; // the column is full; the table lists them all
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("x", x);
            d.put("y", AXIS_Y - 14 - level * 12);
            d.put("sev", f.severity().name().toLowerCase(Locale.ROOT));
            d.put("title", f.location() + " " + f.subject() + " — " + f.severity() + ", "
                    + (f.daysLeft() < 0 ? "expired " + date(f.notAfter(), zone) : "expires " + date(f.notAfter(), zone)));
            dots.add(d);
        }
        List<Map<String, Object>> ticks = new ArrayList<>();
        List<Integer> tickDays = new ArrayList<>();
        for (int day = 0; day < near - 4; day += 7) tickDays.add(day); // no label crowding the boundary
        for (int day = near; day <= window; day += 30) tickDays.add(day);
        for (int day : tickDays) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("x", xOf(day, window, near));
            t.put("label", day == 0 ? "today" : DateTimeFormatter.ofPattern("MMM d").withLocale(Locale.ENGLISH)
                    .withZone(zone).format(now.plusSeconds(day * 86_400L)));
            ticks.add(t);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("width", SVG_W);
        m.put("height", SVG_H);
        m.put("axisY", AXIS_Y);
        m.put("x0", PLOT_X0);
        m.put("x1", PLOT_X1);
        m.put("expiredX", EXPIRED_X);
        m.put("window", window);
        m.put("critX", xOf(criticalDays, window, near));
        m.put("warnX", xOf(warningDays, window, near));
        m.put("critDays", criticalDays);
        m.put("warnDays", warningDays);
        m.put("dots", dots);
        m.put("ticks", ticks);
        m.put("beyond", beyond);
        return m;
    }

    /**
     * The thresholds the report's timeline draws: the policies that judged the findings (a finding names them,
     * "base+team-a"; all policies when nothing was found), merged like the job merges them for a cluster
     * ({@link ExpiryPolicy#merge}: the largest warningDays and criticalDays win); 30/7 without any policy.
     */
    public static ExpiryPolicy.Thresholds reportThresholds(List<Finding> findings,
            List<io.kubechores.desiredstate.Resource<io.kubechores.desiredstate.CertificatePolicySpec>> policies) {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Finding f : findings) {
            if (f.policy() != null && !f.policy().isEmpty()) used.addAll(List.of(f.policy().split("\\+")));
        }
        List<io.kubechores.desiredstate.CertificatePolicySpec> specs = policies.stream()
                .filter(p -> used.isEmpty() || used.contains(p.name())).map(p -> p.spec()).toList();
        if (specs.isEmpty()) specs = policies.stream().map(p -> p.spec()).toList();
        if (specs.isEmpty()) return new ExpiryPolicy.Thresholds(30, 7);
        var merged = ExpiryPolicy.merge(specs);
        return new ExpiryPolicy.Thresholds(merged.warningDays(), merged.criticalDays());
    }

    /** Share of the axis given to the first {@code near} days (the ones that matter most): they are spread out. */
    static final double NEAR_SHARE = 0.45;

    /** Piecewise-linear day axis: days 0..near take NEAR_SHARE of the width, near..window the rest. */
    static int xOf(long days, int window, int near) {
        double d = Math.max(0, Math.min(days, window));
        double f = d <= near ? NEAR_SHARE * d / near : NEAR_SHARE + (1 - NEAR_SHARE) * (d - near) / (window - near);
        return PLOT_X0 + (int) Math.round((PLOT_X1 - PLOT_X0) * f);
    }

    /** Slack needs only &amp;, &lt; and &gt; escaped in message text. */
    static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Slack mrkdwn lines for the findings to alert on (new or changed). */
    public static List<Map<String, Object>> slackRows(AlertDedupe.Decision d, ZoneId zone) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Finding f : d.toAlert()) {
            if (out.size() >= SLACK_ROWS) break;
            Map<String, Object> r = row(f, zone);
            r.put("emoji", switch (f.severity()) {
                case EXPIRED -> ":red_circle:";
                case CRITICAL -> ":large_orange_circle:";
                case WARNING -> ":large_yellow_circle:";
                case OK -> ":white_check_mark:";
            });
            r.put("location", f.location());
            for (String k : List.of("subject", "reason", "expires", "usedBy")) {
                r.put(k, slackEscape(String.valueOf(r.get(k))));
            }
            r.put("was", d.previous().getOrDefault(f.key(), ""));
            r.put("reminder", d.reminders().contains(f.key()));
            out.add(r);
        }
        return out;
    }
}
