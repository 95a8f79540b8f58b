package io.kubechores.core.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The time-spec test cases of both peers, case by case (src/test/resources/schedule/peer-conformance.psv names the
 * source file and test of every row): py-kube-downscaler's tests/test_time.py and GoKubeDownscaler's timespan tests
 * and Timespans docs. Every row states the peer's result and kubechores' result; where they differ the row must say
 * why ("deliberate: ..."), so a change that makes kubechores disagree by accident fails here.
 */
class PeerConformanceTest {
    /** The Go tests' scope defaults: DefaultTimezone UTC, DefaultWeekFrame Mon-Fri. */
    static final Schedule.WeekFrame FRAME = new Schedule.WeekFrame(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    record Row(int line, String source, String schedule, Instant at, String peer, String kubechores, String note) {
        @Override
        public String toString() {
            return "line " + line + " " + source + ": \"" + schedule + "\" at " + at;
        }
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = PeerConformanceTest.class.getResourceAsStream("/schedule/peer-conformance.psv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.isBlank() || l.startsWith("#")) continue;
                String[] c = l.split("\\|", -1);
                if (c.length != 6) throw new IllegalStateException("line " + (i + 1) + ": expected 6 columns");
                String schedule = c[1].strip();
                rows.add(new Row(i + 1, c[0].strip(), schedule.equals("''") ? "" : schedule,
                        Instant.parse(c[2].strip()), c[3].strip(), c[4].strip(), c[5].strip()));
            }
        }
        return rows;
    }

    static Stream<Arguments> cases() throws IOException {
        return rows().stream().map(Arguments::of);
    }

    static String evaluate(String schedule, Instant at) {
        try {
            return Boolean.toString(Schedule.parse(schedule, ZoneOffset.UTC, FRAME).contains(at));
        } catch (ScheduleParseException e) {
            return "error";
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void kubechoresGivesTheResultTheRowStates(Row row) {
        assertThat(evaluate(row.schedule(), row.at())).as(row.toString()).isEqualTo(row.kubechores());
        if (!row.peer().equals(row.kubechores())) {
            assertThat(row.note()).as(row + ": differs from the peer without saying why").startsWith("deliberate:");
        } else {
            assertThat(row.note()).as(row.toString()).doesNotStartWith("deliberate:");
        }
    }

    @Test
    void theTableCoversBothPeersAndEveryDifferenceIsDeliberate() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).filteredOn(r -> r.source().startsWith("py ")).hasSizeGreaterThanOrEqualTo(25);
        assertThat(rows).filteredOn(r -> r.source().startsWith("go")).hasSizeGreaterThanOrEqualTo(60);
        // the deliberate differences: overnight ranges read as the evening they start, 24:00 as a start rejected,
        // absolute ends included, keywords case-insensitive
        assertThat(rows).filteredOn(r -> !r.peer().equals(r.kubechores())).hasSize(10)
                .allSatisfy(r -> assertThat(r.source()).startsWith("go"));
    }

    @Test
    void neverMatchingRangesAreFlagged() {
        assertThat(Schedule.parse("Mon-Mon 00:00-00:00 CET").warnings()).singleElement()
                .satisfies(w -> assertThat(w).contains("never matches"));
        assertThat(Schedule.parse("Mon-Sun 00:00-24:00 CET").warnings()).isEmpty();
    }
}
