package io.kubechores.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The desired-state duration grammar (common.schema.json: 500ms, 30s, 15m, 72h, 7d, 1w, 1h30m) and how durations
 * are printed in plans. Shared by every job that reads a duration.
 */
public final class Durations {
    private static final Pattern ALL = Pattern.compile("([0-9]+(ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w)");

    private Durations() {}

    /** Parses a duration; null or blank is zero. @throws IllegalArgumentException naming the text */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) return Duration.ZERO;
        String t = text.trim();
        if (!ALL.matcher(t).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration like 15m, 1h30m or 7d");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        return d;
    }

    /** In the grammar's own compact form: 1h30m, 15m, 2d3h (seconds only below a day). */
    public static String compact(Duration d) {
        long s = d.getSeconds();
        if (s <= 0) return "0s";
        StringBuilder b = new StringBuilder();
        long days = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60, sec = s % 60;
        if (days > 0) b.append(days).append('d');
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (sec > 0 && days == 0) b.append(sec).append('s');
        return b.toString();
    }

    /** Two most significant units for people: 3d 4h, 5h 12m, 42m, 10s. */
    public static String human(Duration d) {
        if (d.isNegative()) return "-" + human(d.negated());
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        if (days > 0) return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        if (hours > 0) return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        if (minutes > 0) return minutes + "m";
        return d.toSecondsPart() + "s";
    }
}
