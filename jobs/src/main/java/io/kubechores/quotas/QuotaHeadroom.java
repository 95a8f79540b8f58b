package io.kubechores.quotas;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quotas report's headroom bars (templates/html/quotas-report.ftl): per quota the applied value, what the fleet
 * wants, what is in use and what is requested (an open or just filed increase), on one scale (the largest of them).
 * "In use" needs usage metrics (Service Quotas' CloudWatch usage); rows without it say "in use: not measured".
 */
public final class QuotaHeadroom {
    private QuotaHeadroom() {}

    /**
     * @param appliedPct/wantedPct/usedPct/requestedPct positions in percent of {@code scale}; -1 when unknown
     * @param shortfall     true when applied is below wanted (the bar shows the missing part red)
     */
    public record Bar(String account, String region, String quota, String name, String applied, String wanted,
                      String used, String requested, double appliedPct, double wantedPct, double usedPct,
                      double requestedPct, boolean shortfall, String status, String headroom) {}

    public static List<Bar> of(List<QuotaRow> rows) {
        List<Bar> out = new ArrayList<>();
        for (QuotaRow r : rows) {
            if (r.quota().isEmpty()) continue; // an account/region that failed: no quota to draw
            Double applied = leadingNumber(r.applied());
            double wanted = r.wanted();
            Double requested = leadingNumber(r.request());
            Double used = null; // not collected yet
            double scale = Math.max(wanted, Math.max(applied == null ? 0 : applied, requested == null ? 0 : requested));
            if (scale <= 0) scale = 1;
            String headroom = applied == null ? "applied value unknown"
                    : applied >= wanted ? String.format(Locale.ROOT, "%s spare above what is wanted", QuotaPlanner.num(applied - wanted))
                    : String.format(Locale.ROOT, "%s short of what is wanted", QuotaPlanner.num(wanted - applied));
            out.add(new Bar(r.account(), r.region(), r.quota(), r.quotaName(), applied == null ? "?" : QuotaPlanner.num(applied),
                    QuotaPlanner.num(wanted), used == null ? "not measured" : QuotaPlanner.num(used),
                    requested == null ? "" : QuotaPlanner.num(requested),
                    pct(applied, scale), pct(wanted, scale), pct(used, scale), pct(requested, scale),
                    applied != null && applied < wanted, r.status(), headroom));
        }
        return out;
    }

    private static double pct(Double v, double scale) {
        return v == null ? -1 : Math.round(1000.0 * v / scale) / 10.0;
    }

    /** "64 (default)" → 64; "" / "?" → null (QuotaRow formats applied with QuotaPlanner.num and a note). */
    static Double leadingNumber(String s) {
        if (s == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)").matcher(s);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }
}
