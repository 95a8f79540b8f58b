package io.kubechores.core.schedule;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube-downscaler's schedule grammar: table of (schedule, instant, contained?) plus parse errors with their column. */
class ScheduleTest {

    @ParameterizedTest(name = "[{index}] {0} at {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # office hours, Tue 2026-11-24 (winter, CET)
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-11-24T07:30:00+01:00 | true
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-11-24T07:29:59+01:00 | false
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-11-24T20:29:59+01:00 | true
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-11-24T20:30:00+01:00 | false
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-11-28T12:00:00+01:00 | false
            MON-FRI 07:30-20:30 UTC           | 2026-11-24T07:30:00Z      | true
            # spring forward: Fri 2026-03-27 is CET (+1), Mon 2026-03-30 is CEST (+2): 07:30 local both days
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-03-27T06:30:00Z      | true
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-03-27T06:29:00Z      | false
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-03-30T05:30:00Z      | true
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-03-30T05:29:00Z      | false
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-03-30T18:29:00Z      | true
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-03-30T18:30:00Z      | false
            # Sun 2026-03-29: local 02:00-03:00 does not exist (01:00Z is 03:00 CEST)
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-03-29T00:59:59Z      | false
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-03-29T01:00:00Z      | false
            Sun-Sun 02:30-03:30 Europe/Berlin | 2026-03-29T01:00:00Z      | true
            Sun-Sun 02:30-03:30 Europe/Berlin | 2026-03-29T01:30:00Z      | false
            # the 23-hour Sunday: the weekend ends at local midnight = 22:00Z
            Sat-Sun 00:00-24:00 Europe/Berlin | 2026-03-27T22:59:59Z      | false
            Sat-Sun 00:00-24:00 Europe/Berlin | 2026-03-27T23:00:00Z      | true
            Sat-Sun 00:00-24:00 Europe/Berlin | 2026-03-29T21:59:59Z      | true
            Sat-Sun 00:00-24:00 Europe/Berlin | 2026-03-29T22:00:00Z      | false
            # fall back, Sun 2026-10-25: local 02:00-03:00 happens twice (00:00Z-01:00Z CEST, 01:00Z-02:00Z CET)
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-10-24T23:59:59Z      | false
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-10-25T00:00:00Z      | true
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-10-25T00:30:00Z      | true
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-10-25T01:30:00Z      | true
            Sun-Sun 02:00-03:00 Europe/Berlin | 2026-10-25T02:00:00Z      | false
            # the 25-hour Sunday ends at 23:00Z; Mon 2026-10-26 07:30 CET is 06:30Z
            Sat-Sun 00:00-24:00 Europe/Berlin | 2026-10-25T22:59:59Z      | true
            Sat-Sun 00:00-24:00 Europe/Berlin | 2026-10-25T23:00:00Z      | false
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-10-26T06:29:59Z      | false
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-10-26T06:30:00Z      | true
            Mon-Fri 07:30-20:30 Europe/Berlin | 2026-10-23T05:30:00Z      | true
            # crossing midnight: days name the evening the range starts
            Mon-Fri 22:00-06:00 Europe/Berlin | 2026-11-27T23:00:00+01:00 | true
            Mon-Fri 22:00-06:00 Europe/Berlin | 2026-11-28T05:59:00+01:00 | true
            Mon-Fri 22:00-06:00 Europe/Berlin | 2026-11-28T06:00:00+01:00 | false
            Mon-Fri 22:00-06:00 Europe/Berlin | 2026-11-23T03:00:00+01:00 | false
            Mon-Fri 22:00-06:00 Europe/Berlin | 2026-11-24T03:00:00+01:00 | true
            Mon-Fri 22:00-06:00 Europe/Berlin | 2026-11-24T12:00:00+01:00 | false
            Mon-Mon 22:00-00:00 UTC           | 2026-11-23T23:00:00Z      | true
            Mon-Mon 22:00-00:00 UTC           | 2026-11-24T00:30:00Z      | false
            # 24:00 is the end of the day
            Mon-Sun 20:00-24:00 UTC           | 2026-11-24T23:59:59Z      | true
            Mon-Sun 20:00-24:00 UTC           | 2026-11-25T00:00:00Z      | false
            # day ranges wrap over the week end; a single day means that day
            Fri-Mon 10:00-11:00 UTC           | 2026-11-29T10:30:00Z      | true
            Fri-Mon 10:00-11:00 UTC           | 2026-11-30T10:30:00Z      | true
            Fri-Mon 10:00-11:00 UTC           | 2026-11-25T10:30:00Z      | false
            Fri 12:00-24:00 Europe/Berlin     | 2026-11-27T23:59:00+01:00 | true
            Fri 12:00-24:00 Europe/Berlin     | 2026-11-28T00:00:00+01:00 | false
            # overlapping ranges and several zones: any range matches
            Mon-Fri 07:30-20:30 Europe/Berlin, Mon-Wed 18:00-22:00 Europe/Berlin | 2026-11-24T21:00:00+01:00 | true
            Mon-Fri 07:30-20:30 Europe/Berlin, Mon-Wed 18:00-22:00 Europe/Berlin | 2026-11-26T21:00:00+01:00 | false
            Mon-Fri 07:30-20:30 Europe/Berlin, Mon-Wed 18:00-22:00 Europe/Berlin | 2026-11-24T19:00:00+01:00 | true
            Mon-Fri 09:00-17:00 America/New_York,Mon-Fri 09:00-17:00 Europe/Berlin | 2026-11-24T15:00:00Z | true
            Mon-Fri 09:00-17:00 America/New_York,Mon-Fri 09:00-17:00 Europe/Berlin | 2026-11-24T23:00:00Z | false
            # absolute ranges include both ends (kube-downscaler)
            2026-12-24T18:00:00+01:00-2026-12-27T08:00:00+01:00 | 2026-12-24T16:59:59Z | false
            2026-12-24T18:00:00+01:00-2026-12-27T08:00:00+01:00 | 2026-12-24T17:00:00Z | true
            2026-12-24T18:00:00+01:00-2026-12-27T08:00:00+01:00 | 2026-12-27T07:00:00Z | true
            2026-12-24T18:00:00+01:00-2026-12-27T08:00:00+01:00 | 2026-12-27T07:00:01Z | false
            Sat-Sun 00:00-24:00 UTC, 2026-12-24T00:00:00Z-2026-12-24T23:59:59Z | 2026-12-24T12:00:00Z | true
            Sat-Sun 00:00-24:00 UTC, 2026-12-24T00:00:00Z-2026-12-24T23:59:59Z | 2026-12-23T12:00:00Z | false
            always                            | 2026-11-24T03:00:00Z      | true
            Always                            | 2026-03-29T01:30:00Z      | true
            never                             | 2026-11-24T12:00:00Z      | false
            NEVER                             | 2026-03-29T01:30:00Z      | false
            """)
    void containsFollowsTheGrammar(String schedule, String at, boolean expected) {
        Instant t = OffsetDateTime.parse(at).toInstant();
        assertThat(Schedule.parse(schedule).contains(t)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> column {1} \"{2}\"")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fry 07:30-20:30 Europe/Berlin                   | 5  | Fry                 | unknown weekday
            Weekdays 07:30-20:30 UTC                            | 1  | Weekdays            | unknown weekday
            Mon-Fri 07:30-25:00 Europe/Berlin                   | 15 | 25:00               | end must be 00:00..24:00
            Mon-Fri 24:00-06:00 UTC                             | 9  | 24:00               | start must be 00:00..23:59
            Mon-Fri 07:60-20:00 UTC                             | 9  | 07:60               | start must be 00:00..23:59
            Mon-Fri 7:30-20:30 Europe/Berlin                    | 9  | 7:30-20:30          | HH:MM-HH:MM
            Mon-Fri 07:30-20:30 Europe/Berln                    | 21 | Europe/Berln        | unknown time zone
            Mon-Fri 07:30-20:30                                 | 1  | Mon-Fri 07:30-20:30 | missing time zone
            Mon-Fri                                             | 1  | Mon-Fri             | expected days, times and a zone
            08:00-17:00 UTC                                     | 1  | 08:00-17:00 UTC     | missing weekdays
            from                                                | 1  | from                | missing date-time
            until 2026-12-24                                    | 7  | 2026-12-24          | date-time with offset
            Mon-Fri 07:30-20:30 UTC,                            | 24 | ''                  | empty range
            Mon-Fri 07:30-20:30 Europe/Berlin extra             | 35 | extra               | unexpected text after the time zone
            2026-12-27T08:00:00+01:00-2026-12-24T18:00:00+01:00 | 27 | 2026-12-24T18:00:00+01:00 | end is before start
            2026-12-24T18:00:00-2026-12-27T08:00:00             | 1  | 2026-12-24T18:00:00-2026-12-27T08:00:00 | expected an absolute range
            2026-02-30T18:00:00+01:00-2026-03-27T08:00:00+01:00 | 1  | 2026-02-30T18:00:00+01:00 | not a valid date-time
            ''                                                  | 1  | ''                  | empty schedule
            """)
    void parseErrorsNameTheWrongPart(String schedule, int column, String fragment, String problem) {
        assertThatThrownBy(() -> Schedule.parse(schedule))
                .isInstanceOfSatisfying(ScheduleParseException.class, e -> {
                    assertThat(e.column()).as(e.getMessage()).isEqualTo(column);
                    assertThat(e.fragment()).isEqualTo(fragment);
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.getMessage()).contains("\"" + schedule + "\"").contains("column " + column);
                });
    }

    @Test
    void fallbackZoneFillsRangesWithoutOne() {
        Schedule s = Schedule.parse("Mon-Fri 07:30-20:30, Sat-Sat 10:00-12:00 UTC", ZoneId.of("Europe/Berlin"));
        assertThat(s.ranges()).extracting(r -> ((Schedule.Weekly) r).zone())
                .containsExactly(ZoneId.of("Europe/Berlin"), ZoneId.of("UTC"));
        assertThat(s.contains(Instant.parse("2026-11-24T06:30:00Z"))).isTrue();
        assertThat(s.contains(Instant.parse("2026-11-24T06:29:00Z"))).isFalse();
    }

    @Test
    void rangesAreExposedImmutably() {
        Schedule s = Schedule.parse("Fri-Mon 22:00-06:00 Europe/Berlin");
        Schedule.Weekly w = (Schedule.Weekly) s.ranges().getFirst();
        assertThat(w.fromDay()).isEqualTo(DayOfWeek.FRIDAY);
        assertThat(w.toDay()).isEqualTo(DayOfWeek.MONDAY);
        assertThat(w.startMinute()).isEqualTo(22 * 60);
        assertThat(w.endMinute()).isEqualTo(6 * 60);
        assertThat(w.text()).isEqualTo("Fri-Mon 22:00-06:00 Europe/Berlin");
        assertThatThrownBy(() -> s.ranges().add(w)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Schedule.parse("always").isAlways()).isTrue();
        assertThat(Schedule.parse("never").isNever()).isTrue();
    }

    @Test
    void betweenBuildsAnAbsoluteWindow() {
        Schedule s = Schedule.between(Instant.parse("2026-12-21T00:00:00Z"), Instant.parse("2027-01-04T00:00:00Z"));
        assertThat(s.contains(Instant.parse("2026-12-31T12:00:00Z"))).isTrue();
        assertThat(s.contains(Instant.parse("2027-01-04T00:00:01Z"))).isFalse();
    }
}
