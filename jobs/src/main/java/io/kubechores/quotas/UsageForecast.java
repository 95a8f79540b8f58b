package io.kubechores.quotas;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A quota's usage (its CloudWatch usage metric, e.g. AWS/Usage ResourceCount for the EC2 vCPU quotas) turned into
 * "in use", growth and days to exhaustion (pure).
 * <p>
 * The series is one point per day ({@link #PERIOD_SECONDS}) over the last {@link #WINDOW} with the statistic Service
 * Quotas recommends (Maximum for the vCPU quotas): the peak of each day. Growth is the ordinary least-squares slope of
 * those daily peaks against time (units per day) — a linear fit over the whole window, so one spike moves it little;
 * days to exhaustion = (applied − in use) / slope when the slope is positive, where "in use" is the newest day's peak.
 */
public final class UsageForecast {
    public static final Duration WINDOW = Duration.ofDays(14);
    public static final int PERIOD_SECONDS = 86_400;
    /** Warn when the quota runs out within this many days at the current growth. */
    public static final int WARN_DAYS = 14;
    /** Fewer points than this give no growth figure (a line through two days says little). */
    public static final int MIN_POINTS = 3;

    private UsageForecast() {}

    /** One daily data point. */
    public record Point(Instant at, double value) {}

    /**
     * @param inUse            the newest point's value
     * @param at               its timestamp
     * @param slopePerDay      least-squares growth per day, null with fewer than {@link #MIN_POINTS} points
     * @param daysToExhaustion days until in use reaches applied at that growth: 0 when already there, null when not
     *                         growing or unknown
     * @param points           points in the window
     */
    public record Usage(double inUse, Instant at, Double slopePerDay, Double daysToExhaustion, int points) {
        /** "57" for the report. */
        public String inUseText() {
            return QuotaPlanner.num(inUse);
        }

        /** "in 9.5 days (+4.0/day)", "exhausted", "not growing (-1.0/day)", "" without enough points. */
        public String exhaustionText() {
            if (daysToExhaustion != null && daysToExhaustion == 0) return "exhausted";
            if (slopePerDay == null) return "";
            String growth = String.format(Locale.ROOT, "%+.1f/day", slopePerDay);
            if (daysToExhaustion == null) return "not growing (" + growth + ")";
            return String.format(Locale.ROOT, "in %.1f days (%s)", daysToExhaustion, growth);
        }
    }

    /** The usage of a series (any order) against the applied value; null when the series is empty. */
    public static Usage of(List<Point> series, Double applied) {
        if (series == null || series.isEmpty()) return null;
        List<Point> pts = series.stream().sorted(java.util.Comparator.comparing(Point::at)).toList();
        Point last = pts.getLast();
        Double slope = pts.size() < MIN_POINTS ? null : slopePerDay(pts);
        Double days = null;
        if (applied != null && last.value() >= applied) days = 0.0;
        else if (applied != null && slope != null && slope > 0) days = (applied - last.value()) / slope;
        return new Usage(last.value(), last.at(), slope, days, pts.size());
    }

    /** Ordinary least squares: slope of value against time in days since the first point. */
    static double slopePerDay(List<Point> pts) {
        Instant t0 = pts.getFirst().at();
        int n = pts.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Point p : pts) {
            double x = Duration.between(t0, p.at()).toSeconds() / 86_400.0;
            sx += x;
            sy += p.value();
            sxx += x * x;
            sxy += x * p.value();
        }
        double den = n * sxx - sx * sx;
        return den == 0 ? 0 : (n * sxy - sx * sy) / den;
    }

    /**
     * What a human should hear before a node pool cannot scale: the quota is exhausted; it has less free than one
     * more node of a pool counted in it; or it runs out within {@link #WARN_DAYS} days at the current growth. Open
     * or just-filed requests do not silence it (they may be denied); the report shows them next to it.
     */
    public static List<String> warnings(String target, Usage u, Double applied, List<QuotaNeed.NodeStep> steps) {
        List<String> out = new ArrayList<>();
        if (u == null || applied == null) return out;
        double free = applied - u.inUse();
        String head = target + ": in use " + QuotaPlanner.num(u.inUse()) + " of applied " + QuotaPlanner.num(applied);
        if (free <= 0) {
            out.add(head + ": exhausted, no node pool counted here can add a node");
            return out;
        }
        List<String> blocked = steps.stream().filter(s -> s.units() > free)
                .map(s -> s.pool() + " (one " + s.instanceType() + " needs " + s.units() + ")").distinct().toList();
        if (!blocked.isEmpty()) {
            out.add(head + ": only " + QuotaPlanner.num(free) + " free, so " + String.join(", ", blocked)
                    + " cannot add a node");
        } else if (u.daysToExhaustion() != null && u.daysToExhaustion() <= WARN_DAYS) {
            Instant when = u.at().plus(Duration.ofSeconds(Math.round(u.daysToExhaustion() * 86_400)));
            out.add(head + ": at the current growth (" + String.format(Locale.ROOT, "%+.1f/day", u.slopePerDay())
                    + ", linear fit of the daily peaks over " + WINDOW.toDays() + " days) it is exhausted "
                    + u.exhaustionText().replaceFirst(" \\(.*\\)$", "") + ", around "
                    + when.atZone(ZoneOffset.UTC).toLocalDate() + "; node pools counted here cannot scale past it");
        }
        return out;
    }
}
