package io.kubechores.platform.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubechores.desiredstate.ClusterSpec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every fabric8 call of the certs job: Secrets and ConfigMaps listed in pages (limit + continue token, so a cluster
 * with 20,000 secrets is streamed page by page, never held whole), webhook / APIService / CRD conversion caBundles,
 * cert-manager Certificates (as generic resources: no cert-manager model needed), the kubeconfig's certificates and
 * the API server's address. Returns PEM text and plain records; the job package turns them into findings.
 */
public final class CertsKube {
    public static final ResourceDefinitionContext CERT_MANAGER_CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io").withVersion("v1").withKind("Certificate").withPlural("certificates")
            .withNamespaced(true).build();
    public static final ResourceDefinitionContext API_SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("apiregistration.k8s.io").withVersion("v1").withKind("APIService").withPlural("apiservices")
            .withNamespaced(false).build();

    private final KubernetesClient client;

    public CertsKube(KubernetesClient client) {
        this.client = client;
    }

    /**
     * An object holding certificates: only its PEM-looking values are kept (key → PEM text), nothing else.
     *
     * @param kind      Secret, ConfigMap, ValidatingWebhookConfiguration, MutatingWebhookConfiguration, APIService,
     *                  CustomResourceDefinition, kubeconfig
     * @param type      Secret type (kubernetes.io/tls, Opaque...), null otherwise
     * @param pemByKey  data key (or webhook name) → PEM text
     */
    public record PemObject(String kind, String namespace, String name, String type, Map<String, String> pemByKey,
                            Map<String, String> passwords) {
        public PemObject(String kind, String namespace, String name, String type, Map<String, String> pemByKey) {
            this(kind, namespace, name, type, pemByKey, Map.of());
        }

        /** Never prints passwords. */
        @Override
        public String toString() {
            return kind + " " + namespace + "/" + name + " " + pemByKey.keySet();
        }
    }

    /** What a paged scan did: requests made and objects seen (PEM or not). */
    public record PageStats(int pages, long objects) {}

    /**
     * Secret types that cannot hold a PEM certificate, filtered out by the API server: Helm release Secrets alone
     * (a gzipped release manifest each, up to the 1 MiB object limit) are what made x509-certificate-exporter use
     * gigabytes (enix/x509-certificate-exporter#222). Field selectors on Secrets support {@code type} with
     * {@code =}, {@code ==}, {@code !=}, comma-separated requirements ANDed, no set operators (Kubernetes docs,
     * "Field Selectors": supported fields, Secret: type), so this is a chain of {@code type!=}. An exclusion list,
     * not an inclusion list: PEM also sits in custom types (istio.io/key-and-cert, ...). Service-account tokens are
     * excluded here and read from kube-system alone by a second list (every other namespace's copy repeats the CA).
     */
    public static final List<String> NON_CERTIFICATE_SECRET_TYPES = List.of("helm.sh/release.v1",
            "kubernetes.io/service-account-token", "kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg",
            "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth", "bootstrap.kubernetes.io/token");
    public static final String SECRET_FIELD_SELECTOR = String.join(",",
            NON_CERTIFICATE_SECRET_TYPES.stream().map(t -> "type!=" + t).toList());
    /** Values larger than this are not decoded (the API server caps a whole Secret at 1 MiB anyway). */
    public static final int MAX_VALUE_CHARS = 1_500_000;

    /**
     * Streams every Secret of the cluster that can hold a certificate, page by page, handing each one holding PEM
     * (or a keystore under one of keystoreSuffixes) to the consumer. Types that cannot hold certificates are filtered
     * on the server ({@link #SECRET_FIELD_SELECTOR}); when an API server rejects the selector (400), the scan
     * falls back to filtering here. Values are checked for a PEM header while still base64 (no decoding, no copy)
     * and only candidates are decoded.
     */
    public PageStats scanSecrets(int pageSize, Consumer<PemObject> consumer) {
        return scanSecrets(pageSize, List.of(), java.util.Set.of(), consumer);
    }

    /**
     * As above; data keys ending in one of keystoreSuffixes are handed over as base64 keystores (value prefixed
     * {@link #KEYSTORE_PREFIX}), and the values of passwordKeys of such a Secret are passed along, decoded, in
     * {@link PemObject#passwords()} (held for the one callback, never logged).
     */
    public PageStats scanSecrets(int pageSize, List<String> keystoreSuffixes, java.util.Set<String> passwordKeys,
                                 Consumer<PemObject> consumer) {
        PageStats all;
        try {
            all = scanSecretPages(null, pageSize, SECRET_FIELD_SELECTOR, keystoreSuffixes, passwordKeys, consumer);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 400) throw e;
            all = scanSecretPages(null, pageSize, null, keystoreSuffixes, passwordKeys, consumer);
        }
        PageStats sa = scanSecretPages("kube-system", pageSize, "type=kubernetes.io/service-account-token",
                keystoreSuffixes, passwordKeys, consumer);
        return new PageStats(all.pages() + sa.pages(), all.objects() + sa.objects());
    }

    private PageStats scanSecretPages(String namespace, int pageSize, String fieldSelector,
                                      List<String> keystoreSuffixes, java.util.Set<String> passwordKeys,
                                      Consumer<PemObject> consumer) {
        String token = null;
        int pages = 0;
        long objects = 0;
        do {
            ListOptions o = options(pageSize, token);
            o.setFieldSelector(fieldSelector);
            SecretList page = namespace == null ? client.secrets().inAnyNamespace().list(o)
                    : client.secrets().inNamespace(namespace).list(o);
            pages++;
            for (Secret s : page.getItems()) {
                objects++;
                String ns = s.getMetadata().getNamespace();
                if (fieldSelector == null && NON_CERTIFICATE_SECRET_TYPES.contains(s.getType())) continue;
                Map<String, String> pem = new LinkedHashMap<>();
                if (s.getData() != null) {
                    s.getData().forEach((k, v) -> {
                        if (v == null || v.length() > MAX_VALUE_CHARS) return;
                        if (keystoreSuffixes.stream().anyMatch(k::endsWith)) {
                            pem.put(k, KEYSTORE_PREFIX + v); // kept as base64: binary, opened by the job package
                        } else if (mayHoldPem(v)) {
                            String text = decode(v);
                            if (looksLikePem(text)) pem.put(k, text);
                        }
                    });
                }
                if (s.getStringData() != null) {
                    s.getStringData().forEach((k, v) -> {
                        if (looksLikePem(v)) pem.putIfAbsent(k, v);
                    });
                }
                if (!pem.isEmpty()) {
                    Map<String, String> passwords = new LinkedHashMap<>();
                    if (s.getData() != null && pem.values().stream().anyMatch(v -> v.startsWith(KEYSTORE_PREFIX))) {
                        for (String k : passwordKeys) {
                            String v = s.getData().get(k);
                            if (v != null) passwords.put(k, decode(v));
                        }
                    }
                    consumer.accept(new PemObject("Secret", ns, s.getMetadata().getName(), s.getType(), pem,
                            passwords));
                }
            }
            token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return new PageStats(pages, objects);
    }

    /** Marks a PemObject value that is a base64 keystore (PKCS#12/JKS), not PEM text. */
    public static final String KEYSTORE_PREFIX = "keystore:base64:";

    private static final String PEM_HEADER = "-----BEGIN CERTIFICATE-----";
    /**
     * The header as it appears inside base64 at each of the three byte alignments: bytes header[j..] start on a
     * 3-byte boundary for exactly one j in 0..2, and then encode to the same characters wherever they sit.
     */
    private static final List<String> PEM_HEADER_B64 = java.util.stream.IntStream.range(0, 3).mapToObj(j -> {
        byte[] tail = PEM_HEADER.substring(j).getBytes(StandardCharsets.US_ASCII);
        String enc = Base64.getEncoder().encodeToString(tail);
        return enc.substring(0, tail.length / 3 * 4);
    }).toList();

    /** True when standard base64 text may decode to something containing a PEM certificate header. */
    public static boolean mayHoldPem(String base64) {
        if (base64 == null) return false;
        for (String p : PEM_HEADER_B64) {
            if (base64.contains(p)) return true;
        }
        return false;
    }

    /**
     * Streams every ConfigMap holding PEM, page by page. The per-namespace kube-root-ca.crt copies are skipped
     * except in kube-system (each repeats the cluster CA).
     */
    public PageStats scanConfigMaps(int pageSize, Consumer<PemObject> consumer) {
        String token = null;
        int pages = 0;
        long objects = 0;
        do {
            ConfigMapList page = client.configMaps().inAnyNamespace().list(options(pageSize, token));
            pages++;
            for (ConfigMap cm : page.getItems()) {
                objects++;
                String ns = cm.getMetadata().getNamespace();
                if ("kube-root-ca.crt".equals(cm.getMetadata().getName()) && !"kube-system".equals(ns)) continue;
                Map<String, String> pem = new LinkedHashMap<>();
                if (cm.getData() != null) {
                    cm.getData().forEach((k, v) -> {
                        if (looksLikePem(v)) pem.put(k, v);
                    });
                }
                if (cm.getBinaryData() != null) {
                    cm.getBinaryData().forEach((k, v) -> {
                        if (!mayHoldPem(v)) return;
                        String text = decode(v);
                        if (looksLikePem(text)) pem.putIfAbsent(k, text);
                    });
                }
                if (!pem.isEmpty()) {
                    consumer.accept(new PemObject("ConfigMap", ns, cm.getMetadata().getName(), null, pem));
                }
            }
            token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return new PageStats(pages, objects);
    }

    private static ListOptions options(int pageSize, String token) {
        return new ListOptionsBuilder().withLimit((long) pageSize).withContinue(token).build();
    }

    public static final ResourceDefinitionContext GATEWAYS = new ResourceDefinitionContext.Builder()
            .withGroup("gateway.networking.k8s.io").withVersion("v1").withKind("Gateway").withPlural("gateways")
            .withNamespaced(true).build();

    /**
     * What uses each Secret, keyed "namespace/name": Ingresses (spec.tls[].secretName, same namespace), Gateways
     * (spec.listeners[].tls.certificateRefs[], kind Secret by default, namespace defaulting to the Gateway's; Gateway
     * API v1), and webhook configurations / APIServices whose CA cert-manager's cainjector injects from the Secret
     * (annotation cert-manager.io/inject-ca-from-secret: namespace/name). Values like "Ingress shop/web".
     */
    public Map<String, List<String>> secretUsers() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (var ing : client.network().v1().ingresses().inAnyNamespace().list().getItems()) {
            if (ing.getSpec() == null || ing.getSpec().getTls() == null) continue;
            String ns = ing.getMetadata().getNamespace();
            for (var t : ing.getSpec().getTls()) {
                if (t.getSecretName() != null) use(out, ns + "/" + t.getSecretName(), "Ingress " + ns + "/"
                        + ing.getMetadata().getName());
            }
        }
        for (GenericKubernetesResource g : listGeneric(GATEWAYS)) {
            String ns = g.getMetadata().getNamespace();
            Object spec = g.getAdditionalProperties().get("spec");
            if (!(spec instanceof Map<?, ?> sm) || !(sm.get("listeners") instanceof List<?> listeners)) continue;
            for (Object l : listeners) {
                if (!(l instanceof Map<?, ?> lm) || !(lm.get("tls") instanceof Map<?, ?> tls)
                        || !(tls.get("certificateRefs") instanceof List<?> refs)) continue;
                for (Object r : refs) {
                    if (!(r instanceof Map<?, ?> rm) || rm.get("name") == null) continue;
                    Object kind = rm.get("kind");
                    if (kind != null && !"Secret".equals(kind)) continue;
                    String refNs = rm.get("namespace") == null ? ns : String.valueOf(rm.get("namespace"));
                    use(out, refNs + "/" + rm.get("name"), "Gateway " + ns + "/" + g.getMetadata().getName());
                }
            }
        }
        String inject = "cert-manager.io/inject-ca-from-secret";
        for (var v : client.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems()) {
            String from = v.getMetadata().getAnnotations() == null ? null : v.getMetadata().getAnnotations().get(inject);
            if (from != null) use(out, from, "ValidatingWebhookConfiguration " + v.getMetadata().getName());
        }
        for (var m : client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()) {
            String from = m.getMetadata().getAnnotations() == null ? null : m.getMetadata().getAnnotations().get(inject);
            if (from != null) use(out, from, "MutatingWebhookConfiguration " + m.getMetadata().getName());
        }
        for (GenericKubernetesResource a : listGeneric(API_SERVICES)) {
            String from = a.getMetadata().getAnnotations() == null ? null : a.getMetadata().getAnnotations().get(inject);
            if (from != null) use(out, from, "APIService " + a.getMetadata().getName());
        }
        return out;
    }

    /**
     * What the API server reaches through a Service, keyed by the server name it verifies the serving certificate
     * against, {@code <service>.<namespace>.svc} (k8s.io/apiserver pkg/util/webhook/client.go, HookClient:
     * {@code serverName := svc.Name + "." + svc.Namespace + ".svc"}; kube-aggregator dials APIServices the same way):
     * webhooks of Validating/MutatingWebhookConfigurations with a clientConfig.service, APIServices with
     * spec.service. A Secret whose certificate names that DNS name serves them (blast radius for webhooks whose
     * caBundle is not injected by cert-manager). CRD conversion webhooks are left out: listing every CRD again (their
     * schemas reach megabytes) costs more than it tells; their Service usually serves a webhook configuration too.
     */
    public Map<String, List<String>> serviceUsers() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (ValidatingWebhookConfiguration v : client.admissionRegistration().v1().validatingWebhookConfigurations()
                .list().getItems()) {
            for (ValidatingWebhook w : nz(v.getWebhooks())) {
                var svc = w.getClientConfig() == null ? null : w.getClientConfig().getService();
                if (svc != null) use(out, svc.getName() + "." + svc.getNamespace() + ".svc",
                        "ValidatingWebhookConfiguration " + v.getMetadata().getName());
            }
        }
        for (MutatingWebhookConfiguration m : client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .list().getItems()) {
            for (MutatingWebhook w : nz(m.getWebhooks())) {
                var svc = w.getClientConfig() == null ? null : w.getClientConfig().getService();
                if (svc != null) use(out, svc.getName() + "." + svc.getNamespace() + ".svc",
                        "MutatingWebhookConfiguration " + m.getMetadata().getName());
            }
        }
        for (GenericKubernetesResource a : listGeneric(API_SERVICES)) {
            if (a.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                    && spec.get("service") instanceof Map<?, ?> svc && svc.get("name") != null) {
                use(out, svc.get("name") + "." + svc.get("namespace") + ".svc", "APIService " + a.getMetadata().getName());
            }
        }
        return out;
    }

    private static void use(Map<String, List<String>> out, String secret, String user) {
        List<String> l = out.computeIfAbsent(secret, k -> new ArrayList<>());
        if (!l.contains(user)) l.add(user);
    }

    /** A Node's kubelet: where its serving certificate can be probed. */
    public record Kubelet(String node, String address, int port) {}

    /**
     * Every Node's kubelet endpoint: the InternalIP address (else the first address) and the port the Node reports
     * in status.daemonEndpoints.kubeletEndpoint.Port (10250 when absent), as the API server itself reaches it.
     */
    public List<Kubelet> kubelets() {
        List<Kubelet> out = new ArrayList<>();
        for (var n : client.nodes().list().getItems()) {
            var st = n.getStatus();
            if (st == null || st.getAddresses() == null || st.getAddresses().isEmpty()) continue;
            String ip = st.getAddresses().stream().filter(a -> "InternalIP".equals(a.getType())).findFirst()
                    .orElse(st.getAddresses().getFirst()).getAddress();
            Integer port = st.getDaemonEndpoints() == null || st.getDaemonEndpoints().getKubeletEndpoint() == null
                    ? null : st.getDaemonEndpoints().getKubeletEndpoint().getPort();
            out.add(new Kubelet(n.getMetadata().getName(), ip, port == null || port == 0 ? 10250 : port));
        }
        return out;
    }

    /** One Secret data key, decoded (null when the Secret or key is absent). Read for CA bundles and passwords. */
    public String secretValue(String namespace, String name, String key) {
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        if (s == null) return null;
        if (s.getData() != null && s.getData().get(key) != null) return decode(s.getData().get(key));
        return s.getStringData() == null ? null : s.getStringData().get(key);
    }

    /** One ConfigMap data key (null when absent). */
    public String configMapValue(String namespace, String name, String key) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
        if (cm == null) return null;
        if (cm.getData() != null && cm.getData().get(key) != null) return cm.getData().get(key);
        return cm.getBinaryData() == null ? null : decode(cm.getBinaryData().get(key));
    }

    /** caBundles of Validating/Mutating webhooks, APIServices and CRD conversion webhooks (key = webhook name). */
    public List<PemObject> webhookBundles() {
        List<PemObject> out = new ArrayList<>();
        for (ValidatingWebhookConfiguration v : client.admissionRegistration().v1().validatingWebhookConfigurations()
                .list().getItems()) {
            Map<String, String> pem = new LinkedHashMap<>();
            for (ValidatingWebhook w : nz(v.getWebhooks())) {
                if (w.getClientConfig() != null) putBundle(pem, w.getName(), w.getClientConfig().getCaBundle());
            }
            if (!pem.isEmpty()) {
                out.add(new PemObject("ValidatingWebhookConfiguration", "", v.getMetadata().getName(), null, pem));
            }
        }
        for (MutatingWebhookConfiguration m : client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .list().getItems()) {
            Map<String, String> pem = new LinkedHashMap<>();
            for (MutatingWebhook w : nz(m.getWebhooks())) {
                if (w.getClientConfig() != null) putBundle(pem, w.getName(), w.getClientConfig().getCaBundle());
            }
            if (!pem.isEmpty()) {
                out.add(new PemObject("MutatingWebhookConfiguration", "", m.getMetadata().getName(), null, pem));
            }
        }
        for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
            var conv = crd.getSpec() == null ? null : crd.getSpec().getConversion();
            if (conv == null || conv.getWebhook() == null || conv.getWebhook().getClientConfig() == null) continue;
            Map<String, String> pem = new LinkedHashMap<>();
            putBundle(pem, "conversion", conv.getWebhook().getClientConfig().getCaBundle());
            if (!pem.isEmpty()) {
                out.add(new PemObject("CustomResourceDefinition", "", crd.getMetadata().getName(), null, pem));
            }
        }
        for (GenericKubernetesResource a : listGeneric(API_SERVICES)) {
            Object spec = a.getAdditionalProperties().get("spec");
            if (spec instanceof Map<?, ?> m && m.get("caBundle") instanceof String b) {
                Map<String, String> pem = new LinkedHashMap<>();
                putBundle(pem, "caBundle", b);
                if (!pem.isEmpty()) out.add(new PemObject("APIService", "", a.getMetadata().getName(), null, pem));
            }
        }
        return out;
    }

    /**
     * A cert-manager Certificate's status.
     *
     * @param notAfter    status.notAfter (RFC 3339) or null
     * @param renewalTime status.renewalTime or null
     * @param ready       Ready condition status == True
     * @param readyReason reason: message of the Ready condition, or null
     */
    public record CertManagerStatus(String namespace, String name, String secretName, String notAfter,
                                    String renewalTime, boolean ready, String readyReason) {}

    /** cert-manager Certificates of every namespace; empty when cert-manager is not installed. */
    public List<CertManagerStatus> certManagerCertificates() {
        List<CertManagerStatus> out = new ArrayList<>();
        for (GenericKubernetesResource r : listGeneric(CERT_MANAGER_CERTIFICATES)) {
            Map<?, ?> spec = r.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> status = r.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? m : Map.of();
            boolean ready = false;
            String reason = null;
            if (status.get("conditions") instanceof List<?> conds) {
                for (Object o : conds) {
                    if (o instanceof Map<?, ?> c && "Ready".equals(c.get("type"))) {
                        ready = "True".equals(c.get("status"));
                        String rs = c.get("reason") == null ? null : String.valueOf(c.get("reason"));
                        String msg = c.get("message") == null ? null : String.valueOf(c.get("message"));
                        reason = rs == null ? msg : msg == null ? rs : rs + ": " + msg;
                    }
                }
            }
            out.add(new CertManagerStatus(r.getMetadata().getNamespace(), r.getMetadata().getName(),
                    str(spec.get("secretName")), str(status.get("notAfter")), str(status.get("renewalTime")), ready,
                    reason));
        }
        return out;
    }

    private List<GenericKubernetesResource> listGeneric(ResourceDefinitionContext ctx) {
        try {
            var op = client.genericKubernetesResources(ctx);
            return ctx.isNamespaceScoped() ? op.inAnyNamespace().list().getItems() : op.list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return List.of(); // API not installed
            throw e;
        }
    }

    /**
     * The certificates a Cluster's kubeconfig carries: the CA data and the client certificate. For a connection
     * that names a kubeconfig context, the kubeconfig file (kubeconfigPath, else $KUBECONFIG, else ~/.kube/config)
     * is read; otherwise (in-cluster, API URL, simulated clusters) they come from the client's Config.
     * Key "certificate-authority" and "client-certificate"; private keys are never read.
     */
    public PemObject kubeconfigCertificates(ClusterSpec.Connection connection) {
        Map<String, String> pem = new LinkedHashMap<>();
        String origin = "client config";
        if (connection != null && connection.kubeconfigContext() != null) {
            Path file = kubeconfigFile(connection.kubeconfigPath());
            if (connection.kubeconfigPath() != null) {
                // a path the repo names: only from the allowed places, checked as a kubeconfig (content never shown)
                KubeconfigFiles.fromEnvironment().kubeconfig(connection.kubeconfigPath());
            }
            if (file != null && Files.isReadable(file)) {
                try {
                    if (fromKubeconfigFile(file, connection.kubeconfigContext(), pem)) origin = file.toString();
                } catch (IOException e) {
                    throw new KubernetesClientException("not a kubeconfig: " + file);
                }
            }
        }
        if (pem.isEmpty()) {
            Config c = client.getConfiguration();
            putData(pem, "certificate-authority", c.getCaCertData(), c.getCaCertFile(), null);
            putData(pem, "client-certificate", c.getClientCertData(), c.getClientCertFile(), null);
        }
        return new PemObject("kubeconfig", "", origin, null, pem);
    }

    static Path kubeconfigFile(String explicit) {
        if (explicit != null) return Path.of(explicit);
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) return Path.of(env.split(java.io.File.pathSeparator)[0]);
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    static boolean fromKubeconfigFile(Path file, String context, Map<String, String> pem) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        JsonNode ctx = named(root.path("contexts"), context).path("context");
        if (ctx.isMissingNode()) return false;
        Path dir = file.toAbsolutePath().getParent();
        JsonNode cluster = named(root.path("clusters"), ctx.path("cluster").asText()).path("cluster");
        JsonNode user = named(root.path("users"), ctx.path("user").asText()).path("user");
        putData(pem, "certificate-authority", text(cluster, "certificate-authority-data"),
                text(cluster, "certificate-authority"), dir);
        putData(pem, "client-certificate", text(user, "client-certificate-data"), text(user, "client-certificate"),
                dir);
        return true;
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (name.equals(n.path("name").asText())) return n;
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void putData(Map<String, String> pem, String key, String base64Data, String file, Path dir) {
        String text = null;
        if (base64Data != null && !base64Data.isBlank()) {
            text = decode(base64Data);
            if (!looksLikePem(text) && looksLikePem(base64Data)) text = base64Data; // PEM given inline
        } else if (file != null && !file.isBlank()) {
            Path p = dir == null ? Path.of(file) : dir.resolve(file);
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KubernetesClientException("cannot read " + key + " file " + p + ": " + e.getMessage());
            }
        }
        if (looksLikePem(text)) pem.put(key, text);
    }

    /** The API server's host and port when it is reached over https (null for plain http). */
    public URI apiServerUrl() {
        URI u = URI.create(client.getMasterUrl().toString());
        return "https".equalsIgnoreCase(u.getScheme()) ? u : null;
    }

    private static void putBundle(Map<String, String> pem, String key, String caBundle) {
        String text = decode(caBundle);
        if (looksLikePem(text)) pem.put(key, text);
    }

    private static String decode(String b64) {
        if (b64 == null) return null;
        try {
            return new String(Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean looksLikePem(String s) {
        return s != null && s.contains("-----BEGIN CERTIFICATE-----");
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static <T> List<T> nz(List<T> l) {
        return l == null ? List.of() : l;
    }
}
