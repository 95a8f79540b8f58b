package io.kubechores.runner;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page's grid and sparkline rules (pure; StatusGridIT shows them at 150 clusters in Chromium). */
class StatusGridTest {
    static final Instant T = Instant.parse("2026-12-04T12:00:00Z");

    @ParameterizedTest
    @CsvSource({"0,0s", "59,59s", "60,1m", "3599,59m", "3600,1h", "172799,47h", "172800,2d", "-5,0s"})
    void ageIsCoarse(long seconds, String shown) {
        assertThat(StatusGrid.age(Duration.ofSeconds(seconds))).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource({"COMPLETED,COMPLETED,OK", "COMPLETED,PARTIAL_FAILURE,FAILED", "FAILED,FAILED,FAILED",
            "STARTED,,RUNNING", "STARTING,,RUNNING", "STOPPED,STOPPED,STOPPED", ",,UNKNOWN"})
    void cellOutcomeFromBatchStatusAndExitCode(String status, String exit, String outcome) {
        assertThat(RunBoard.outcome(status, exit)).isEqualTo(outcome);
    }

    static RunBoard.RunRow run(long id, String status, String exit, long seconds) {
        return new RunBoard.RunRow(id, "certs", status, exit, "", "schedule", false, "r", T,
                seconds < 0 ? null : T.plusSeconds(seconds), 2, "PARTIAL_FAILURE".equals(exit) ? 1 : 0);
    }

    @Test
    void sparklineOldestLeftHeightByDurationColourByOutcome() {
        StatusGrid.Sparkline s = StatusGrid.sparkline(List.of(run(3, "STARTED", "", -1),
                run(2, "COMPLETED", "PARTIAL_FAILURE", 10), run(1, "COMPLETED", "COMPLETED", 40)));
        assertThat(s.bars()).extracting(StatusGrid.Bar::executionId).containsExactly(1L, 2L, 3L);
        assertThat(s.bars()).extracting(StatusGrid.Bar::outcome).containsExactly("OK", "FAILED", "RUNNING");
        assertThat(s.bars().get(0).height()).isEqualTo(24.0);          // the longest run: full height
        assertThat(s.bars().get(1).height()).isEqualTo(6.0);           // a quarter at least
        assertThat(s.bars().get(1).title()).contains("1 of 2 failed");
        assertThat(s.bars().get(2).height()).isEqualTo(24.0);          // running: full height
        assertThat(s.caption()).isEqualTo("last 3 run(s): 1 ok, 1 failed");
        assertThat(StatusGrid.sparkline(List.of()).caption()).isEqualTo("no runs yet");
    }

    @Test
    void rowsWithAFailureComeFirstAndMissingCellsSayNoRecentRun() {
        Map<String, Map<String, RunBoard.Cell>> cells = Map.of(
                "certs", Map.of("a", new RunBoard.Cell("certs", "a", 1, "OK", false, T, ""),
                        "b", new RunBoard.Cell("certs", "b", 1, "FAILED", false, T, "boom")),
                "quotas", Map.of());
        StatusGrid.GridView g = StatusGrid.grid(new RunBoard.Board(Map.of(), cells, List.of("a", "b")),
                List.of("certs", "quotas"), T.plusSeconds(7200));
        assertThat(g.rows()).extracting(StatusGrid.RowView::partition).containsExactly("b", "a");
        assertThat(g.rows().getFirst().cells().getFirst().title()).endsWith(": boom");
        assertThat(g.rows().getFirst().cells().getFirst().age()).isEqualTo("2h");
        assertThat(g.rows().getFirst().cells().get(1).outcome()).isEqualTo("NONE");
        assertThat(g.cells()).isEqualTo(2);
        assertThat(g.failed()).isEqualTo(1);
    }
}
