package io.kubechores.desiredstate;

import java.util.List;

/**
 * Certificates to watch (certificates/*.yaml).
 *
 * @param clusters   clusters whose in-cluster sources are scanned
 * @param endpoints  TLS endpoints to connect to
 * @param scan       which in-cluster sources to scan
 * @param warningDays  default warning threshold (30)
 * @param criticalDays default critical threshold (7)
 * @param overrides  thresholds per source
 * @param exclusions certificates never reported
 * @param timeoutSeconds connect/handshake timeout per endpoint (default 5)
 */
public record CertificatePolicySpec(
        ClusterSelector clusters,
        List<Endpoint> endpoints,
        Scan scan,
        Integer warningDays,
        Integer criticalDays,
        List<Override> overrides,
        List<Exclusion> exclusions,
        Integer timeoutSeconds) {

    public CertificatePolicySpec {
        clusters = clusters == null ? ClusterSelector.ALL : clusters;
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        scan = scan == null ? new Scan(true, true, true, true, true, true, true, true) : scan;
        warningDays = warningDays == null ? 30 : warningDays;
        criticalDays = criticalDays == null ? 7 : criticalDays;
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
        timeoutSeconds = timeoutSeconds == null ? 5 : timeoutSeconds;
    }

    /** @param host host name  @param port port (443)  @param serverName SNI / expected host name if different */
    public record Endpoint(String host, Integer port, String serverName) {}

    public record Scan(boolean tlsSecrets, boolean pemSecrets, boolean configMaps, boolean kubeconfig,
                       boolean webhooks, boolean apiServer, boolean etcd, boolean certManager) {}

    /** @param source tls-endpoint | tls-secret | pem-secret | configmap | kubeconfig | webhook | apiserver | etcd | cert-manager */
    public record Override(String source, Integer warningDays, Integer criticalDays) {}

    /** Any field may be omitted; subject is a substring of the subject DN. */
    public record Exclusion(String cluster, String namespace, String name, String subject) {}
}
