package io.kubechores.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Writes certificate-bearing objects into a simulated cluster (demo, benchmarks). */
public final class CertsSeeder {
    /** cert-manager.io/v1 Certificates (namespaced). */
    public static final ResourceDefinitionContext CERT_MANAGER_CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io").withVersion("v1").withPlural("certificates").withKind("Certificate")
            .withNamespaced(true).build();

    private final KubernetesClient client;

    public CertsSeeder(KubernetesClient client) {
        this.client = client;
    }

    public void tlsSecret(String ns, String name, String crtPem, String caPem) {
        var b = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).endMetadata().withType("kubernetes.io/tls")
                .addToData("tls.crt", b64(crtPem))
                .addToData("tls.key", b64("-----BEGIN PRIVATE KEY-----\nZGVtbyBvbmx5\n-----END PRIVATE KEY-----\n"));
        if (caPem != null) b.addToData("ca.crt", b64(caPem));
        client.secrets().inNamespace(ns).resource(b.build()).createOr(r -> r.update());
    }

    public void opaqueSecret(String ns, String name, Map<String, String> values) {
        var b = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).endMetadata().withType("Opaque");
        values.forEach((k, v) -> b.addToData(k, b64(v)));
        client.secrets().inNamespace(ns).resource(b.build()).createOr(r -> r.update());
    }

    public void configMap(String ns, String name, String key, String pem) {
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata().addToData(key, pem).build())
                .createOr(r -> r.update());
    }

    public void validatingWebhook(String config, String webhook, String caPem) {
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata().withName(config).endMetadata()
                        .addNewWebhook().withName(webhook).withAdmissionReviewVersions("v1").withSideEffects("None")
                        .withNewClientConfig().withCaBundle(b64(caPem)).withUrl("https://" + webhook + "/validate")
                        .endClientConfig().endWebhook().build()).createOr(r -> r.update());
    }

    /** A cert-manager Certificate with its status (the CRD is created first so the API serves it). */
    public void certManagerCertificate(String ns, String name, String secretName, java.time.Instant notAfter,
                                       java.time.Instant renewalTime, boolean ready, String reason,
                                       String message) {
        var crd = new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("certificates.cert-manager.io").endMetadata()
                .withNewSpec().withGroup("cert-manager.io").withScope("Namespaced")
                .withNewNames().withKind("Certificate").withListKind("CertificateList").withPlural("certificates")
                .withSingular("certificate").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .endSpec().build();
        if (client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .get() == null) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
        var cert = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("cert-manager.io/v1").withKind("Certificate")
                .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .addToAdditionalProperties("spec", Map.of("secretName", secretName,
                        "issuerRef", Map.of("name", "letsencrypt", "kind", "ClusterIssuer")))
                .addToAdditionalProperties("status", Map.of("notAfter", notAfter.toString(),
                        "renewalTime", renewalTime.toString(),
                        "conditions", List.of(Map.of("type", "Ready", "status", ready ? "True" : "False",
                                "reason", reason, "message", message))))
                .build();
        client.genericKubernetesResources(CERT_MANAGER_CERTIFICATES).inNamespace(ns).resource(cert)
                .createOr(r -> r.update());
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
