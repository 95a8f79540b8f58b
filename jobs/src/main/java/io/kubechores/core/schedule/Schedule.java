package io.kubechores.core.schedule;

import io.kubechores.desiredstate.TimeZones;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable set of time ranges in kube-downscaler's grammar, shared by every job (downscale uptime/downtime,
 * promotion freeze windows).
 *
 * <pre>
 * schedule    := "always" | "never" | range ("," range)*
 * range       := weekly | absolute | directional
 * weekly      := [days " "] HH:MM "-" HH:MM [" " zone]     e.g. Mon-Fri 07:30-20:30 Europe/Berlin
 * days        := Day "-" Day | Day                          Mon..Sun, case-insensitive; Fri-Mon wraps over the week end
 * absolute    := ISO [" "] "-" [" "] ISO                    e.g. 2026-12-24T18:00:00+01:00-2026-12-27T08:00:00+01:00
 * directional := ("from" | "until") [" "] ["-"] [" "] ISO   e.g. from 2026-12-24T18:00:00+01:00 (GoKubeDownscaler)
 * </pre>
 *
 * Semantics (carried over from kube-downscaler, with the extensions marked):
 * <ul>
 *   <li>"always" / "never" stand alone (case-insensitive); GoKubeDownscaler's "true" / "false" mean the same.</li>
 *   <li>A weekly range is evaluated on the local wall clock of its zone: the instant matches when its local weekday
 *       is in the day range and its local minute-of-day m satisfies start &lt;= m &lt; end. "24:00" is the end of
 *       the day. The zone is mandatory unless a fallback zone is given to {@link #parse(String, ZoneId)}.</li>
 *   <li>Days may be left out when a default week frame is given (kube-downscaler's and GoKubeDownscaler's
 *       DEFAULT_WEEKFRAME; here the Fleet's downscale.defaultWeekFrame): "08:00-17:00 UTC" means
 *       "Mon-Fri 08:00-17:00 UTC" with the frame Mon-Fri. Without a frame it is an error naming the setting.</li>
 *   <li>Start equal to end ("Mon-Mon 00:00-00:00 CET", kube-downscaler's own test case) is accepted and never
 *       matches, as in both peers; {@link #warnings()} says so, so a plan can show it.</li>
 *   <li>Extension: a single day ("Fri 20:00-24:00") means "Fri-Fri".</li>
 *   <li>Extension: a range whose end is before its start crosses midnight ("Mon-Fri 22:00-06:00"): the days name the
 *       day the range starts, so Fri 22:00-Sat 06:00 is included and Mon 00:00-06:00 is not.</li>
 *   <li>DST: because evaluation uses the local wall clock, "07:30" is 07:30 in summer and winter; on the spring-forward
 *       day the skipped local hour simply never occurs and on the fall-back day the repeated hour matches twice.</li>
 *   <li>Absolute ranges carry their UTC offset (or Z) and include both ends, like kube-downscaler (GoKubeDownscaler
 *       excludes the end). Spaces around the dash are allowed (GoKubeDownscaler).</li>
 *   <li>Directional ranges (GoKubeDownscaler): "from T" contains every instant at or after T, "until T" every
 *       instant before T; the keyword is case-insensitive, a dash after it is optional.</li>
 *   <li>Ranges may overlap; the schedule contains an instant when any range does.</li>
 * </ul>
 */
public final class Schedule {
    private static final Pattern TIMES = Pattern.compile("(\\d\\d):(\\d\\d)-(\\d\\d):(\\d\\d)");
    private static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2})?(?:[+-]\\d{2}:\\d{2}|Z)";
    private static final Pattern ABSOLUTE = Pattern.compile("(" + ISO + ")\\s*-\\s*(" + ISO + ")");
    private static final Pattern DIRECTIONAL = Pattern.compile("(?i)(from|until)\\s*(?:-\\s*)?(\\S.*)?");
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    public static final Schedule ALWAYS = new Schedule("always", List.of(), true);
    public static final Schedule NEVER = new Schedule("never", List.of(), false);

    private final String text;
    private final List<Range> ranges;
    private final boolean always;

    private Schedule(String text, List<Range> ranges, boolean always) {
        this.text = text;
        this.ranges = List.copyOf(ranges);
        this.always = always;
    }

    /**
     * The days a weekly range without days covers (kube-downscaler's DEFAULT_WEEKFRAME), e.g. Mon-Fri.
     *
     * @param from first day
     * @param to   last day (before from = wraps over Sunday)
     */
    public record WeekFrame(DayOfWeek from, DayOfWeek to) {
        public WeekFrame {
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
        }

        /** Parses "Mon-Fri" (or a single day, "Sat"); throws ScheduleParseException naming the wrong part. */
        public static WeekFrame parse(String text) {
            String t = text == null ? "" : text.strip();
            if (t.isEmpty() || t.indexOf(' ') >= 0) {
                throw new ScheduleParseException(t, 0, t, "expected a week frame like \"Mon-Fri\"");
            }
            DayOfWeek[] d = days(t, new Token(t, 0));
            return new WeekFrame(d[0], d[1]);
        }
    }

    /** One range of a schedule. */
    public sealed interface Range permits Weekly, Absolute, Directional {
        boolean contains(Instant t);

        /** The range as written. */
        String text();
    }

    /**
     * A recurring weekly range on the local wall clock of zone.
     *
     * @param fromDay     first day (inclusive)
     * @param toDay       last day (inclusive); before fromDay = wraps over Sunday
     * @param startMinute minute of day the range starts, 0..1439
     * @param endMinute   minute of day the range ends (exclusive), 1..1440; less than startMinute = crosses midnight
     */
    public record Weekly(DayOfWeek fromDay, DayOfWeek toDay, int startMinute, int endMinute, ZoneId zone,
                         String text) implements Range {
        public Weekly {
            Objects.requireNonNull(fromDay);
            Objects.requireNonNull(toDay);
            Objects.requireNonNull(zone);
            if (startMinute < 0 || startMinute >= 1440 || endMinute < 0 || endMinute > 1440)
                throw new IllegalArgumentException("bad minutes " + startMinute + "-" + endMinute);
        }

        /** Start equals end: accepted like both peers do, never matches. */
        public boolean empty() {
            return startMinute == endMinute;
        }

        public boolean dayIncluded(DayOfWeek d) {
            int from = fromDay.getValue(), to = toDay.getValue(), v = d.getValue();
            return from <= to ? v >= from && v <= to : v >= from || v <= to;
        }

        @Override
        public boolean contains(Instant t) {
            if (empty()) return false;
            ZonedDateTime local = t.atZone(zone);
            int m = local.getHour() * 60 + local.getMinute();
            DayOfWeek day = local.getDayOfWeek();
            if (startMinute < endMinute) return dayIncluded(day) && m >= startMinute && m < endMinute;
            // crosses midnight: the evening part belongs to `day`, the morning part to the day before
            return (dayIncluded(day) && m >= startMinute) || (dayIncluded(day.minus(1)) && m < endMinute);
        }
    }

    /** An absolute range, both ends included (kube-downscaler semantics). */
    public record Absolute(Instant from, Instant to, String text) implements Range {
        public Absolute {
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
            if (to.isBefore(from)) throw new IllegalArgumentException("end before start");
        }

        @Override
        public boolean contains(Instant t) {
            return !t.isBefore(from) && !t.isAfter(to);
        }
    }

    /**
     * A one-sided range (GoKubeDownscaler's directional timespan).
     *
     * @param at    the instant
     * @param from  true: contains every instant at or after at; false ("until"): every instant before at
     */
    public record Directional(Instant at, boolean from, String text) implements Range {
        public Directional {
            Objects.requireNonNull(at);
        }

        @Override
        public boolean contains(Instant t) {
            return from ? !t.isBefore(at) : t.isBefore(at);
        }
    }

    /** Parses a schedule where every weekly range names its zone. */
    public static Schedule parse(String text) {
        return parse(text, null);
    }

    /**
     * Parses a schedule; weekly ranges without a zone take fallbackZone (e.g. the Fleet's timeZone). With a null
     * fallback a missing zone is an error.
     *
     * @throws ScheduleParseException naming the column and fragment that is wrong
     */
    public static Schedule parse(String text, ZoneId fallbackZone) {
        return parse(text, fallbackZone, null);
    }

    /**
     * Parses a schedule; weekly ranges without a zone take fallbackZone, without days take weekFrame (either may be
     * null: a range that needs it is then an error naming the setting).
     *
     * @throws ScheduleParseException naming the column and fragment that is wrong
     */
    public static Schedule parse(String text, ZoneId fallbackZone, WeekFrame weekFrame) {
        if (text == null || text.isBlank()) {
            throw new ScheduleParseException(text == null ? "" : text, 0, text == null ? "" : text,
                    "empty schedule (expected \"always\", \"never\" or ranges like \"Mon-Fri 07:30-20:30 Europe/Berlin\")");
        }
        String trimmed = text.strip();
        if (CRON.matcher(text).matches()) {
            throw new ScheduleParseException(text, text.indexOf(trimmed), trimmed,
                    "this looks like a cron expression; a schedule is weekdays, times and a zone, e.g. "
                            + "\"Mon-Fri 07:30-20:30 Europe/Berlin\" (or \"always\" / \"never\")");
        }
        // "true"/"false": GoKubeDownscaler's boolean timespans (internal/pkg/values/timespan.go parseBooleanTimeSpan)
        if (trimmed.equalsIgnoreCase("always") || trimmed.equalsIgnoreCase("true")) return new Schedule(text, List.of(), true);
        if (trimmed.equalsIgnoreCase("never") || trimmed.equalsIgnoreCase("false")) return new Schedule(text, List.of(), false);
        List<Range> ranges = new ArrayList<>();
        int partStart = 0;
        while (partStart <= text.length()) {
            int comma = text.indexOf(',', partStart);
            int partEnd = comma < 0 ? text.length() : comma;
            ranges.add(parseRange(text, partStart, partEnd, fallbackZone, weekFrame));
            if (comma < 0) break;
            partStart = comma + 1;
        }
        return new Schedule(text, ranges, false);
    }

    /** An absolute window [from, to] (both included), e.g. a freeze window given as start/end. */
    public static Schedule between(Instant from, Instant to) {
        if (to.isBefore(from)) throw new IllegalArgumentException("end " + to + " before start " + from);
        String t = from + "-" + to;
        return new Schedule(t, List.of(new Absolute(from, to, t)), false);
    }

    /** True when the instant is inside any range (always: true, never: false). */
    public boolean contains(Instant t) {
        if (always) return true;
        for (Range r : ranges) {
            if (r.contains(t)) return true;
        }
        return false;
    }

    public boolean isAlways() {
        return always;
    }

    public boolean isNever() {
        return !always && ranges.isEmpty();
    }

    public List<Range> ranges() {
        return ranges;
    }

    /** Things that are valid but probably not meant, e.g. a range that never matches (start equals end). */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (Range r : ranges) {
            if (r instanceof Weekly w && w.empty()) {
                out.add("range \"" + w.text() + "\" never matches (start equals end; kube-downscaler accepts it the "
                        + "same way); a whole day is 00:00-24:00");
            }
        }
        return out;
    }

    /** The schedule as written. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && s.always == always && s.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(always, ranges);
    }

    // ---------------------------------------------------------------- parsing

    private record Token(String text, int index) {}

    private static Range parseRange(String input, int start, int end, ZoneId fallbackZone, WeekFrame weekFrame) {
        List<Token> tokens = tokens(input, start, end);
        if (tokens.isEmpty()) {
            throw new ScheduleParseException(input, Math.min(start, Math.max(0, input.length() - 1)),
                    input.substring(start, end), "empty range (two commas in a row, or a trailing comma?)");
        }
        int textStart = tokens.getFirst().index();
        String rangeText = input.substring(textStart, tokens.getLast().index() + tokens.getLast().text().length());
        Token first = tokens.getFirst();
        Matcher dir = DIRECTIONAL.matcher(rangeText);
        if (dir.matches()) return directional(input, textStart, rangeText, dir);
        if (!first.text().isEmpty() && Character.isDigit(first.text().charAt(0))
                && !TIMES.matcher(first.text()).matches()) {
            return absolute(input, textStart, rangeText);
        }
        DayOfWeek[] days;
        int next;
        if (TIMES.matcher(first.text()).matches()) {
            if (weekFrame == null) {
                throw new ScheduleParseException(input, first.index(), rangeText,
                        "missing weekdays (write e.g. \"Mon-Fri " + first.text() + "\", or set the Fleet's "
                                + "downscale.defaultWeekFrame, kube-downscaler's DEFAULT_WEEKFRAME)");
            }
            days = new DayOfWeek[]{weekFrame.from(), weekFrame.to()};
            next = 0;
        } else {
            if (tokens.size() < 2) {
                throw new ScheduleParseException(input, first.index(), first.text(),
                        "expected days, times and a zone, e.g. \"Mon-Fri 07:30-20:30 Europe/Berlin\"");
            }
            days = days(input, first);
            next = 1;
        }
        int[] minutes = times(input, tokens.get(next));
        ZoneId zone;
        if (tokens.size() > next + 1) {
            zone = zone(input, tokens.get(next + 1));
        } else if (fallbackZone != null) {
            zone = fallbackZone;
        } else {
            throw new ScheduleParseException(input, first.index(), rangeText,
                    "missing time zone (e.g. \"Europe/Berlin\" or \"UTC\" after the times)");
        }
        if (tokens.size() > next + 2) {
            Token extra = tokens.get(next + 2);
            throw new ScheduleParseException(input, extra.index(), extra.text(),
                    "unexpected text after the time zone (separate ranges with a comma)");
        }
        return new Weekly(days[0], days[1], minutes[0], minutes[1], zone, rangeText);
    }

    private static Range directional(String input, int textStart, String rangeText, Matcher m) {
        boolean from = m.group(1).equalsIgnoreCase("from");
        if (m.group(2) == null) {
            throw new ScheduleParseException(input, textStart, rangeText,
                    "missing date-time after \"" + m.group(1) + "\", e.g. \"from 2026-12-24T18:00:00+01:00\"");
        }
        String iso = m.group(2);
        int at = textStart + m.start(2);
        if (!iso.matches(ISO)) {
            throw new ScheduleParseException(input, at, iso,
                    "expected a date-time with offset, e.g. 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z");
        }
        return new Directional(instant(input, iso, at), from, rangeText);
    }

    private static List<Token> tokens(String s, int start, int end) {
        List<Token> out = new ArrayList<>();
        int i = start;
        while (i < end) {
            while (i < end && Character.isWhitespace(s.charAt(i))) i++;
            int b = i;
            while (i < end && !Character.isWhitespace(s.charAt(i))) i++;
            if (i > b) out.add(new Token(s.substring(b, i), b));
        }
        return out;
    }

    private static DayOfWeek[] days(String input, Token t) {
        String s = t.text();
        int dash = s.indexOf('-');
        String a = dash < 0 ? s : s.substring(0, dash);
        String b = dash < 0 ? s : s.substring(dash + 1);
        DayOfWeek from = day(input, a, t.index());
        DayOfWeek to = day(input, b, t.index() + (dash < 0 ? 0 : dash + 1));
        return new DayOfWeek[]{from, to};
    }

    private static DayOfWeek day(String input, String s, int index) {
        int i = DAYS.indexOf(s.toLowerCase(Locale.ROOT));
        if (i < 0) {
            throw new ScheduleParseException(input, index, s,
                    "unknown weekday (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun, e.g. \"Mon-Fri\")");
        }
        return DayOfWeek.of(i + 1);
    }

    private static int[] times(String input, Token t) {
        Matcher m = TIMES.matcher(t.text());
        if (!m.matches()) {
            throw new ScheduleParseException(input, t.index(), t.text(),
                    "expected times as HH:MM-HH:MM, e.g. \"07:30-20:30\"");
        }
        int sh = Integer.parseInt(m.group(1)), sm = Integer.parseInt(m.group(2));
        int eh = Integer.parseInt(m.group(3)), em = Integer.parseInt(m.group(4));
        String startText = t.text().substring(0, 5), endText = t.text().substring(6);
        if (sh > 23 || sm > 59) {
            throw new ScheduleParseException(input, t.index(), startText, "start must be 00:00..23:59");
        }
        if (eh > 24 || em > 59 || (eh == 24 && em != 0)) {
            throw new ScheduleParseException(input, t.index() + 6, endText, "end must be 00:00..24:00");
        }
        int start = sh * 60 + sm, end = eh * 60 + em;
        if (start == end) return new int[]{start, end}; // never matches, see warnings()
        return new int[]{start, end == 0 ? 1440 : end};
    }

    private static ZoneId zone(String input, Token t) {
        return TimeZones.region(t.text()).orElseThrow(() -> new ScheduleParseException(input, t.index(), t.text(),
                "unknown time zone (expected an IANA zone such as Europe/Berlin or UTC; offsets such as +02:00 "
                        + "do not follow daylight-saving time)"));
    }

    /**
     * Five or six space-separated fields of digits, '*', '/', ',', '-' or '?': a cron expression (as a CronJob's
     * schedule), which the downscale grammar (kube-downscaler's "Mon-Fri 07:30-20:30 Europe/Berlin", see
     * hjacobs/kube-downscaler README "uptime"/"downtime") is not.
     */
    private static final Pattern CRON = Pattern.compile("^\\s*[0-9*/?,-]+(\\s+[0-9A-Za-z*/?,#-]+){4,5}\\s*$");

    private static Range absolute(String input, int textStart, String rangeText) {
        Matcher m = ABSOLUTE.matcher(rangeText);
        if (!m.matches()) {
            throw new ScheduleParseException(input, textStart, rangeText,
                    "expected an absolute range ISO-ISO with offsets, e.g. "
                            + "\"2026-12-24T18:00:00+01:00-2026-12-27T08:00:00+01:00\", or days like \"Mon-Fri\"");
        }
        Instant from = instant(input, m.group(1), textStart + m.start(1));
        Instant to = instant(input, m.group(2), textStart + m.start(2));
        if (to.isBefore(from)) {
            throw new ScheduleParseException(input, textStart + m.start(2), m.group(2), "end is before start " + m.group(1));
        }
        return new Absolute(from, to, rangeText);
    }

    private static Instant instant(String input, String s, int index) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new ScheduleParseException(input, index, s, "not a valid date-time");
        }
    }
}
