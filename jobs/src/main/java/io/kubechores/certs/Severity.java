package io.kubechores.certs;

/** How urgent a finding is, in increasing order. Alerts go out for WARNING and above. */
public enum Severity {
    OK, WARNING, CRITICAL, EXPIRED;

    public boolean alerting() {
        return this != OK;
    }

    public static Severity max(Severity a, Severity b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
