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
 * @param caBundle   private CA(s) the probes of the selected clusters (API server, etcd, kubelets) are verified
 *                   against, in addition to the CAs found in the cluster and the JDK's; null = none
 * @param reminderHours re-send a still CRITICAL/EXPIRED finding (and a still failing source) after this many hours;
 *                   null = alert once per severity change only
 * @param keystores  PKCS#12 / JKS keystores in Secrets to open, with where their password is
 */
public record CertificatePolicySpec(
        ClusterSelector clusters,
        List<Endpoint> endpoints,
        Scan scan,
        Integer warningDays,
        Integer criticalDays,
        List<Override> overrides,
        List<Exclusion> exclusions,
        Integer timeoutSeconds,
        CaBundle caBundle,
        Integer reminderHours,
        List<Keystore> keystores) {

    /** The fields before CA bundles, reminders and keystores (older call sites). */
    public CertificatePolicySpec(ClusterSelector clusters, List<Endpoint> endpoints, Scan scan, Integer warningDays,
                                 Integer criticalDays, List<Override> overrides, List<Exclusion> exclusions,
                                 Integer timeoutSeconds) {
        this(clusters, endpoints, scan, warningDays, criticalDays, overrides, exclusions, timeoutSeconds, null, null,
                null);
    }

    public CertificatePolicySpec {
        clusters = clusters == null ? ClusterSelector.ALL : clusters;
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        // kubelets are opt-in: a job running outside the nodes' network would time out on every Node
        scan = scan == null ? new Scan(true, true, true, true, true, true, true, true, false, true) : scan;
        warningDays = warningDays == null ? 30 : warningDays;
        criticalDays = criticalDays == null ? 7 : criticalDays;
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
        timeoutSeconds = timeoutSeconds == null ? 5 : timeoutSeconds;
        keystores = keystores == null ? List.of() : List.copyOf(keystores);
    }

    /**
     * @param host host name  @param port port (443)  @param serverName SNI / expected host name if different
     * @param caBundle private CA(s) to verify this endpoint against instead of the JDK's public ones; null = JDK's
     */
    public record Endpoint(String host, Integer port, String serverName, CaBundle caBundle) {
        public Endpoint(String host, Integer port, String serverName) {
            this(host, port, serverName, null);
        }
    }

    /**
     * Where PEM CA certificates are: exactly one of a file in the desired-state repo (relative to its root), a
     * Secret key or a ConfigMap key. For a fleet endpoint the object names its cluster; for a policy's caBundle it
     * is read from each cluster scanned (cluster omitted).
     */
    public record CaBundle(String file, ObjectKey secret, ObjectKey configMap) {}

    /** @param cluster cluster to read from (fleet endpoints only)  @param key data key */
    public record ObjectKey(String cluster, String namespace, String name, String key) {}

    /**
     * A keystore in Secrets: every Secret key ending in one of keySuffixes (".p12", ".pfx", ".jks" when omitted) is
     * opened with the password at passwordKey of the same Secret, or of passwordSecret (same namespace) when named.
     *
     * @param namespace   only Secrets of this namespace (null = all)
     * @param keySuffixes data key suffixes that hold keystores
     * @param passwordSecret Secret holding the password (null = the keystore's own Secret)
     * @param passwordKey data key of the password
     */
    public record Keystore(String namespace, List<String> keySuffixes, String passwordSecret, String passwordKey) {
        public Keystore {
            keySuffixes = keySuffixes == null || keySuffixes.isEmpty() ? List.of(".p12", ".pfx", ".jks")
                    : List.copyOf(keySuffixes);
        }
    }

    /**
     * kubelets: each Node's kubelet serving certificate on its InternalIP (status.daemonEndpoints port, 10250).
     * kops: the keysets in the kops state store of clusters that name one (Cluster spec.kops).
     */
    public record Scan(boolean tlsSecrets, boolean pemSecrets, boolean configMaps, boolean kubeconfig,
                       boolean webhooks, boolean apiServer, boolean etcd, boolean certManager, boolean kubelets,
                       boolean kops) {
        public Scan(boolean tlsSecrets, boolean pemSecrets, boolean configMaps, boolean kubeconfig, boolean webhooks,
                    boolean apiServer, boolean etcd, boolean certManager) {
            this(tlsSecrets, pemSecrets, configMaps, kubeconfig, webhooks, apiServer, etcd, certManager, false, false);
        }

        public Scan(boolean tlsSecrets, boolean pemSecrets, boolean configMaps, boolean kubeconfig, boolean webhooks,
                    boolean apiServer, boolean etcd, boolean certManager, boolean kubelets) {
            this(tlsSecrets, pemSecrets, configMaps, kubeconfig, webhooks, apiServer, etcd, certManager, kubelets,
                    false);
        }
    }

    /** @param source tls-endpoint | tls-secret | pem-secret | configmap | kubeconfig | webhook | apiserver | etcd | kubelet | kops | cert-manager */
    public record Override(String source, Integer warningDays, Integer criticalDays) {}

    /** Any field may be omitted; subject is a substring of the subject DN. */
    public record Exclusion(String cluster, String namespace, String name, String subject) {}
}
