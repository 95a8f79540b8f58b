package io.kubechores.certs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which findings to alert on: only those new or whose severity changed since the last alert (pure). The state is
 * finding key → severity name of what was last alerted; findings back to OK are forgotten silently, and so are
 * findings no longer seen — but only for clusters that were scanned this run (a failed cluster keeps its state).
 */
public final class AlertDedupe {
    private AlertDedupe() {}

    /**
     * @param toAlert  findings to post (new or changed severity, alerting severities only)
     * @param previous the severity last alerted for each of toAlert (absent = new)
     * @param newState the whole state to store once the alert went out
     */
    public record Decision(List<Finding> toAlert, Map<String, String> previous, Map<String, String> newState) {
        public boolean stateChanged(Map<String, String> old) {
            return !newState.equals(old);
        }
    }

    public static Decision decide(Map<String, String> lastAlerted, Collection<Finding> findings,
                                  Set<String> scannedClusters) {
        Map<String, String> next = new TreeMap<>();
        for (Map.Entry<String, String> e : lastAlerted.entrySet()) {
            if (!scannedClusters.contains(clusterOf(e.getKey()))) next.put(e.getKey(), e.getValue());
        }
        List<Finding> toAlert = new ArrayList<>();
        Map<String, String> previous = new TreeMap<>();
        for (Finding f : findings) {
            if (!f.severity().alerting()) continue;
            String before = lastAlerted.get(f.key());
            next.put(f.key(), f.severity().name());
            if (!f.severity().name().equals(before)) {
                toAlert.add(f);
                if (before != null) previous.put(f.key(), before);
            }
        }
        toAlert.sort(CertPlan.BY_EXPIRY);
        return new Decision(List.copyOf(toAlert), previous, next);
    }

    static String clusterOf(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? key : key.substring(0, bar);
    }
}
