package io.kubechores.certs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which findings to alert on (pure): those new or whose severity changed since the last alert, plus reminders — a
 * finding still CRITICAL or EXPIRED whose last alert is older than its reminder interval is sent again (an expired
 * certificate alerted once and then never again is how outages are forgotten). The state is finding key →
 * "SEVERITY@epochSecond" of the last alert (plain "SEVERITY" from older runs counts as alerted long ago); findings
 * back to OK are forgotten silently, and so are findings no longer seen — but only for clusters that were scanned
 * this run (a failed cluster keeps its state, and its failure is itself a finding, see {@link SourceError}).
 */
public final class AlertDedupe {
    private AlertDedupe() {}

    /**
     * @param toAlert   findings to post (new, changed severity, or reminders; alerting severities only)
     * @param previous  the severity last alerted for each of toAlert (absent = new)
     * @param reminders keys of toAlert sent again only because their reminder interval passed
     * @param newState  the whole state to store once the alert went out
     */
    public record Decision(List<Finding> toAlert, Map<String, String> previous, Set<String> reminders,
                           Map<String, String> newState) {
        public Decision(List<Finding> toAlert, Map<String, String> previous, Map<String, String> newState) {
            this(toAlert, previous, Set.of(), newState);
        }

        public boolean stateChanged(Map<String, String> old) {
            return !newState.equals(old);
        }
    }

    /** Without reminders or timestamps (state values are bare severities). */
    public static Decision decide(Map<String, String> lastAlerted, Collection<Finding> findings,
                                  Set<String> scannedClusters) {
        return decide(lastAlerted, findings, scannedClusters, null, f -> null);
    }

    /**
     * @param now         when this alert goes out (stored with each alerted key)
     * @param reminderFor the reminder interval of a finding (its policy's reminderHours), null = never remind
     */
    public static Decision decide(Map<String, String> lastAlerted, Collection<Finding> findings,
                                  Set<String> scannedClusters, Instant now, Function<Finding, Duration> reminderFor) {
        Map<String, String> next = new TreeMap<>();
        for (Map.Entry<String, String> e : lastAlerted.entrySet()) {
            if (!scannedClusters.contains(clusterOf(e.getKey()))) next.put(e.getKey(), e.getValue());
        }
        List<Finding> toAlert = new ArrayList<>();
        Map<String, String> previous = new TreeMap<>();
        Set<String> reminders = new TreeSet<>();
        String stamp = now == null ? "" : "@" + now.getEpochSecond();
        for (Finding f : findings) {
            if (!f.severity().alerting()) continue;
            String before = lastAlerted.get(f.key());
            String beforeSeverity = before == null ? null : severityOf(before);
            if (!f.severity().name().equals(beforeSeverity)) {
                toAlert.add(f);
                if (before != null) previous.put(f.key(), beforeSeverity);
                next.put(f.key(), f.severity().name() + stamp);
                continue;
            }
            Duration every = now == null ? null : reminderFor.apply(f);
            boolean urgent = f.severity() == Severity.CRITICAL || f.severity() == Severity.EXPIRED;
            Instant at = alertedAt(before);
            if (urgent && every != null && (at == null || !now.isBefore(at.plus(every)))) {
                toAlert.add(f);
                reminders.add(f.key());
                next.put(f.key(), f.severity().name() + stamp);
            } else {
                next.put(f.key(), before);
            }
        }
        toAlert.sort(CertPlan.BY_EXPIRY);
        return new Decision(List.copyOf(toAlert), previous, Set.copyOf(reminders), next);
    }

    static String severityOf(String stateValue) {
        int at = stateValue.indexOf('@');
        return at < 0 ? stateValue : stateValue.substring(0, at);
    }

    /** When the value was alerted, null when unknown (written by an older version). */
    static Instant alertedAt(String stateValue) {
        int at = stateValue == null ? -1 : stateValue.indexOf('@');
        if (at < 0) return null;
        try {
            return Instant.ofEpochSecond(Long.parseLong(stateValue.substring(at + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String clusterOf(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? key : key.substring(0, bar);
    }
}
