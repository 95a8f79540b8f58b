package io.kubechores.certs;

import java.util.List;

/**
 * A source that could not be read: a forbidden Secret list (revoked RBAC), an unreachable cluster, an endpoint that
 * never answered, a CA bundle that is missing. It is alerted like a finding (deduped, reminded) so a blind spot
 * reaches Slack, and counted per cluster and source in the metrics.
 *
 * @param cluster cluster name, or {@link ObservedCert#FLEET}
 * @param source  what was read: secrets, configmaps, webhooks, cert-manager, kubeconfig, apiserver, etcd,
 *                tls-endpoint, kubelet, ca-bundle, cluster (the whole partition failed)
 * @param target  host:port or object when there is one, else ""
 * @param message why (adapter message, no secret values)
 */
public record SourceError(String cluster, String source, String target, String message) {
    public SourceError {
        target = target == null ? "" : target;
        message = message == null ? "" : message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /** As a CRITICAL finding: key cluster|scan|source|target| (stable across runs whatever the message says). */
    public Finding asFinding() {
        String what = target.isEmpty() ? source : source + " " + target;
        return new Finding(String.join("|", cluster, CertSource.SCAN.id(), source, target, ""), cluster,
                CertSource.SCAN, "", what, "", "cannot read " + what, "", null, Long.MAX_VALUE, Severity.CRITICAL,
                List.of(), "read failed: " + message, "", "");
    }
}
