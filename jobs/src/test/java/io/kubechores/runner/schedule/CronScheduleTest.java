package io.kubechores.runner.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Next fire times of 5-field crons in their time zone, across the Europe/Berlin DST changes of 2026. */
class CronScheduleTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @ParameterizedTest(name = "{0} in {1} after {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # cron          | zone          | after (local)    | next three fire times (offset shows DST)
            0 19 * * 1-5    | Europe/Berlin | 2026-03-27T12:00 | 2026-03-27T19:00+01:00 2026-03-30T19:00+02:00 2026-03-31T19:00+02:00
            0 8-17 * * 1-5  | Europe/Berlin | 2026-03-27T16:30 | 2026-03-27T17:00+01:00 2026-03-30T08:00+02:00 2026-03-30T09:00+02:00
            # spring forward 2026-03-29 02:00 -> 03:00: a 02:30 schedule does not run that day
            30 2 * * *      | Europe/Berlin | 2026-03-28T12:00 | 2026-03-30T02:30+02:00 2026-03-31T02:30+02:00 2026-04-01T02:30+02:00
            # every 15 minutes jumps straight from 01:45 CET to 03:00 CEST
            */15 * * * *    | Europe/Berlin | 2026-03-29T01:40 | 2026-03-29T01:45+01:00 2026-03-29T03:00+02:00 2026-03-29T03:15+02:00
            # fall back 2026-10-25 03:00 -> 02:00: a 02:30 schedule runs once, at the first 02:30
            30 2 * * *      | Europe/Berlin | 2026-10-24T12:00 | 2026-10-25T02:30+02:00 2026-10-26T02:30+01:00 2026-10-27T02:30+01:00
            0 6 * * 1       | Europe/Berlin | 2026-10-20T00:00 | 2026-10-26T06:00+01:00 2026-11-02T06:00+01:00 2026-11-09T06:00+01:00
            30 7 * * *      | Europe/Berlin | 2026-10-24T08:00 | 2026-10-25T07:30+01:00 2026-10-26T07:30+01:00 2026-10-27T07:30+01:00
            15 5 * * *      | Etc/UTC       | 2026-03-29T05:15 | 2026-03-30T05:15Z 2026-03-31T05:15Z 2026-04-01T05:15Z
            # day-of-week 0 and 7 are both Sunday; day-of-month and day-of-week are OR-ed as in Vixie cron
            0 12 * * 0      | Europe/Berlin | 2026-11-24T00:00 | 2026-11-29T12:00+01:00 2026-12-06T12:00+01:00 2026-12-13T12:00+01:00
            0 12 * * 7      | Europe/Berlin | 2026-11-24T00:00 | 2026-11-29T12:00+01:00 2026-12-06T12:00+01:00 2026-12-13T12:00+01:00
            0 0 1 * *       | Europe/Berlin | 2026-11-24T00:00 | 2026-12-01T00:00+01:00 2027-01-01T00:00+01:00 2027-02-01T00:00+01:00
            """)
    void nextFireTimes(String cron, String zone, String after, String expected) {
        ZoneId z = ZoneId.of(zone);
        List<ZonedDateTime> next = CronSchedule.parse(cron).next(LocalDateTime.parse(after).atZone(z), z, 3);
        assertThat(next).extracting(t -> t.toOffsetDateTime().toString())
                .containsExactlyElementsOf(Arrays.asList(expected.split(" ")));
    }

    /** The Quartz runner fires at the same instants as CronJobs and Jenkins (outside the repeated DST hour). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            */15 * * * *    | 0 */15 * * * ? *
            0 19 * * 1-5    | 0 0 19 ? * 2-6 *
            0 8-17 * * 1-5  | 0 0 8-17 ? * 2-6 *
            0 6 * * 1       | 0 0 6 ? * 2 *
            30 2 * * *      | 0 30 2 * * ? *
            0 0 1 * *       | 0 0 0 1 * ? *
            """)
    void quartzExpressionFiresAtTheSameInstants(String cron, String quartz) throws ParseException {
        CronSchedule c = CronSchedule.parse(cron);
        assertThat(c.quartz()).isEqualTo(quartz);
        // a year of fire times from 2026-01-01, excluding the fall-back hour (see the test below)
        ZonedDateTime from = ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, BERLIN);
        List<ZonedDateTime> utils = c.next(from, BERLIN, 400).stream().filter(t -> !inFallBackHour(t)).toList();
        List<ZonedDateTime> q = quartzNext(quartz, from, 500).stream().filter(t -> !inFallBackHour(t))
                .limit(utils.size()).toList();
        assertThat(q).extracting(ZonedDateTime::toInstant).containsExactlyElementsOf(
                utils.stream().map(ZonedDateTime::toInstant).toList());
    }

    /**
     * Documented difference: in the repeated hour of the fall-back night Quartz fires each wall-clock time once
     * (the second occurrence), cron-utils (and so the CronJob preview) follows real time through both hours.
     */
    @Test
    void inTheRepeatedHourQuartzFiresEachWallClockTimeOnce() throws ParseException {
        ZonedDateTime from = OffsetDateTime.parse("2026-10-25T02:40+02:00").atZoneSameInstant(BERLIN);
        assertThat(quartzNext("0 */15 * * * ? *", from, 2)).extracting(t -> t.toOffsetDateTime().toString())
                .containsExactly("2026-10-25T02:45+01:00", "2026-10-25T03:00+01:00");
        assertThat(CronSchedule.parse("*/15 * * * *").next(from, BERLIN, 2)).extracting(t -> t.toOffsetDateTime().toString())
                .containsExactly("2026-10-25T02:45+02:00", "2026-10-25T02:00+01:00");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 19 * *              | cron must have 5 fields
            0 0 19 * * ?          | cron must have 5 fields
            61 * * * *            | 61
            0 25 * * *            | 25
            0 8 * * Mon-Fry       | 
            """)
    void rejectsWhatKubernetesWouldReject(String cron, String mention) {
        assertThatThrownBy(() -> CronSchedule.parse(cron)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(mention == null ? "" : mention);
    }

    private static boolean inFallBackHour(ZonedDateTime t) {
        ZonedDateTime local = t.withZoneSameInstant(BERLIN);
        return local.getMonthValue() == 10 && local.getDayOfMonth() == 25 && local.getHour() == 2;
    }

    private static List<ZonedDateTime> quartzNext(String expr, ZonedDateTime from, int n) throws ParseException {
        CronExpression q = new CronExpression(expr);
        q.setTimeZone(TimeZone.getTimeZone(BERLIN));
        List<ZonedDateTime> out = new ArrayList<>();
        Date d = Date.from(from.toInstant());
        for (int i = 0; i < n; i++) {
            d = q.getNextValidTimeAfter(d);
            if (d == null) break;
            out.add(d.toInstant().atZone(BERLIN));
        }
        return out;
    }
}
