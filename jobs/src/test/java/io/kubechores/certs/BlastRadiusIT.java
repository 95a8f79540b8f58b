package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.platform.kube.CertsKube;
import io.kubechores.platform.kube.PagingCrudDispatcher;
import io.kubechores.platform.tls.TlsProber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blast radius: a finding says what breaks with it. Ingress spec.tls[].secretName (networking.k8s.io/v1, same
 * namespace); Gateway spec.listeners[].tls.certificateRefs[] (gateway.networking.k8s.io/v1: kind defaults to Secret,
 * namespace to the Gateway's); webhook configurations and APIServices whose caBundle cert-manager's cainjector fills
 * from a Secret (annotation cert-manager.io/inject-ca-from-secret: namespace/name). A CA is used by whatever uses
 * the certificates it issued, so "CA X expires in 9 days → 2 Ingresses, 1 Gateway".
 */
class BlastRadiusIT {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static KubernetesMockServer server;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new PagingCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        var ca = PkiMaker.cert("Acme Apps CA").ca().valid(NOW.minus(Duration.ofDays(700)), NOW.plus(Duration.ofDays(9)))
                .issue();
        var web = PkiMaker.cert("web.shop.acme.example").issuer(ca).valid(NOW.minus(Duration.ofDays(30)),
                NOW.plus(Duration.ofDays(8))).issue();
        var hook = PkiMaker.cert("policy-webhook.kyverno.svc").issuer(ca).valid(NOW.minus(Duration.ofDays(30)),
                NOW.plus(Duration.ofDays(60))).issue();
        tls("shop", "web-tls", web.pem());
        tls("kyverno", "webhook-tls", hook.pem());
        tls("unused", "orphan-tls", PkiMaker.cert("orphan").issuer(ca).issue().pem());
        client.secrets().inNamespace("cert-manager").resource(new SecretBuilder().withNewMetadata()
                .withName("apps-ca").withNamespace("cert-manager").endMetadata().withType("Opaque")
                .addToData("ca.crt", PkiMaker.base64(ca.pem())).build()).create();
        for (String name : List.of("web", "web-canary")) {
            client.network().v1().ingresses().inNamespace("shop").resource(new IngressBuilder().withNewMetadata()
                    .withName(name).withNamespace("shop").endMetadata().withNewSpec().addNewTl()
                    .withHosts("web.shop.acme.example").withSecretName("web-tls").endTl().endSpec().build()).create();
        }
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("gateways.gateway.networking.k8s.io").endMetadata().withNewSpec()
                .withGroup("gateway.networking.k8s.io").withScope("Namespaced").withNewNames().withKind("Gateway")
                .withListKind("GatewayList").withPlural("gateways").withSingular("gateway").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion().endSpec().build())
                .create();
        client.genericKubernetesResources(CertsKube.GATEWAYS).inNamespace("infra").resource(
                new GenericKubernetesResourceBuilder().withApiVersion("gateway.networking.k8s.io/v1").withKind("Gateway")
                        .withNewMetadata().withName("public").withNamespace("infra").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("gatewayClassName", "eg", "listeners", List.of(
                                Map.of("name", "https", "protocol", "HTTPS", "port", 443, "tls", Map.of("mode",
                                        "Terminate", "certificateRefs", List.of(Map.of("name", "web-tls",
                                                "namespace", "shop")))))))
                        .build()).create();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("kyverno-policy")
                        .addToAnnotations("cert-manager.io/inject-ca-from-secret", "kyverno/webhook-tls").endMetadata()
                        .addNewWebhook().withName("validate.kyverno.svc").withAdmissionReviewVersions("v1")
                        .withSideEffects("None").withNewClientConfig().withUrl("https://kyverno.svc/validate")
                        .endClientConfig().endWebhook().build()).create();
        servedThroughServices();
    }

    /**
     * Webhooks and APIServices reached through a Service: the API server verifies the serving certificate against
     * {@code <service>.<namespace>.svc} (k8s.io/apiserver pkg/util/webhook/client.go HookClient), so the Secret whose
     * leaf names it serves them, cert-manager or not.
     */
    static void servedThroughServices() {
        var securityCa = PkiMaker.cert("Security CA").ca().valid(NOW.minus(Duration.ofDays(700)),
                NOW.plus(Duration.ofDays(400))).issue();
        var guard = PkiMaker.cert("guard").issuer(securityCa).dns("guard", "guard.security.svc",
                "guard.security.svc.cluster.local").valid(NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(5)))
                .issue();
        var metrics = PkiMaker.cert("custom-metrics").issuer(securityCa)
                .dns("custom-metrics.monitoring.svc.cluster.local").valid(NOW.minus(Duration.ofDays(30)),
                        NOW.plus(Duration.ofDays(50))).issue();
        tls("security", "guard-serving", guard.pem());
        tls("monitoring", "custom-metrics-serving", metrics.pem());
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("guard-validate").endMetadata()
                        .addNewWebhook().withName("validate.guard.security").withAdmissionReviewVersions("v1")
                        .withSideEffects("None").withNewClientConfig().withNewService().withName("guard")
                        .withNamespace("security").endService().endClientConfig().endWebhook().build()).create();
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(
                new io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder()
                        .withNewMetadata().withName("guard-mutate").endMetadata().addNewWebhook()
                        .withName("mutate.guard.security").withAdmissionReviewVersions("v1").withSideEffects("None")
                        .withNewClientConfig().withNewService().withName("guard").withNamespace("security")
                        .endService().endClientConfig().endWebhook().build()).create();
        client.genericKubernetesResources(CertsKube.API_SERVICES).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion("apiregistration.k8s.io/v1").withKind("APIService")
                .withNewMetadata().withName("v1beta1.custom.metrics.k8s.io").endMetadata()
                .addToAdditionalProperties("spec", Map.of("group", "custom.metrics.k8s.io", "version", "v1beta1",
                        "service", Map.of("name", "custom-metrics", "namespace", "monitoring")))
                .build()).create();
    }

    static void tls(String ns, String name, String crt) {
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .endMetadata().withType("kubernetes.io/tls").addToData("tls.crt", PkiMaker.base64(crt))
                .addToData("tls.key", PkiMaker.base64("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"))
                .build()).create();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void findingsSayWhatUsesTheSecretAndACaWhatUsesWhatItIssued() {
        var scan = new CertificatePolicySpec.Scan(true, true, false, false, false, false, false, false);
        var spec = new ClusterSpec("prod", new ClusterSpec.Connection(null, null, false, null, null, null), null,
                List.of(), List.of());
        CertInventory inv = new CertsCollector(new TlsProber(Duration.ofSeconds(1), 1), 100, () -> NOW)
                .cluster("prod-eu-1", spec, new CertsKube(client), scan);
        CertPlan plan = ExpiryPolicy.plan("p", new CertificatePolicySpec(null, null, scan, 30, 7, null, null, 2), inv,
                Clock.fixed(NOW, ZoneOffset.UTC));
        Finding web = plan.findings().stream().filter(f -> f.name().equals("web-tls")).findFirst().orElseThrow();
        assertThat(web.usedBy()).containsExactlyInAnyOrder("Ingress shop/web", "Ingress shop/web-canary",
                "Gateway infra/public");
        assertThat(web.blastRadius()).isEqualTo("2 Ingresses, 1 Gateway");
        Finding hook = plan.findings().stream().filter(f -> f.name().equals("webhook-tls")).findFirst().orElseThrow();
        assertThat(hook.blastRadius()).isEqualTo("1 webhook");
        Finding ca = plan.findings().stream().filter(f -> f.name().equals("apps-ca")).findFirst().orElseThrow();
        assertThat(ca.severity()).isEqualTo(Severity.WARNING);
        assertThat(ca.daysLeft()).isEqualTo(9);
        assertThat(ca.blastRadius()).isEqualTo("2 Ingresses, 1 Gateway, 1 webhook");
        assertThat(plan.findings().stream().filter(f -> f.name().equals("orphan-tls")).findFirst().orElseThrow()
                .usedBy()).isEmpty();

        // the alert says it the way the issue asks: "CA X expires in 9 days → 2 Ingresses, 1 Gateway, 1 webhook"
        var decision = AlertDedupe.decide(Map.of(), plan.findings(), java.util.Set.of("prod-eu-1"));
        String slack = io.kubechores.report.Reports.render("markdown/certs-slack.ftl", Map.of(
                "rows", CertsReport.slackRows(decision, ZoneOffset.UTC), "count", decision.toAlert().size(),
                "reminders", 0, "more", 0, "fleet", "acme", "channel", ""));
        assertThat(slack.lines()).anySatisfy(l -> assertThat(l)
                .contains("`prod-eu-1/pem-secret/cert-manager/apps-ca[ca.crt#0]` CN=Acme Apps CA — expires in 9 d")
                .endsWith("→ 2 Ingresses, 1 Gateway, 1 webhook"));

        Finding guard = plan.findings().stream().filter(f -> f.name().equals("guard-serving")).findFirst().orElseThrow();
        assertThat(guard.usedBy()).containsExactlyInAnyOrder("MutatingWebhookConfiguration guard-mutate",
                "ValidatingWebhookConfiguration guard-validate");
        assertThat(guard.blastRadius()).isEqualTo("2 webhooks");
        Finding metrics = plan.findings().stream().filter(f -> f.name().equals("custom-metrics-serving")).findFirst()
                .orElseThrow();
        assertThat(metrics.blastRadius()).as("the .svc.cluster.local SAN counts as the .svc name")
                .isEqualTo("1 APIService");
    }
}
