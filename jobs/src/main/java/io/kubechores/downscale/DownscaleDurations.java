package io.kubechores.downscale;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in the repo (common.schema.json): 30s, 15m, 72h, 7d, 1h30m, 500ms. */
final class DownscaleDurations {
    private static final Pattern ALL = Pattern.compile("([0-9]+(ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w)");

    private DownscaleDurations() {}

    static Duration parse(String text) {
        if (text == null || !ALL.matcher(text).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration like 15m, 1h30m or 7d");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(text);
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

    /** 1h30m, 15m, 2d3h — for reasons. */
    static String format(Duration d) {
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
}
