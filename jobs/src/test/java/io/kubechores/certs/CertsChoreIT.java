package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.kube.CertsKube;
import io.kubechores.platform.kube.PagingCrudDispatcher;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.HttpNotifier;
import io.kubechores.testkit.tls.LoopbackTlsServer;
import io.kubechores.platform.tls.TlsProber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job against a simulated cluster (fabric8 mock API server in CRUD mode, paging like a real one), real TLS
 * servers on loopback (etcd demanding a client certificate, one that never answers, a fleet endpoint with the wrong
 * name), WireMock as Slack webhook and Pushgateway. Certificates are made in the test with known dates.
 */
class CertsChoreIT {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final String CLUSTER = "prod-eu-1";

    static KubernetesMockServer server;
    static PagingCrudDispatcher dispatcher;
    static KubernetesClient client;
    static WireMockServer wire;
    static LoopbackTlsServer etcd;
    static LoopbackTlsServer silentEtcd;
    static LoopbackTlsServer endpoint;
    static PkiMaker.Issued clusterCa;
    static PkiMaker.Issued appCa;
    static PkiMaker.Issued webLeaf;
    static PkiMaker.Issued apiLeaf;

    @TempDir
    Path out;

    static Instant days(double d) {
        return NOW.plus(Duration.ofMinutes((long) (d * 24 * 60)));
    }

    @BeforeAll
    static void startEverything() throws Exception {
        clusterCa = PkiMaker.cert("kubernetes").ca().valid(days(-1000), days(2650)).issue();
        appCa = PkiMaker.cert("Acme Apps CA").ca().valid(days(-400), days(1500)).issue();
        var otherCa = PkiMaker.cert("Some Other CA").ca().valid(days(-400), days(1500)).issue();
        var clientCert = PkiMaker.cert("kubernetes-admin").issuer(clusterCa).valid(days(-100), days(200)).issue();
        webLeaf = PkiMaker.cert("web.shop.acme.example").issuer(appCa).dns("web.shop.acme.example")
                .valid(days(-80), days(3)).issue();
        apiLeaf = PkiMaker.cert("api.shop.acme.example").issuer(appCa).valid(days(-80), days(20)).issue();
        var oldLeaf = PkiMaker.cert("old.shop.acme.example").issuer(appCa).valid(days(-400), days(-2)).issue();
        var weak = PkiMaker.cert("legacy-weak").issuer(appCa).rsaBits(1024).valid(days(-10), days(300)).issue();
        var sha1 = PkiMaker.cert("legacy-sha1").issuer(appCa).signature("SHA1withRSA").valid(days(-10), days(300))
                .issue();
        var misissued = PkiMaker.cert("pay.acme.example").issuer(appCa).valid(days(-10), days(300)).issue();
        var sandbox = PkiMaker.cert("sandbox.acme.example").issuer(appCa).valid(days(-10), days(1)).issue();
        var webhookCa = PkiMaker.cert("policy-webhook-ca").ca().valid(days(-300), days(6)).issue();
        var metricsCa = PkiMaker.cert("metrics-server-ca").ca().valid(days(-300), days(25)).issue();
        var conversionCa = PkiMaker.cert("cert-manager-webhook-ca").ca().valid(days(-30), days(400)).issue();
        var etcdLeaf = PkiMaker.cert("etcd-server").issuer(clusterCa).ip("127.0.0.1").keys(PkiMaker.rsa(2048))
                .valid(days(-265), days(100)).issue();
        var wrongName = PkiMaker.cert("www.acme.example").dns("www.acme.example").keys(PkiMaker.rsa(2048))
                .valid(days(-10), days(80)).issue();

        etcd = LoopbackTlsServer.start(etcdLeaf.keys().getPrivate(), List.of(etcdLeaf.cert(), clusterCa.cert()), true);
        silentEtcd = LoopbackTlsServer.silent();
        endpoint = LoopbackTlsServer.start(wrongName.keys().getPrivate(), List.of(wrongName.cert()), false);

        dispatcher = new PagingCrudDispatcher();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true); // https: the API server is probed too
        server.init();
        // the kubeconfig of a simulated cluster: the client's Config carries the CA data and client certificate
        var cfg = new ConfigBuilder(server.createClient().getConfiguration())
                .withCaCertData(PkiMaker.base64(clusterCa.pem()))
                .withClientCertData(PkiMaker.base64(clientCert.pem()))
                .withClientKeyData(PkiMaker.base64(clientCert.keyPem()))
                .build();
        client = new KubernetesClientBuilder().withConfig(cfg).build();

        tls("shop", "web-tls", webLeaf.pem() + appCa.pem(), appCa.pem());
        tls("shop", "api-tls", apiLeaf.pem(), appCa.pem());
        tls("shop", "old-tls", oldLeaf.pem(), null);
        tls("payments", "pay-tls", misissued.pem(), otherCa.pem());
        tls("sandbox", "sandbox-tls", sandbox.pem(), null);
        client.secrets().inNamespace("payments").resource(new SecretBuilder().withNewMetadata()
                .withName("legacy-bundle").withNamespace("payments").endMetadata().withType("Opaque")
                .addToData("bundle.pem", PkiMaker.base64(weak.pem() + sha1.pem()))
                .addToData("password", PkiMaker.base64("not a certificate")).build()).create();
        for (int i = 0; i < 25; i++) {
            client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata()
                    .withName("config-" + i).withNamespace("shop").endMetadata().withType("Opaque")
                    .addToData("value", PkiMaker.base64("plain " + i)).build()).create();
        }
        client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("trusted-cas").withNamespace("kube-system").endMetadata()
                .addToData("ca-bundle.crt", clusterCa.pem() + appCa.pem()).build()).create();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(
                new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName("policy-webhook").endMetadata()
                        .addNewWebhook().withName("validate.policy.acme.example").withAdmissionReviewVersions("v1")
                        .withSideEffects("None").withNewClientConfig().withCaBundle(PkiMaker.base64(webhookCa.pem()))
                        .withUrl("https://policy.acme.example/validate").endClientConfig().endWebhook().build())
                .create();
        GenericKubernetesResource apiService = new GenericKubernetesResourceBuilder()
                .withApiVersion("apiregistration.k8s.io/v1").withKind("APIService")
                .withNewMetadata().withName("v1beta1.metrics.k8s.io").endMetadata()
                .addToAdditionalProperties("spec", Map.of("group", "metrics.k8s.io", "version", "v1beta1",
                        "caBundle", PkiMaker.base64(metricsCa.pem()),
                        "service", Map.of("name", "metrics-server", "namespace", "kube-system")))
                .build();
        client.genericKubernetesResources(CertsKube.API_SERVICES).resource(apiService).create();
        String crd = resource("certs/cert-manager-crd.yaml").replace("CA_BUNDLE", PkiMaker.base64(conversionCa.pem()));
        client.load(new java.io.ByteArrayInputStream(crd.getBytes(StandardCharsets.UTF_8))).create();
        try (InputStream in = CertsChoreIT.class.getClassLoader()
                .getResourceAsStream("certs/cert-manager-certificates.yaml")) {
            for (var r : client.load(in).items()) {
                client.genericKubernetesResources(CertsKube.CERT_MANAGER_CERTIFICATES).inNamespace("shop")
                        .resource((GenericKubernetesResource) r).create();
            }
        }

        wire = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wire.start();
    }

    static void tls(String ns, String name, String crt, String ca) {
        var b = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withType("kubernetes.io/tls").addToData("tls.crt", PkiMaker.base64(crt))
                .addToData("tls.key", PkiMaker.base64("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"));
        if (ca != null) b.addToData("ca.crt", PkiMaker.base64(ca));
        client.secrets().inNamespace(ns).resource(b.build()).create();
    }

    static String resource(String name) throws Exception {
        try (InputStream in = CertsChoreIT.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stopEverything() {
        if (client != null) client.close();
        if (server != null) server.destroy();
        if (wire != null) wire.stop();
        for (var s : new LoopbackTlsServer[]{etcd, silentEtcd, endpoint}) if (s != null) s.close();
    }

    @BeforeEach
    void resetWireMock() {
        wire.resetAll();
        wire.stubFor(post(urlEqualTo("/services/T000/B000/XXXX")).willReturn(aResponse().withStatus(200).withBody("ok")));
        wire.stubFor(put(urlEqualTo("/metrics/job/kubechores_certs")).willReturn(aResponse().withStatus(200)));
        dispatcher.listPaths.clear();
    }

    static DesiredState state() {
        return state(List.of());
    }

    static DesiredState state(List<String> moreClusters) {
        var fleet = Resource.of(Kind.FLEET, "acme", new FleetSpec("UTC", List.of("prod"), false, Map.of(), null, null,
                new FleetSpec.Notifications("KUBECHORES_SLACK_WEBHOOK", "#platform-alerts", wire.baseUrl()), null, null,
                null, null));
        var cluster = Resource.of(Kind.CLUSTER, CLUSTER, new ClusterSpec("prod",
                new ClusterSpec.Connection(null, null, false, null, null, null),
                new ClusterSpec.AwsPlacement("222222222222", "eu-central-1"), List.of(),
                List.of("127.0.0.1:" + etcd.port(), "127.0.0.1:" + silentEtcd.port())));
        var policy = Resource.of(Kind.CERTIFICATE_POLICY, "cluster-certs", new CertificatePolicySpec(null,
                List.of(new CertificatePolicySpec.Endpoint("127.0.0.1", endpoint.port(), "api.acme.example")),
                null, 30, 7, List.of(new CertificatePolicySpec.Override("etcd", 120, null)),
                List.of(new CertificatePolicySpec.Exclusion(null, "sandbox", null, null)), 2));
        List<Resource<ClusterSpec>> clusters = new java.util.ArrayList<>(List.of(cluster));
        for (String name : moreClusters) {
            clusters.add(Resource.of(Kind.CLUSTER, name, new ClusterSpec("prod",
                    new ClusterSpec.Connection(null, null, false, null, null, null), null, List.of(), List.of())));
        }
        return new DesiredState(Path.of("."), "test", fleet, clusters, List.of(), List.of(), List.of(),
                List.of(policy), List.of());
    }

    ChoreContext ctx(MemoryStateStore store, Instant at, boolean dryRun) {
        return ctx(store, at, dryRun, state(), Map.of(CLUSTER, client));
    }

    ChoreContext ctx(MemoryStateStore store, Instant at, boolean dryRun, DesiredState s,
                     Map<String, KubernetesClient> clients) {
        SecretSource secrets = SecretSource.of(Map.of("KUBECHORES_SLACK_WEBHOOK",
                wire.baseUrl() + "/services/T000/B000/XXXX"));
        var platform = new Platform(new StaticKubeClients(clients), null, null, null,
                HttpNotifier.fromFleet(s.fleetSpec().notifications(), secrets), store, secrets);
        return new ChoreContext("certs", s, platform, Clock.fixed(at, ZoneOffset.UTC), dryRun,
                SafetyLimit.unlimited(), AuditLog.NONE, out.resolve(at.toString().replace(':', '-')));
    }

    static List<Finding> findings(ChoreRunner.Outcome<?> o) {
        return o.partitions().stream().filter(p -> !p.isFailed())
                .flatMap(p -> ((CertPlan) p.data()).findings().stream()).toList();
    }

    static Finding find(List<Finding> all, String name, String itemPrefix) {
        return all.stream().filter(f -> f.name().equals(name) && f.item().startsWith(itemPrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no finding " + name + "[" + itemPrefix + "] in "
                        + all.stream().map(Finding::location).toList()));
    }

    @Test
    void findsEveryKindOfCertificateAndJudgesIt() throws Exception {
        long t0 = System.nanoTime();
        ChoreRunner.Outcome<?> o = ChoreRunner.run(new CertsChore(10, 16), ctx(new MemoryStateStore(), NOW, false), 2);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(o.partitions()).extracting(p -> p.partition()).containsExactly(CLUSTER, CertsChore.ENDPOINTS);
        assertThat(o.partitions()).allMatch(p -> !p.isFailed());
        assertThat(ms).as("the silent etcd costs its 2 s timeout, not more").isLessThan(30_000);
        List<Finding> all = findings(o);

        assertThat(find(all, "web-tls", "tls.crt#0").severity()).isEqualTo(Severity.CRITICAL);
        assertThat(find(all, "web-tls", "tls.crt#0").flags()).isEmpty();
        assertThat(find(all, "api-tls", "tls.crt#0").severity()).isEqualTo(Severity.WARNING);
        assertThat(find(all, "old-tls", "tls.crt#0").severity()).isEqualTo(Severity.EXPIRED);
        assertThat(find(all, "pay-tls", "tls.crt#0").flagCodes()).contains("CHAIN_NOT_VERIFYING");
        assertThat(all).noneMatch(f -> f.namespace().equals("sandbox"));
        assertThat(find(all, "legacy-bundle", "bundle.pem#0").flagCodes()).isEqualTo("WEAK_RSA_KEY");
        assertThat(find(all, "legacy-bundle", "bundle.pem#1").flagCodes()).isEqualTo("SHA1_SIGNATURE");
        assertThat(all).filteredOn(f -> f.source() == CertSource.CONFIGMAP).extracting(Finding::subject)
                .containsExactlyInAnyOrder("CN=kubernetes", "CN=Acme Apps CA");
        assertThat(find(all, "policy-webhook", "validate.policy.acme.example").severity())
                .isEqualTo(Severity.CRITICAL);
        assertThat(find(all, "v1beta1.metrics.k8s.io", "caBundle").severity()).isEqualTo(Severity.WARNING);
        assertThat(find(all, "certificates.cert-manager.io", "conversion").severity()).isEqualTo(Severity.OK);
        assertThat(find(all, "kubeconfig", "certificate-authority").subject()).isEqualTo("CN=kubernetes");
        assertThat(find(all, "kubeconfig", "client-certificate").flags()).isEmpty();
        Finding cm = find(all, "web", "secret web-cm-tls");
        assertThat(cm.source()).isEqualTo(CertSource.CERT_MANAGER);
        assertThat(cm.flagCodes()).isEqualTo("CERT_MANAGER_NOT_READY,RENEWAL_OVERDUE");
        assertThat(find(all, "healthy", "secret").severity()).isEqualTo(Severity.OK);

        // etcd demands a client certificate: its chain is captured anyway, verifies against the kubeconfig CA,
        // and the etcd override (warning 120 d) makes 100 days a warning
        Finding etcdLeaf = find(all, "127.0.0.1:" + etcd.port(), "chain#0");
        assertThat(etcdLeaf.source()).isEqualTo(CertSource.ETCD);
        assertThat(etcdLeaf.subject()).isEqualTo("CN=etcd-server");
        assertThat(etcdLeaf.flags()).isEmpty();
        assertThat(etcdLeaf.severity()).isEqualTo(Severity.WARNING);
        assertThat(o.partitions().getFirst().warnings())
                .anyMatch(w -> w.contains("etcd 127.0.0.1:" + silentEtcd.port()) && w.contains("no TLS answer"));

        // the API server (the mock's own self-signed serving certificate) is probed, and does not verify against
        // the kubeconfig CA
        Finding api = all.stream().filter(f -> f.source() == CertSource.APISERVER && f.item().equals("chain#0"))
                .findFirst().orElseThrow();
        assertThat(api.name()).endsWith(":" + server.getPort());
        assertThat(api.flagCodes()).contains("CHAIN_NOT_VERIFYING");

        Finding ep = find(all, "127.0.0.1:" + endpoint.port(), "chain#0");
        assertThat(ep.cluster()).isEqualTo("-");
        assertThat(ep.flagCodes()).isEqualTo("CHAIN_NOT_VERIFYING,HOSTNAME_MISMATCH");

        // paged: 25+ secrets with page size 10 took several requests with continue tokens
        assertThat(dispatcher.listPaths).filteredOn(p -> p.contains("/secrets")).hasSizeGreaterThanOrEqualTo(4)
                .anyMatch(p -> p.contains("continue=10")).allMatch(p -> p.contains("limit=10"));

        // reports
        Path html = o.report().artifacts().stream().filter(p -> p.toString().endsWith(".html")).findFirst()
                .orElseThrow();
        assertThat(Files.readString(html)).contains("<svg", "web-tls", "RENEWAL_OVERDUE")
                .doesNotContain("c2VjcmV0");
        assertThat(o.report().summary()).contains("policy-webhook");
        String consoleTable = o.report().summary();
        assertThat(consoleTable.indexOf("old-tls")).as("sorted by expiry").isLessThan(consoleTable.indexOf("web-tls"));
    }

    @Test
    void alertsOnlyNewOrChangedFindingsAcrossRuns() throws Exception {
        MemoryStateStore store = new MemoryStateStore();
        CertsChore chore = new CertsChore(100, 16);

        ChoreRunner.run(chore, ctx(store, NOW, false), 2);
        List<LoggedRequest> first = wire.findAll(postRequestedFor(urlEqualTo("/services/T000/B000/XXXX")));
        assertThat(first).hasSize(1);
        String text = first.getFirst().getBodyAsString();
        assertThat(text).contains("api-tls", "web-tls", "old-tls", "policy-webhook", "RENEWAL_OVERDUE")
                .doesNotContain("sandbox");

        wire.resetRequests();
        ChoreRunner.Outcome<?> second = ChoreRunner.run(chore, ctx(store, NOW.plus(Duration.ofHours(1)), false), 2);
        assertThat(wire.findAll(postRequestedFor(urlEqualTo("/services/T000/B000/XXXX")))).isEmpty();
        assertThat(second.report().actions()).anyMatch(a -> a.verb().equals("alert")
                && a.status() == io.kubechores.core.Action.Status.UNCHANGED);

        // 15 days later api-tls (20 d) is critical: it is posted again, with what it was
        wire.resetRequests();
        ChoreRunner.run(chore, ctx(store, NOW.plus(Duration.ofDays(15)), false), 2);
        List<LoggedRequest> third = wire.findAll(postRequestedFor(urlEqualTo("/services/T000/B000/XXXX")));
        assertThat(third).hasSize(1);
        assertThat(third.getFirst().getBodyAsString()).contains("api-tls").contains("(was WARNING)");
    }

    @Test
    void pushesNotAfterSecondsPerCertificateToThePushgateway() throws Exception {
        ChoreRunner.run(new CertsChore(100, 16), ctx(new MemoryStateStore(), NOW, false), 2);
        List<LoggedRequest> puts = wire.findAll(putRequestedFor(urlEqualTo("/metrics/job/kubechores_certs"))
                .withHeader("Content-Type", equalTo("text/plain; version=0.0.4; charset=utf-8")));
        assertThat(puts).hasSize(1);
        String fp = X509Facts.sha256(webLeaf.cert()).substring(0, 16);
        assertThat(puts.getFirst().getBodyAsString().lines()).contains(
                "# TYPE kubechores_certificate_expiration_timestamp_seconds gauge",
                "kubechores_certificate_expiration_timestamp_seconds{cluster=\"prod-eu-1\",source=\"tls-secret\","
                        + "subject=\"CN=web.shop.acme.example\",namespace=\"shop\",name=\"web-tls\",fingerprint=\""
                        + fp + "\"} " + webLeaf.cert().getNotAfter().toInstant().getEpochSecond(),
                "kubechores_certs_last_run_timestamp_seconds " + NOW.getEpochSecond());
    }

    @Test
    void aDryRunPrintsTheFindingsButPostsAndPushesNothing() throws Exception {
        MemoryStateStore store = new MemoryStateStore();
        ChoreRunner.Outcome<?> o = ChoreRunner.run(new CertsChore(100, 16), ctx(store, NOW, true), 2);
        assertThat(wire.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertThat(store.all("certs")).isEmpty();
        assertThat(o.report().summary()).contains("web-tls", "CRITICAL", "EXPIRED");
        assertThat(o.report().actions()).extracting(a -> a.verb() + ":" + a.status())
                .containsExactlyInAnyOrder("push-metrics:PLANNED", "alert:PLANNED");
    }

    @Test
    void anUnreachableClusterFailsAloneAndKeepsItsAlertState() throws Exception {
        int closedPort;
        try (var sock = new java.net.ServerSocket(0)) {
            closedPort = sock.getLocalPort();
        }
        try (KubernetesClient dead = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(1000).withRequestTimeout(1000).build()).build()) {
            MemoryStateStore store = new MemoryStateStore();
            store.put("certs", CertsChore.STATE_PREFIX + "prod-us-1|tls-secret|shop|x|abc", "CRITICAL");
            ChoreRunner.Outcome<?> o = ChoreRunner.run(new CertsChore(100, 16), ctx(store, NOW, false,
                    state(List.of("prod-us-1")), Map.of(CLUSTER, client, "prod-us-1", dead)), 2);
            assertThat(o.partitions()).filteredOn(p -> p.isFailed()).extracting(p -> p.partition())
                    .containsExactly("prod-us-1");
            assertThat(o.exitCode()).isEqualTo(3);
            assertThat(findings(o)).anyMatch(f -> f.name().equals("web-tls"));
            List<LoggedRequest> posts = wire.findAll(postRequestedFor(urlEqualTo("/services/T000/B000/XXXX")));
            assertThat(posts).hasSize(1);
            // the blind spot reaches Slack like a finding (issue 19), and so does the etcd member that never answers
            assertThat(posts.getFirst().getBodyAsString()).contains("`prod-us-1/scan/cluster`", "cannot read cluster",
                    "`prod-eu-1/scan/etcd 127.0.0.1:" + silentEtcd.port() + "`");
            String metrics = wire.findAll(putRequestedFor(urlEqualTo("/metrics/job/kubechores_certs"))).getFirst()
                    .getBodyAsString();
            assertThat(metrics.lines()).contains("kubechores_certs_scan_ok{cluster=\"prod-us-1\"} 0",
                    "kubechores_certs_scan_ok{cluster=\"prod-eu-1\"} 0",
                    "kubechores_certs_read_errors{cluster=\"prod-eu-1\",source=\"etcd\"} 1",
                    "kubechores_certs_read_errors{cluster=\"prod-us-1\",source=\"cluster\"} 1");
            assertThat(store.all("certs")).containsEntry(CertsChore.STATE_PREFIX + "prod-us-1|tls-secret|shop|x|abc",
                    "CRITICAL");
            assertThat(store.all("certs")).containsKey(CertsChore.STATE_PREFIX + "prod-us-1|scan|cluster||");
            assertThat(Files.readString(o.report().artifacts().stream()
                    .filter(p -> p.toString().endsWith(".html")).findFirst().orElseThrow()))
                    .contains("Failed partitions", "prod-us-1");
        }
    }
}
