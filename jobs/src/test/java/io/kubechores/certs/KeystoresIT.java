package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PKCS#12 and JKS keystores in Secrets are opened with the password a policy points at (same Secret, or another
 * one as cert-manager's keystores.pkcs12.passwordSecretRef does; cert-manager writes keystore.p12 / truststore.p12 /
 * keystore.jks / truststore.jks). A wrong password is a problem line that never contains it.
 */
class KeystoresIT {
    static KubernetesMockServer server;
    static KubernetesClient client;
    static PkiMaker.Issued ca;
    static PkiMaker.Issued leaf;
    static final String PASSWORD = "correct horse battery staple";

    @BeforeAll
    static void start() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new PagingCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        ca = PkiMaker.cert("Kafka CA").ca().issue();
        leaf = PkiMaker.cert("kafka-0.kafka").issuer(ca).valid(Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-12-10T00:00:00Z")).issue();
        byte[] p12 = keystore("PKCS12", PASSWORD);
        byte[] jks = keystore("JKS", PASSWORD);
        secret("kafka", "kafka-0-keystore", "keystore.p12", p12, "password", PASSWORD);
        secret("kafka", "kafka-1-keystore", "keystore.jks", jks, null, null);
        secret("kafka", "keystore-password", "password", PASSWORD.getBytes(), null, null);
        secret("apps", "wrong-password", "keystore.p12", p12, "password", "hunter2");
    }

    static byte[] keystore(String type, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        ks.setKeyEntry("server", leaf.keys().getPrivate(), password.toCharArray(),
                new X509Certificate[]{leaf.cert(), ca.cert()});
        ks.setCertificateEntry("ca", ca.cert());
        var out = new ByteArrayOutputStream();
        ks.store(out, password.toCharArray());
        return out.toByteArray();
    }

    static void secret(String ns, String name, String key, byte[] value, String pwKey, String pw) {
        var b = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withType("Opaque")
                .addToData(key, Base64.getEncoder().encodeToString(value));
        if (pwKey != null) b.addToData(pwKey, Base64.getEncoder().encodeToString(pw.getBytes()));
        client.secrets().inNamespace(ns).resource(b.build()).create();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void opensPkcs12AndJksWithThePasswordFromTheNamedKey() {
        var rules = List.of(
                new CertificatePolicySpec.Keystore("kafka", List.of(".jks"), "keystore-password", "password"),
                new CertificatePolicySpec.Keystore(null, List.of(".p12"), null, "password"));
        var collector = new CertsCollector(new TlsProber(Duration.ofSeconds(1), 1), 100).withKeystores(rules);
        var scan = new CertificatePolicySpec.Scan(false, true, false, false, false, false, false, false);
        var spec = new ClusterSpec("prod", new ClusterSpec.Connection(null, null, false, null, null, null), null,
                List.of(), List.of());
        CertInventory inv = collector.cluster("c1", spec, new CertsKube(client), scan);

        assertThat(inv.certs()).filteredOn(c -> c.source() == CertSource.KEYSTORE)
                .extracting(c -> c.name() + "[" + c.item() + "] " + c.subject())
                .contains("kafka-0-keystore[keystore.p12#server#0] CN=kafka-0.kafka",
                        "kafka-0-keystore[keystore.p12#server#1] CN=Kafka CA",
                        "kafka-0-keystore[keystore.p12#ca#0] CN=Kafka CA",
                        "kafka-1-keystore[keystore.jks#server#0] CN=kafka-0.kafka");
        assertThat(inv.certs()).filteredOn(c -> c.name().equals("kafka-1-keystore"))
                .allMatch(c -> c.notAfter() != null);
        assertThat(inv.problems()).singleElement().satisfies(p -> assertThat(p)
                .contains("apps/wrong-password keystore.p12").contains("cannot open")
                .doesNotContain("hunter2").doesNotContain(PASSWORD));
        assertThat(inv.certs()).noneMatch(c -> c.name().equals("keystore-password"));
    }

    @Test
    void withoutAKeystoreRuleKeystoresAreNotRead() {
        var collector = new CertsCollector(new TlsProber(Duration.ofSeconds(1), 1), 100);
        var scan = new CertificatePolicySpec.Scan(true, true, false, false, false, false, false, false);
        var spec = new ClusterSpec("prod", new ClusterSpec.Connection(null, null, false, null, null, null), null,
                List.of(), List.of());
        CertInventory inv = collector.cluster("c1", spec, new CertsKube(client), scan);
        assertThat(inv.certs()).noneMatch(c -> c.source() == CertSource.KEYSTORE);
        assertThat(inv.problems()).isEmpty();
    }
}
