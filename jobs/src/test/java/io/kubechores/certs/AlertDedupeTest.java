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

    // --- reminders and failed sources (issue 19: an EXPIRED finding alerted once and never again; a cluster whose
    // scan fails never reaching Slack)

    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    static final java.time.Duration DAY = java.time.Duration.ofHours(24);

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}, {2} h later, reminder {3} h → alerted again: {4}")
    @org.junit.jupiter.params.provider.CsvSource({
            "EXPIRED,  same, 24, 24, true",
            "EXPIRED,  same, 23, 24, false",
            "CRITICAL, same, 48, 24, true",
            "WARNING,  same, 999, 24, false",   // reminders are for CRITICAL and EXPIRED only
            "EXPIRED,  same, 999, -1, false",   // no reminderHours: once per change, as before
            "CRITICAL, up,   1, 24, true",      // a change is alerted at once, reminder or not
    })
    void stillCriticalOrExpiredFindingsAreRemindedOnTheirInterval(Severity s, String change, int hoursLater,
                                                                   int reminderHours, boolean again) {
        java.util.function.Function<Finding, java.time.Duration> every =
                f -> reminderHours < 0 ? null : java.time.Duration.ofHours(reminderHours);
        Severity first = change.equals("up") ? Severity.WARNING : s;
        var run1 = AlertDedupe.decide(Map.of(), List.of(f("a", "x", first)), Set.of("a"), T0, every);
        assertThat(run1.toAlert()).hasSize(1);
        assertThat(run1.newState()).containsEntry("a|tls-secret|ns|x|abc", first + "@" + T0.getEpochSecond());
        Instant later = T0.plus(java.time.Duration.ofHours(hoursLater));
        var run2 = AlertDedupe.decide(run1.newState(), List.of(f("a", "x", s)), Set.of("a"), later, every);
        assertThat(!run2.toAlert().isEmpty()).isEqualTo(again);
        if (again && change.equals("same")) {
            assertThat(run2.reminders()).containsExactly("a|tls-secret|ns|x|abc");
            // the interval restarts from the reminder: the next run a little later stays quiet
            var run3 = AlertDedupe.decide(run2.newState(), List.of(f("a", "x", s)), Set.of("a"),
                    later.plusSeconds(3600), every);
            assertThat(run3.toAlert()).isEmpty();
        }
        if (!again) {
            assertThat(run2.newState()).as("quiet runs keep the time of the last alert")
                    .isEqualTo(run1.newState());
        }
    }

    @Test
    void stateWrittenByAnOlderVersionCountsAsAlertedLongAgo() {
        var d = AlertDedupe.decide(Map.of("a|tls-secret|ns|x|abc", "EXPIRED"), List.of(f("a", "x", Severity.EXPIRED)),
                Set.of("a"), T0, x -> DAY);
        assertThat(d.reminders()).containsExactly("a|tls-secret|ns|x|abc");
        assertThat(d.previous()).isEmpty();
    }

    @Test
    void aFailedSourceIsAlertedOnceDedupedRemindedAndForgottenWhenItRecovers() {
        var forbidden = new SourceError("b", "secrets", "", "secrets is forbidden: User \"system:serviceaccount:"
                + "kubechores:certs\" cannot list resource \"secrets\"");
        // the message may change between runs (request ids, timestamps): the key does not
        var forbiddenAgain = new SourceError("b", "secrets", "", forbidden.message() + " (retry 2)");
        var down = new SourceError("c", "cluster", "", "connect timed out");
        var run1 = AlertDedupe.decide(Map.of(), List.of(forbidden.asFinding(), down.asFinding()), Set.of("b"), T0,
                x -> DAY);
        assertThat(run1.toAlert()).extracting(Finding::severity).containsOnly(Severity.CRITICAL);
        assertThat(run1.toAlert()).extracting(Finding::name).containsExactlyInAnyOrder("secrets", "cluster");
        assertThat(run1.toAlert()).extracting(Finding::reason).allMatch(r -> r.startsWith("read failed: "));

        var run2 = AlertDedupe.decide(run1.newState(), List.of(forbiddenAgain.asFinding(), down.asFinding()),
                Set.of("b"), T0.plusSeconds(3600), x -> DAY);
        assertThat(run2.toAlert()).as("deduped").isEmpty();

        var run3 = AlertDedupe.decide(run2.newState(), List.of(forbiddenAgain.asFinding(), down.asFinding()),
                Set.of("b"), T0.plus(DAY), x -> DAY);
        assertThat(run3.reminders()).hasSize(2);

        // RBAC fixed, cluster c back: both scanned, no error → forgotten; a new failure later is new again
        var run4 = AlertDedupe.decide(run3.newState(), List.of(f("b", "x", Severity.OK)), Set.of("b", "c"),
                T0.plus(DAY).plusSeconds(60), x -> DAY);
        assertThat(run4.toAlert()).isEmpty();
        assertThat(run4.newState()).isEmpty();
        var run5 = AlertDedupe.decide(run4.newState(), List.of(forbidden.asFinding()), Set.of("b"),
                T0.plus(DAY).plusSeconds(120), x -> DAY);
        assertThat(run5.toAlert()).hasSize(1);
        assertThat(run5.reminders()).isEmpty();
    }

    @Test
    void readErrorsAreCountedPerClusterAndSourceAndEveryPartitionSaysWhetherItWasBlind() {
        String text = CertMetrics.readErrors(List.of(new SourceError("b", "secrets", "", "forbidden"),
                new SourceError("b", "etcd", "10.0.0.1:2379", "timeout"),
                new SourceError("b", "etcd", "10.0.0.2:2379", "timeout")), List.of("a", "b"));
        assertThat(text).contains("kubechores_certs_read_errors{cluster=\"b\",source=\"etcd\"} 2\n")
                .contains("kubechores_certs_read_errors{cluster=\"b\",source=\"secrets\"} 1\n")
                .contains("kubechores_certs_scan_ok{cluster=\"a\"} 1\n")
                .contains("kubechores_certs_scan_ok{cluster=\"b\"} 0\n")
                .doesNotContain("cluster=\"a\",source");
    }
}
