package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.CertificatePolicySpec.CaBundle;
import io.kubechores.desiredstate.CertificatePolicySpec.Endpoint;
import io.kubechores.desiredstate.CertificatePolicySpec.ObjectKey;
import io.kubechores.desiredstate.ClusterSelector;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.Notifier;
import io.kubechores.testkit.tls.LoopbackTlsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chains as clients judge them, over real TLS on loopback. RFC 8446 §4.4.2 (certificate_list): the sender's
 * certificate MUST come first; each following one SHOULD certify the one before it, but "implementations SHOULD be
 * prepared to handle potentially extraneous certificates and arbitrary orderings from any TLS version, with the
 * exception of the end-entity certificate which MUST be first". So the job builds the path (PKIX, like a client)
 * instead of checking the presented order, and judges the leaf by the earliest expiry of that path.
 * The AddTrust case (AddTrust External CA Root expired 2020-05-30; servers kept sending the USERTrust certificate
 * cross-signed by it, while clients that had the self-signed USERTrust root built the path to that one instead):
 * the expired extra is a warning to clean up, not an expired endpoint.
 * Endpoints behind a private CA are verified against the CA bundle the policy names (repo file, Secret, ConfigMap).
 */
class CertsChainIT {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final List<LoopbackTlsServer> servers = new ArrayList<>();
    static KubernetesMockServer hub;
    static KubernetesClient hubClient;
    static PkiMaker.Issued root;
    static PkiMaker.Issued intermediate;
    static PkiMaker.Issued oldRoot;
    static PkiMaker.Issued newRoot;
    static PkiMaker.Issued cross;
    static PkiMaker.Issued shortIntermediate;
    static int unordered;
    static int addTrust;
    static int shortPath;

    @TempDir
    static Path repo;

    static Instant days(long d) {
        return NOW.plus(Duration.ofDays(d));
    }

    @BeforeAll
    static void start() throws Exception {
        root = PkiMaker.cert("Acme Private Root").ca().valid(days(-1000), days(3000)).issue();
        intermediate = PkiMaker.cert("Acme Issuing CA 1").ca().issuer(root).valid(days(-500), days(1500)).issue();
        var leaf = PkiMaker.cert("grpc.acme.internal").issuer(intermediate).dns("grpc.acme.internal")
                .keys(PkiMaker.rsa(2048)).valid(days(-30), days(60)).issue();
        // TLS 1.3, leaf first, then the root, then the intermediate that links them
        unordered = serve(leaf, List.of(leaf.cert(), root.cert(), intermediate.cert()), "TLSv1.3");

        oldRoot = PkiMaker.cert("AddTrust External CA Root").ca().valid(days(-7000), days(-2000)).issue();
        var userTrustKeys = PkiMaker.rsa(2048);
        newRoot = PkiMaker.cert("USERTrust RSA Certification Authority").ca().keys(userTrustKeys)
                .valid(days(-4000), days(4000)).issue();
        cross = PkiMaker.cert("USERTrust RSA Certification Authority").ca().keys(userTrustKeys).issuer(oldRoot)
                .valid(days(-4000), days(-2000)).issue();
        var sectigo = PkiMaker.cert("Sectigo RSA Domain Validation Secure Server CA").ca().issuer(newRoot)
                .valid(days(-2000), days(2000)).issue();
        var shop = PkiMaker.cert("shop.acme.example").issuer(sectigo).dns("shop.acme.example")
                .keys(PkiMaker.rsa(2048)).valid(days(-30), days(200)).issue();
        addTrust = serve(shop, List.of(shop.cert(), sectigo.cert(), cross.cert()), "TLSv1.2");

        shortIntermediate = PkiMaker.cert("Acme Issuing CA 2").ca().issuer(root).valid(days(-360), days(5)).issue();
        var longLeaf = PkiMaker.cert("vault.acme.internal").issuer(shortIntermediate).dns("vault.acme.internal")
                .keys(PkiMaker.rsa(2048)).valid(days(-10), days(80)).issue();
        shortPath = serve(longLeaf, List.of(longLeaf.cert(), shortIntermediate.cert()), "TLSv1.3");

        Files.createDirectories(repo.resolve("certificates/cas"));
        Files.writeString(repo.resolve("certificates/cas/acme-root.pem"), root.pem());
        Files.writeString(repo.resolve("certificates/cas/public-and-old.pem"), newRoot.pem() + oldRoot.pem());

        hub = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        hub.init(InetAddress.getLoopbackAddress(), 0);
        hubClient = hub.createClient();
        hubClient.secrets().inNamespace("pki").resource(new SecretBuilder().withNewMetadata().withName("acme-root")
                .withNamespace("pki").endMetadata().addToData("ca.crt", PkiMaker.base64(root.pem())).build()).create();
        hubClient.configMaps().inNamespace("pki").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("acme-root").withNamespace("pki").endMetadata().addToData("bundle.pem", root.pem()).build())
                .create();
    }

    static int serve(PkiMaker.Issued leaf, List<X509Certificate> chain, String protocol) {
        var s = LoopbackTlsServer.start(LoopbackTlsServer.context(leaf.keys().getPrivate(), chain), false,
                InetAddress.getLoopbackAddress(), 0, protocol);
        servers.add(s);
        return s.port();
    }

    @AfterAll
    static void stop() {
        servers.forEach(LoopbackTlsServer::close);
        if (hubClient != null) hubClient.close();
        if (hub != null) hub.destroy();
    }

    static List<Finding> run(List<Endpoint> endpoints) throws Exception {
        var fleet = Resource.of(Kind.FLEET, "acme", new FleetSpec("UTC", List.of("prod"), false, Map.of(), null,
                null, null, null, null, null, null));
        var hubCluster = Resource.of(Kind.CLUSTER, "hub", new ClusterSpec("prod",
                new ClusterSpec.Connection(null, null, false, null, null, null), null, List.of(), List.of()));
        var policy = Resource.of(Kind.CERTIFICATE_POLICY, "endpoints", new CertificatePolicySpec(
                new ClusterSelector(List.of("none"), List.of(), Map.of()), endpoints, null, 30, 7, null, null, 3));
        var state = new DesiredState(repo, "test", fleet, List.of(hubCluster), List.of(), List.of(), List.of(),
                List.of(policy), List.of());
        var platform = new Platform(new StaticKubeClients(Map.of("hub", hubClient)), null, null, null, Notifier.NONE,
                new MemoryStateStore(), SecretSource.of(Map.of()));
        var ctx = new ChoreContext("certs", state, platform, Clock.fixed(NOW, ZoneOffset.UTC), true,
                SafetyLimit.unlimited(), AuditLog.NONE, null);
        ChoreRunner.Outcome<CertPlan> o = ChoreRunner.run(new CertsChore(), ctx, 1);
        assertThat(o.partitions()).singleElement().satisfies(p -> assertThat(p.isFailed()).isFalse());
        CertPlan plan = o.partitions().getFirst().data();
        return plan.findings();
    }

    static Endpoint ep(int port, String name, CaBundle bundle) {
        return new Endpoint("127.0.0.1", port, name, bundle);
    }

    static Finding at(List<Finding> all, int port, String item) {
        return all.stream().filter(f -> f.name().equals("127.0.0.1:" + port) && f.item().equals(item)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + port + "[" + item + "] in "
                        + all.stream().map(Finding::location).toList()));
    }

    static CaBundle file(String f) {
        return new CaBundle(f, null, null);
    }

    @Test
    void anUnorderedTls13ChainVerifiesAgainstThePrivateCaFromTheRepo() throws Exception {
        var all = run(List.of(ep(unordered, "grpc.acme.internal", file("certificates/cas/acme-root.pem"))));
        Finding leaf = at(all, unordered, "chain#0");
        assertThat(leaf.flags()).isEmpty();
        assertThat(leaf.severity()).isEqualTo(Severity.OK);
        assertThat(leaf.daysLeft()).isEqualTo(60);
    }

    @Test
    void withoutItsCaBundleAPrivateCaEndpointIsNotTrusted() throws Exception {
        // the JDK's public anchors do not know Acme Private Root: the old behaviour for every private endpoint
        var all = run(List.of(ep(unordered, "grpc.acme.internal", null)));
        Finding leaf = at(all, unordered, "chain#0");
        assertThat(leaf.flagCodes()).isEqualTo("CHAIN_NOT_VERIFYING");
        assertThat(leaf.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void theCaBundleCanComeFromASecretOrAConfigMapOfANamedCluster() throws Exception {
        var all = run(List.of(
                ep(unordered, "grpc.acme.internal", new CaBundle(null, new ObjectKey("hub", "pki", "acme-root",
                        "ca.crt"), null)),
                new Endpoint("localhost", unordered, "grpc.acme.internal", new CaBundle(null, null,
                        new ObjectKey("hub", "pki", "acme-root", "bundle.pem")))));
        assertThat(all.stream().filter(f -> f.item().equals("chain#0")).toList()).hasSize(2)
                .allSatisfy(f -> assertThat(f.flags()).as(f.location()).isEmpty());
    }

    @Test
    void aMissingBundleIsAProblemLineAndTheEndpointIsStillJudgedOnDates() throws Exception {
        var fleet = run(List.of(ep(unordered, "grpc.acme.internal", new CaBundle(null,
                new ObjectKey("hub", "pki", "no-such-secret", "ca.crt"), null))));
        assertThat(at(fleet, unordered, "chain#0").daysLeft()).isEqualTo(60);
        assertThat(at(fleet, unordered, "chain#0").flags()).isEmpty();
    }

    @Test
    void anExpiredCrossSignedRootTheServerStillSendsIsAWarningNotAnExpiredEndpoint() throws Exception {
        var all = run(List.of(ep(addTrust, "shop.acme.example", file("certificates/cas/public-and-old.pem"))));
        Finding leaf = at(all, addTrust, "chain#0");
        assertThat(leaf.flags()).as(leaf.reason()).isEmpty();
        assertThat(leaf.severity()).isEqualTo(Severity.OK);
        Finding extra = at(all, addTrust, "chain#2");
        assertThat(extra.subject()).isEqualTo("CN=USERTrust RSA Certification Authority");
        assertThat(extra.severity()).isEqualTo(Severity.WARNING);
        assertThat(extra.flagCodes()).isEqualTo("UNUSED_CERT_EXPIRING");
        assertThat(all).noneMatch(f -> f.severity() == Severity.EXPIRED || f.severity() == Severity.CRITICAL);
    }

    @Test
    void whenOnlyTheExpiredCrossSignPathExistsTheEndpointIsExpired() throws Exception {
        // trust only the old root: the one path left runs through the expired cross-signed certificate
        Files.writeString(repo.resolve("certificates/cas/old-only.pem"), oldRoot.pem());
        var all = run(List.of(ep(addTrust, "shop.acme.example", file("certificates/cas/old-only.pem"))));
        Finding leaf = at(all, addTrust, "chain#0");
        assertThat(leaf.severity()).as(leaf.reason()).isEqualTo(Severity.EXPIRED);
        assertThat(leaf.reason()).contains("set by");
        assertThat(leaf.flags()).noneMatch(f -> f.code() == Flag.Code.CHAIN_NOT_VERIFYING);
    }

    @Test
    void theLeafReportsTheEarliestExpiryOfTheBuiltPath() throws Exception {
        var all = run(List.of(ep(shortPath, "vault.acme.internal", file("certificates/cas/acme-root.pem"))));
        Finding leaf = at(all, shortPath, "chain#0");
        assertThat(leaf.daysLeft()).isEqualTo(5);
        assertThat(leaf.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(leaf.reason()).contains("CN=Acme Issuing CA 2");
        assertThat(leaf.notAfter()).isEqualTo(shortIntermediate.cert().getNotAfter().toInstant());
    }

    @Test
    void aBundleFileOutsideTheRepoIsRefused() throws Exception {
        Path outside = Files.createTempFile("outside", ".pem");
        Files.writeString(outside, root.pem());
        Files.createSymbolicLink(repo.resolve("certificates/cas/link.pem"), outside);
        for (String f : List.of("../" + outside.getFileName(), outside.toString(), "certificates/cas/link.pem")) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> CaBundles.fromFile(repo, f)))
                    .as(f).isInstanceOf(CaBundles.BundleException.class)
                    .hasMessageNotContaining("BEGIN CERTIFICATE");
        }
        var all = run(List.of(ep(unordered, "grpc.acme.internal", file("certificates/cas/link.pem"))));
        assertThat(at(all, unordered, "chain#0").flags()).as("chain not checked, not wrongly trusted").isEmpty();
    }
}
