package io.kubechores.promote;

import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.FleetSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The example Fleet's windows: year-end freeze (absolute, Europe/Berlin, end exclusive) and Friday afternoons. */
class FreezeWindowsTest {
    static final FleetSpec FLEET = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "wt").fleetSpec();

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(nullValues = "-", textBlock = """
            2026-11-24T09:00:00Z, -
            2026-11-27T10:59:00Z, -
            2026-11-27T11:00:00Z, no-friday-promotions
            2026-11-27T22:59:00Z, no-friday-promotions
            2026-11-27T23:00:00Z, -
            2026-12-20T22:59:00Z, -
            2026-12-20T23:00:00Z, year-end-freeze
            2027-01-03T22:59:00Z, year-end-freeze
            2027-01-03T23:00:00Z, -
            """)
    void exampleFleetWindows(Instant at, String denying) {
        List<FreezeWindow> windows = FreezeWindows.from(FLEET, FreezeWindowSchedules::parse);
        assertThat(windows).extracting(FreezeWindow::allow).containsOnly(false);
        List<String> on = windows.stream().filter(w -> w.span().contains(at)).map(FreezeWindow::name).toList();
        assertThat(on).isEqualTo(denying == null ? List.of() : List.of(denying));
    }
}
