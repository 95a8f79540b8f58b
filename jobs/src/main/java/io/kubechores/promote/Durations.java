package io.kubechores.promote;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the desired-state duration grammar (30s, 15m, 72h, 7d, 1w, 1h30m) and prints durations for humans. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w)");

    private Durations() {}

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) return Duration.ZERO;
        Matcher m = PART.matcher(text.trim());
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) throw new IllegalArgumentException("not a duration: " + text);
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
            end = m.end();
        }
        if (end != text.trim().length()) throw new IllegalArgumentException("not a duration: " + text);
        return d;
    }

    /** 3d 4h, 5h 12m, 42m, 10s. */
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
