package io.kubechores.certs;

import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.platform.kube.CertsKube;
import io.kubechores.platform.tls.JdkTrust;
import io.kubechores.platform.tls.TlsProber;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collect: turns what the adapters return (PEM text per object, probed chains) into {@link ObservedCert}s.
 * Only CA certificates are kept as X.509 objects (trust anchors for chain checks); everything else is reduced to
 * its facts at once, so a 20,000-secret scan holds one page of objects at a time.
 */
final class CertsCollector {
    private final TlsProber prober;
    private final int pageSize;
    /** PEM block → certificate, so a CA repeated in thousands of secrets is parsed once (bounded, LRU). */
    private final Map<String, X509Certificate> blocks = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> e) {
            return size() > 4096;
        }
    };
    /** certificate → its facts (strings shared by every place it is found); cleared when large. */
    private final Map<X509Certificate, ObservedCert> facts = new java.util.IdentityHashMap<>();

    /** Keystore rules of the policies (PKCS#12/JKS in Secrets). */
    private List<CertificatePolicySpec.Keystore> keystores = List.of();

    CertsCollector withKeystores(List<CertificatePolicySpec.Keystore> rules) {
        this.keystores = List.copyOf(rules);
        return this;
    }

    /** When paths are built (validity is checked at this instant). */
    private final java.util.function.Supplier<java.time.Instant> now;

    CertsCollector(TlsProber prober, int pageSize) {
        this(prober, pageSize, java.time.Instant::now);
    }

    CertsCollector(TlsProber prober, int pageSize, java.util.function.Supplier<java.time.Instant> now) {
        this.prober = prober;
        this.pageSize = pageSize;
        this.now = now;
    }

    /** One cluster's in-cluster sources, kubeconfig, API server and etcd endpoints. */
    CertInventory cluster(String cluster, ClusterSpec spec, CertsKube kube, CertificatePolicySpec.Scan scan) {
        return cluster(cluster, spec, kube, scan, List.of());
    }

    /** As above; privateCas (the policies' caBundles) are trusted for the cluster's probes too. */
    CertInventory cluster(String cluster, ClusterSpec spec, CertsKube kube, CertificatePolicySpec.Scan scan,
                          List<X509Certificate> privateCas) {
        List<ObservedCert> certs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<SourceError> errors = new ArrayList<>();
        Map<String, X509Certificate> anchors = new LinkedHashMap<>();
        privateCas.forEach(c -> anchors.putIfAbsent(X509Facts.sha256(c), c));

        if (scan.kubeconfig()) {
            try {
                CertsKube.PemObject k = kube.kubeconfigCertificates(spec.connection());
                List<X509Certificate> ca = parse(k.pemByKey().get("certificate-authority"), problems, "kubeconfig CA");
                ca.forEach(c -> anchors.putIfAbsent(X509Facts.sha256(c), c));
                add(certs, ca, cluster, CertSource.KUBECONFIG, "", "kubeconfig", "certificate-authority", null);
                List<X509Certificate> client = parse(k.pemByKey().get("client-certificate"), problems,
                        "kubeconfig client certificate");
                String chainProblem = client.isEmpty() ? null : X509Facts.chainProblem(client, ca, false);
                add(certs, client, cluster, CertSource.KUBECONFIG, "", "kubeconfig", "client-certificate",
                        chainProblem);
            } catch (RuntimeException e) {
                problems.add(cluster + " kubeconfig: " + e.getMessage());
                errors.add(new SourceError(cluster, "kubeconfig", "", e.getMessage()));
            }
        }
        List<CertManagerCert> cm = new ArrayList<>();
        // each in-cluster source on its own: a forbidden list (RBAC) is a problem line, not a lost cluster;
        // only when every source fails (cluster unreachable) does the partition fail
        List<String> apiErrors = new ArrayList<>();
        List<SourceError> apiSourceErrors = new ArrayList<>();
        int attempted = 0;
        if (scan.tlsSecrets() || scan.pemSecrets()) {
            attempted++;
            List<String> suffixes = keystores.stream().flatMap(k -> k.keySuffixes().stream()).distinct().toList();
            java.util.Set<String> passwordKeys = new java.util.HashSet<>();
            keystores.stream().filter(k -> k.passwordSecret() == null).forEach(k -> passwordKeys.add(k.passwordKey()));
            guard(apiErrors, apiSourceErrors, cluster, "secrets", () -> kube.scanSecrets(pageSize, suffixes,
                    passwordKeys, o -> {
                        Keystores.open(o, keystores, kube, cluster, problems)
                                .forEach((item, list) -> add(certs, list, cluster, CertSource.KEYSTORE, o.namespace(),
                                        o.name(), item, null));
                        boolean tls = "kubernetes.io/tls".equals(o.type());
                        if (tls ? !scan.tlsSecrets() : !scan.pemSecrets()) return;
                        addObject(certs, anchors, problems, cluster, tls ? CertSource.TLS_SECRET : CertSource.PEM_SECRET,
                                o);
                    }));
        }
        if (scan.configMaps()) {
            attempted++;
            guard(apiErrors, apiSourceErrors, cluster, "configmaps", () -> kube.scanConfigMaps(pageSize,
                    o -> addObject(certs, anchors, problems, cluster, CertSource.CONFIGMAP, o)));
        }
        if (scan.webhooks()) {
            attempted++;
            guard(apiErrors, apiSourceErrors, cluster, "webhooks", () -> {
                for (CertsKube.PemObject o : kube.webhookBundles()) {
                    addObject(certs, anchors, problems, cluster, CertSource.WEBHOOK, o);
                }
            });
        }
        if (scan.certManager()) {
            attempted++;
            guard(apiErrors, apiSourceErrors, cluster, "cert-manager", () -> {
                for (CertsKube.CertManagerStatus s : kube.certManagerCertificates()) {
                    cm.add(new CertManagerCert(cluster, s.namespace(), s.name(), s.secretName(), instant(s.notAfter()),
                            instant(s.renewalTime()), s.ready(), s.readyReason()));
                }
            });
        }
        if (attempted > 0 && apiErrors.size() == attempted) {
            throw new IllegalStateException("cluster API unusable: " + apiErrors.getFirst());
        }
        problems.addAll(apiErrors);
        errors.addAll(apiSourceErrors);
        List<TlsProber.Target> targets = new ArrayList<>();
        List<CertSource> kinds = new ArrayList<>();
        if (scan.apiServer()) {
            URI api = kube.apiServerUrl();
            if (api != null) {
                targets.add(new TlsProber.Target(api.getHost(), api.getPort() < 0 ? 443 : api.getPort(), null));
                kinds.add(CertSource.APISERVER);
            }
        }
        if (scan.etcd()) {
            for (String hp : spec.etcdEndpoints()) {
                targets.add(target(hp, 2379));
                kinds.add(CertSource.ETCD);
            }
        }
        List<String> nodes = new ArrayList<>();
        if (scan.kubelets()) {
            // node PKI without a DaemonSet: the job connects to each kubelet itself (bounded by the prober's
            // concurrency and timeout); a kubelet asks for a client certificate, the prober offers none and still
            // captures the chain
            try {
                for (CertsKube.Kubelet k : kube.kubelets()) {
                    targets.add(new TlsProber.Target(k.address(), k.port(), null));
                    kinds.add(CertSource.KUBELET);
                    nodes.add(k.node());
                }
            } catch (RuntimeException e) {
                problems.add(cluster + " kubelets: " + e.getMessage());
                errors.add(new SourceError(cluster, "kubelet", "", e.getMessage()));
            }
        }
        List<X509Certificate> trust = new ArrayList<>(anchors.values());
        trust.addAll(JdkTrust.anchors());
        List<TlsProber.Probe> probes = prober.probeAll(targets);
        int node = 0;
        List<String> kubeletProblems = new ArrayList<>();
        List<SourceError> kubeletErrors = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (kinds.get(i) == CertSource.KUBELET) {
                // judged on dates only: kubelets' self-signed serving certificates (no serverTLSBootstrap) verify
                // against nothing, and the API server does not verify them unless --kubelet-certificate-authority
                addKubelet(certs, kubeletProblems, kubeletErrors, cluster, nodes.get(node++), probes.get(i));
            } else {
                addProbe(certs, problems, errors, cluster, kinds.get(i), probes.get(i), trust);
            }
        }
        // a firewall between the job and the nodes fails every kubelet: one read error, not one per node
        KubeletErrors.Summary kubeletSummary = KubeletErrors.summarize(cluster, nodes.size(), kubeletProblems,
                kubeletErrors);
        problems.addAll(kubeletSummary.problems());
        errors.addAll(kubeletSummary.errors());
        Map<String, List<String>> users = Map.of();
        if (scan.tlsSecrets() || scan.pemSecrets()) {
            try {
                users = ServingUsers.merge(kube.secretUsers(), certs, kube.serviceUsers());
            } catch (RuntimeException e) {
                problems.add(cluster + " blast radius (Ingresses, Gateways, webhooks): " + e.getMessage());
            }
        }
        return new CertInventory(certs, cm, problems, errors, users);
    }

    /** Fleet endpoints of one policy (not tied to a cluster): verified against the JDK's trust anchors. */
    CertInventory endpoints(List<CertificatePolicySpec.Endpoint> endpoints) {
        return endpoints(endpoints, e -> JdkTrust.anchors());
    }

    /**
     * Fleet endpoints, each verified against what trust returns for it (its caBundle, else the JDK's anchors);
     * when trust throws (the bundle cannot be read) the endpoint is still probed and judged on dates, and the reason
     * is a problem line.
     */
    CertInventory endpoints(List<CertificatePolicySpec.Endpoint> endpoints,
                            java.util.function.Function<CertificatePolicySpec.Endpoint, List<X509Certificate>> trust) {
        List<ObservedCert> certs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<TlsProber.Target> targets = endpoints.stream()
                .map(e -> new TlsProber.Target(e.host(), e.port() == null ? 443 : e.port(), e.serverName()))
                .toList();
        List<SourceError> errors = new ArrayList<>();
        List<List<X509Certificate>> anchors = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            try {
                anchors.add(trust.apply(endpoints.get(i)));
            } catch (RuntimeException e) {
                anchors.add(null);
                problems.add("fleet " + CertSource.TLS_ENDPOINT.id() + " " + targets.get(i).hostPort()
                        + ": chain not checked: " + e.getMessage());
                errors.add(new SourceError(ObservedCert.FLEET, "ca-bundle", targets.get(i).hostPort(),
                        e.getMessage()));
            }
        }
        List<TlsProber.Probe> probes = prober.probeAll(targets);
        for (int i = 0; i < probes.size(); i++) {
            addProbe(certs, problems, errors, ObservedCert.FLEET, CertSource.TLS_ENDPOINT, probes.get(i),
                    anchors.get(i));
        }
        return new CertInventory(certs, List.of(), problems, errors);
    }

    private static void guard(List<String> errors, List<SourceError> structured, String cluster, String source,
                              Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            errors.add(cluster + " " + source + ": " + (m.length() > 300 ? m.substring(0, 300) + "…" : m));
            structured.add(new SourceError(cluster, source, "", m));
        }
    }

    /** "host:port", "host", "[v6]:port", "v6", optionally with a scheme prefix (https://, etcd's urls). */
    static TlsProber.Target target(String hostPort, int defaultPort) {
        String hp = hostPort.strip().replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
        if (hp.startsWith("[")) {
            int close = hp.indexOf(']');
            String host = hp.substring(1, close);
            String rest = hp.substring(close + 1);
            return new TlsProber.Target(host, rest.startsWith(":") ? Integer.parseInt(rest.substring(1)) : defaultPort,
                    null);
        }
        int colon = hp.lastIndexOf(':');
        if (colon > 0 && hp.indexOf(':') == colon) {
            return new TlsProber.Target(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)), null);
        }
        return new TlsProber.Target(hp, defaultPort, null);
    }

    private void addProbe(List<ObservedCert> certs, List<String> problems, List<SourceError> errors, String cluster,
                          CertSource source, TlsProber.Probe p, List<X509Certificate> trust) {
        String name = p.target().hostPort();
        if (!p.ok()) {
            problems.add((ObservedCert.FLEET.equals(cluster) ? "fleet" : cluster) + " " + source.id() + " " + name + ": "
                    + p.error());
            errors.add(new SourceError(cluster, source.id(), name, p.error()));
            return;
        }
        // build the path clients build (any order, extras allowed: RFC 8446 §4.4.2) instead of checking the
        // presented order; the leaf carries the path's earliest expiry, extras the path does not use are marked
        X509Facts.PathCheck path = trust == null ? new X509Facts.PathCheck(List.of(), null, List.of(), null)
                : X509Facts.buildPath(p.chain(), trust, now.get());
        X509Certificate earliest = path.earliest();
        for (int i = 0; i < p.chain().size(); i++) {
            X509Certificate c = p.chain().get(i);
            ObservedCert o = observe(c, cluster, source, "", name, "chain#" + i);
            if (i == 0) {
                o = o.withExpectedHost(p.target().expectedName()).withChainProblem(path.problem());
                if (earliest != null) {
                    o = o.withPath(earliest.getNotAfter().toInstant(), earliest.equals(c) ? null
                            : (path.path().contains(earliest) ? "" : "trust anchor ")
                            + earliest.getSubjectX500Principal().getName());
                }
            } else if (path.problem() == null && path.unused().contains(c)) {
                o = o.asUnusedInPath();
            }
            certs.add(o);
        }
    }

    private void addKubelet(List<ObservedCert> certs, List<String> problems, List<SourceError> errors, String cluster,
                            String node, TlsProber.Probe p) {
        String target = p.target().hostPort();
        if (!p.ok()) {
            problems.add(cluster + " kubelet " + node + " " + target + ": " + p.error());
            errors.add(new SourceError(cluster, CertSource.KUBELET.id(), node + " " + target, p.error()));
            return;
        }
        for (int i = 0; i < p.chain().size(); i++) {
            certs.add(observe(p.chain().get(i), cluster, CertSource.KUBELET, "", node, target + " chain#" + i));
        }
    }

    private void addObject(List<ObservedCert> certs, Map<String, X509Certificate> anchors,
                                  List<String> problems, String cluster, CertSource source, CertsKube.PemObject o) {
        String where = cluster + " " + o.kind() + " " + (o.namespace().isEmpty() ? "" : o.namespace() + "/")
                + o.name();
        List<X509Certificate> ca = source == CertSource.TLS_SECRET && o.pemByKey().containsKey("ca.crt")
                ? parse(o.pemByKey().get("ca.crt"), problems, where + " ca.crt") : List.of();
        for (Map.Entry<String, String> e : o.pemByKey().entrySet()) {
            if (e.getValue().startsWith(CertsKube.KEYSTORE_PREFIX)) continue; // opened by Keystores
            List<X509Certificate> list = "ca.crt".equals(e.getKey()) && !ca.isEmpty() ? ca
                    : parse(e.getValue(), problems, where + " " + e.getKey());
            String chainProblem = null;
            if (source == CertSource.TLS_SECRET && "tls.crt".equals(e.getKey()) && !list.isEmpty()) {
                chainProblem = X509Facts.chainProblem(list, ca, false);
                // in order and verifying is the common case and cheap; otherwise build a path (any order)
                if (chainProblem != null && !ca.isEmpty()) chainProblem = X509Facts.buildPath(list, ca, now.get()).problem();
            }
            for (X509Certificate c : list) {
                if (c.getBasicConstraints() >= 0) anchors.putIfAbsent(X509Facts.sha256(c), c);
            }
            add(certs, list, cluster, source, o.namespace(), o.name(), e.getKey(), chainProblem);
        }
    }

    /** Adds a chain/bundle; the chain problem (if any) is attached to its first certificate. */
    private ObservedCert observe(X509Certificate c, String cluster, CertSource source, String ns, String name,
                                 String item) {
        ObservedCert known = facts.get(c);
        if (known != null) return known.at(cluster, source, ns, name, item);
        if (facts.size() > 8192) facts.clear();
        ObservedCert o = X509Facts.observe(c, cluster, source, ns, name, item);
        facts.put(c, o);
        return o;
    }

    private void add(List<ObservedCert> certs, List<X509Certificate> list, String cluster, CertSource source,
                            String ns, String name, String key, String chainProblem) {
        for (int i = 0; i < list.size(); i++) {
            ObservedCert o = observe(list.get(i), cluster, source, ns, name, key + "#" + i);
            if (i == 0 && chainProblem != null) o = o.withChainProblem(chainProblem);
            certs.add(o);
        }
    }

    private List<X509Certificate> parse(String pem, List<String> problems, String where) {
        if (pem == null) return List.of();
        List<String> broken = new ArrayList<>();
        List<X509Certificate> out = X509Facts.parsePem(pem, broken, blocks);
        for (String b : broken) problems.add(where + ": unreadable certificate " + b);
        return out;
    }

    private static java.time.Instant instant(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
