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
    public record PemObject(String kind, String namespace, String name, String type, Map<String, String> pemByKey) {}

    /** What a paged scan did: requests made and objects seen (PEM or not). */
    public record PageStats(int pages, long objects) {}

    /**
     * Streams every Secret of the cluster, page by page, handing each one holding PEM to the consumer.
     * Service-account token secrets outside kube-system are skipped (each repeats the cluster CA).
     */
    public PageStats scanSecrets(int pageSize, Consumer<PemObject> consumer) {
        String token = null;
        int pages = 0;
        long objects = 0;
        do {
            SecretList page = client.secrets().inAnyNamespace().list(options(pageSize, token));
            pages++;
            for (Secret s : page.getItems()) {
                objects++;
                String ns = s.getMetadata().getNamespace();
                if ("kubernetes.io/service-account-token".equals(s.getType()) && !"kube-system".equals(ns)) continue;
                Map<String, String> pem = new LinkedHashMap<>();
                if (s.getData() != null) {
                    s.getData().forEach((k, v) -> {
                        String text = decode(v);
                        if (looksLikePem(text)) pem.put(k, text);
                    });
                }
                if (s.getStringData() != null) {
                    s.getStringData().forEach((k, v) -> {
                        if (looksLikePem(v)) pem.putIfAbsent(k, v);
                    });
                }
                if (!pem.isEmpty()) {
                    consumer.accept(new PemObject("Secret", ns, s.getMetadata().getName(), s.getType(), pem));
                }
            }
            token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return new PageStats(pages, objects);
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
            if (file != null && Files.isReadable(file)) {
                try {
                    if (fromKubeconfigFile(file, connection.kubeconfigContext(), pem)) origin = file.toString();
                } catch (IOException e) {
                    throw new KubernetesClientException("cannot read kubeconfig " + file + ": " + e.getMessage());
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
