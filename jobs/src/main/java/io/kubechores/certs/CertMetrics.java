package io.kubechores.certs;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/** Prometheus text exposition (format 0.0.4) of the findings, for the Pushgateway (pure). */
public final class CertMetrics {
    public static final String NOT_AFTER = "kubechores_cert_not_after_seconds";
    public static final String SEVERITY = "kubechores_cert_severity";
    public static final String LAST_RUN = "kubechores_certs_last_run_timestamp_seconds";

    private CertMetrics() {}

    /**
     * One not-after gauge per certificate labelled cluster/source/subject (plus namespace/name/fingerprint so two
     * certificates with the same subject stay two series), a severity gauge (0 ok, 1 warning, 2 critical,
     * 3 expired) with the same labels, and the run's timestamp.
     */
    public static String exposition(Collection<Finding> findings, Instant runAt) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP ").append(NOT_AFTER).append(" Certificate notAfter as Unix time in seconds.\n");
        sb.append("# TYPE ").append(NOT_AFTER).append(" gauge\n");
        Set<String> seen = new LinkedHashSet<>();
        StringBuilder sev = new StringBuilder();
        for (Finding f : findings) {
            if (f.notAfter() == null) continue;
            String labels = labels(f);
            if (!seen.add(labels)) continue;
            sb.append(NOT_AFTER).append(labels).append(' ').append(f.notAfter().getEpochSecond()).append('\n');
            sev.append(SEVERITY).append(labels).append(' ').append(f.severity().ordinal()).append('\n');
        }
        sb.append("# HELP ").append(SEVERITY).append(" Finding severity: 0 ok, 1 warning, 2 critical, 3 expired.\n");
        sb.append("# TYPE ").append(SEVERITY).append(" gauge\n");
        sb.append(sev);
        sb.append("# HELP ").append(LAST_RUN).append(" When the certs job last ran.\n");
        sb.append("# TYPE ").append(LAST_RUN).append(" gauge\n");
        sb.append(LAST_RUN).append(' ').append(runAt.getEpochSecond()).append('\n');
        return sb.toString();
    }

    static String labels(Finding f) {
        return "{cluster=\"" + esc(f.cluster()) + "\",source=\"" + f.source().id() + "\",subject=\"" + esc(f.subject())
                + "\",namespace=\"" + esc(f.namespace()) + "\",name=\"" + esc(f.name()) + "\",fingerprint=\""
                + (f.sha256().isEmpty() ? "" : f.sha256().substring(0, 16)) + "\"}";
    }

    /** Label value escaping of the text format: backslash, double quote, line feed. */
    static String esc(String v) {
        if (v == null) return "";
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
