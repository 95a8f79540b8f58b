package io.kubechores.certs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AlertDedupeTest {
    static Finding f(String cluster, String name, Severity s) {
        return new Finding(cluster + "|tls-secret|ns|" + name + "|abc", cluster, CertSource.TLS_SECRET, "ns", name,
                "tls.crt#0", "CN=" + name, "CN=ca", Instant.parse("2026-12-01T00:00:00Z"), 7, s, List.of(), "r", "p",
                "abc");
    }

    @Test
    void firstRunAlertsEverythingAlertingSecondRunNothingAndAChangeAgain() {
        var run1 = AlertDedupe.decide(Map.of(), List.of(f("a", "x", Severity.WARNING), f("a", "y", Severity.OK)),
                Set.of("a"));
        assertThat(run1.toAlert()).extracting(Finding::name).containsExactly("x");
        assertThat(run1.newState()).containsExactly(Map.entry("a|tls-secret|ns|x|abc", "WARNING"));

        var run2 = AlertDedupe.decide(run1.newState(), List.of(f("a", "x", Severity.WARNING)), Set.of("a"));
        assertThat(run2.toAlert()).isEmpty();
        assertThat(run2.stateChanged(run1.newState())).isFalse();

        var run3 = AlertDedupe.decide(run2.newState(), List.of(f("a", "x", Severity.CRITICAL)), Set.of("a"));
        assertThat(run3.toAlert()).extracting(Finding::severity).containsExactly(Severity.CRITICAL);
        assertThat(run3.previous()).containsEntry("a|tls-secret|ns|x|abc", "WARNING");
    }

    @Test
    void resolvedFindingsAreForgottenButAFailedClusterKeepsItsState() {
        Map<String, String> before = Map.of("a|tls-secret|ns|x|abc", "WARNING", "b|tls-secret|ns|z|abc", "CRITICAL");
        // cluster b failed this run (not in scanned set): its entry stays; a's x is fine now: forgotten
        var d = AlertDedupe.decide(before, List.of(f("a", "x", Severity.OK)), Set.of("a"));
        assertThat(d.toAlert()).isEmpty();
        assertThat(d.newState()).containsExactly(Map.entry("b|tls-secret|ns|z|abc", "CRITICAL"));
        // when it comes back later it is new again
        var again = AlertDedupe.decide(d.newState(), List.of(f("a", "x", Severity.WARNING)), Set.of("a", "b"));
        assertThat(again.toAlert()).extracting(Finding::name).containsExactly("x");
    }
}
