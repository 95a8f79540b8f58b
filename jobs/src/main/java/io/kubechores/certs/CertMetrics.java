package io.kubechores.certs;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Prometheus text exposition (format 0.0.4) of the findings, for the Pushgateway (pure). Names follow Prometheus'
 * conventions (prometheus.io/docs/practices/naming: a Unix time is {@code _timestamp_seconds}) and cert-manager's
 * {@code certmanager_certificate_expiration_timestamp_seconds} (cert-manager docs, "Prometheus Metrics"), so one
 * dashboard query shape works for both. Endpoints not tied to a cluster have {@code cluster=""} (no cluster).
 */
public final class CertMetrics {
    public static final String NOT_AFTER = "kubechores_certificate_expiration_timestamp_seconds";
    public static final String SEVERITY = "kubechores_certificate_severity";
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

    public static final String READ_ERRORS = "kubechores_certs_read_errors";
    public static final String SCAN_OK = "kubechores_certs_scan_ok";

    /**
     * Read errors of this run per cluster and source (secrets, etcd, tls-endpoint, cluster...), and per partition
     * whether its scan was free of them (1) or not (0), so "a cluster we cannot see" is an alertable series and not
     * an absence. Pushed with the certificates' gauges.
     */
    public static String readErrors(Collection<SourceError> errors, Collection<String> partitions) {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        Set<String> failing = new java.util.HashSet<>();
        for (SourceError e : errors) {
            counts.merge("{cluster=\"" + esc(cluster(e.cluster())) + "\",source=\"" + esc(e.source()) + "\"}", 1, Integer::sum);
            failing.add(e.cluster());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP ").append(READ_ERRORS).append(" Sources the certs job could not read in its last run.\n");
        sb.append("# TYPE ").append(READ_ERRORS).append(" gauge\n");
        counts.forEach((labels, n) -> sb.append(READ_ERRORS).append(labels).append(' ').append(n).append('\n'));
        sb.append("# HELP ").append(SCAN_OK).append(" 1 when every source of the partition was read, else 0.\n");
        sb.append("# TYPE ").append(SCAN_OK).append(" gauge\n");
        for (String p : new java.util.TreeSet<>(partitions)) {
            sb.append(SCAN_OK).append("{cluster=\"").append(esc(cluster(p))).append("\"} ").append(failing.contains(p) ? 0 : 1)
                    .append('\n');
        }
        return sb.toString();
    }

    static String labels(Finding f) {
        return "{cluster=\"" + esc(cluster(f.cluster())) + "\",source=\"" + f.source().id() + "\",subject=\"" + esc(f.subject())
                + "\",namespace=\"" + esc(f.namespace()) + "\",name=\"" + esc(f.name()) + "\",fingerprint=\""
                + (f.sha256().isEmpty() ? "" : f.sha256().substring(0, 16)) + "\"}";
    }

    /** The cluster label: endpoints not tied to a cluster ({@link ObservedCert#FLEET}) have none (empty). */
    static String cluster(String c) {
        return ObservedCert.FLEET.equals(c) ? "" : c;
    }

    /** Label value escaping of the text format: backslash, double quote, line feed. */
    static String esc(String v) {
        if (v == null) return "";
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
