package io.kubechores.certs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.platform.Platform;
import io.kubechores.platform.aws.AwsAccess;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.HttpNotifier;
import io.kubechores.testkit.aws.S3Simulation;
import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kops clusters: the job reads the kops state store on a simulated S3 ({@link S3Simulation}: path-style REST,
 * ListObjectsV2 XML, GetObject, NoSuchKey/AccessDenied error bodies, SigV4 checked) laid out the way kops writes it
 * ({@link KopsStoreSeed}; kubernetes/kops upup/pkg/fi/vfs_castore.go), and judges the keysets that took the seeds'
 * clusters down. Three clusters: a kOps ≥ 1.22 store (private/ bundles, a stale issued/ bundle from before the
 * upgrade, a rotated etcd-manager CA with a distrusted old key) whose etcd-clients-ca expires in 9 days; a kops ≤ 1.10
 * store (issued/NAME/ID.crt) of a cluster whose API no longer answers; a store the runner may not read.
 */
class KopsCertsIT {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final String BUCKET = "acme-kops-state";
    static final String AK = "AKIAKOPSREADER0EXAMP";
    static final String SK = "kopsReaderSecretKey/EXAMPLE0000000000000";

    static WireMockServer wire;
    static S3Simulation s3;
    static KubernetesMockServer api;
    static KubernetesClient client;
    static KubernetesClient dead;
    static PkiMaker.Issued etcdClientsCa;
    static PkiMaker.Issued legacyCa;
    static PkiMaker.Issued oldLegacyCa;

    @TempDir
    Path out;

    static Instant days(double d) {
        return NOW.plus(Duration.ofMinutes((long) (d * 24 * 60)));
    }

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3Simulation().credentials(AK, SK).pageSize(4); // several ListObjectsV2 pages per cluster
        wire = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(s3));
        wire.start();
        s3.install(wire);
        wire.stubFor(post(urlEqualTo("/services/T000/B000/KOPS")).willReturn(aResponse().withStatus(200).withBody("ok")));
        s3.bucket(BUCKET, "eu-west-1");

        // kOps >= 1.22 store of k8s.prod.acme.example under the prefix "fleet"
        String prod = "fleet/k8s.prod.acme.example";
        var kubernetesCa = PkiMaker.cert("kubernetes-ca").ca().valid(days(-400), days(3250)).issue();
        etcdClientsCa = PkiMaker.cert("etcd-clients-ca").ca().valid(days(-356), days(9)).issue();
        var staleIssued = PkiMaker.cert("etcd-clients-ca").ca().valid(days(-800), days(-20)).issue();
        var peers = PkiMaker.cert("etcd-peers-ca-main").ca().valid(days(-356), days(3300)).issue();
        var managerOld = PkiMaker.cert("etcd-manager-ca-main").ca().valid(days(-730), days(-1)).issue();
        var managerNew = PkiMaker.cert("etcd-manager-ca-main").ca().valid(days(-30), days(3620)).issue();
        KopsStoreSeed.privateBundle(s3, BUCKET, prod, "kubernetes-ca", KopsStoreSeed.key(kubernetesCa));
        KopsStoreSeed.privateBundle(s3, BUCKET, prod, "etcd-clients-ca", KopsStoreSeed.key(etcdClientsCa));
        KopsStoreSeed.issuedBundle(s3, BUCKET, prod, "etcd-clients-ca", KopsStoreSeed.key(staleIssued));
        KopsStoreSeed.privateBundle(s3, BUCKET, prod, "etcd-peers-ca-main", KopsStoreSeed.key(peers));
        KopsStoreSeed.privateBundle(s3, BUCKET, prod, "etcd-manager-ca-main", KopsStoreSeed.key(managerNew),
                KopsStoreSeed.distrusted(managerOld, days(-10)));
        s3.put(BUCKET, prod + "/config", "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\n");
        s3.put(BUCKET, prod + "/pki/ssh/public/admin/1a2b3c", "ssh-rsa AAAA admin");

        // kops <= 1.10 store of legacy.acme.example at the bucket root: one file per key
        oldLegacyCa = PkiMaker.cert("kubernetes").ca().valid(days(-3000), days(-300)).issue();
        legacyCa = PkiMaker.cert("kubernetes").ca().valid(days(-300), days(3350)).issue();
        var master = PkiMaker.cert("kubernetes-master").issuer(legacyCa).valid(days(-360), days(5)).issue();
        KopsStoreSeed.legacyFiles(s3, BUCKET, "legacy.acme.example", "ca", oldLegacyCa);
        KopsStoreSeed.legacyFiles(s3, BUCKET, "legacy.acme.example", "ca", legacyCa);
        KopsStoreSeed.legacyFiles(s3, BUCKET, "legacy.acme.example", "master", master);

        // a store the runner's role may not read (bucket policy)
        KopsStoreSeed.privateBundle(s3, BUCKET, "fleet/k8s.secret.acme.example", "kubernetes-ca",
                KopsStoreSeed.key(kubernetesCa));
        s3.deny(BUCKET, "fleet/k8s.secret.acme.example/");

        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        int closedPort;
        try (ServerSocket sock = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = sock.getLocalPort();
        }
        dead = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(1000).withRequestTimeout(1000).build()).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (dead != null) dead.close();
        if (api != null) api.destroy();
        if (wire != null) wire.stop();
    }

    @BeforeEach
    void forgetRequests() {
        wire.resetRequests();
        s3.clearRequests();
    }

    static Resource<ClusterSpec> cluster(String name, ClusterSpec.Kops kops) {
        return Resource.of(Kind.CLUSTER, name, new ClusterSpec("prod",
                new ClusterSpec.Connection(null, null, false, null, null, null),
                new ClusterSpec.AwsPlacement("222222222222", "eu-west-1"), List.of(), List.of(), kops));
    }

    ChoreContext ctx() {
        return ctx(List.of());
    }

    ChoreContext ctx(List<Resource<CertificatePolicySpec>> morePolicies) {
        var fleet = Resource.of(Kind.FLEET, "acme", new FleetSpec("UTC", List.of("prod"), false, Map.of(), null, null,
                new FleetSpec.Notifications("KUBECHORES_SLACK_WEBHOOK", "#platform-alerts", null), null, null,
                null, null));
        List<Resource<ClusterSpec>> clusters = List.of(
                cluster("prod-kops", new ClusterSpec.Kops("s3://" + BUCKET + "/fleet", "k8s.prod.acme.example",
                        null, null)),
                cluster("legacy.acme.example", new ClusterSpec.Kops("s3://" + BUCKET, null, "eu-west-1", null)),
                cluster("secret-kops", new ClusterSpec.Kops("s3://" + BUCKET + "/fleet", "k8s.secret.acme.example",
                        null, null)));
        // Secrets and the kops store only: what this test is about
        var scan = new CertificatePolicySpec.Scan(true, false, false, false, false, false, false, false, false, true);
        var policy = Resource.of(Kind.CERTIFICATE_POLICY, "kops-certs", new CertificatePolicySpec(null, List.of(),
                scan, 30, 7, List.of(), List.of(), 2));
        List<Resource<CertificatePolicySpec>> policies = new ArrayList<>(List.of(policy));
        policies.addAll(morePolicies);
        var state = new DesiredState(Path.of("."), "test", fleet, clusters, List.of(), List.of(), List.of(),
                policies, List.of());
        SecretSource secrets = SecretSource.of(Map.of("KUBECHORES_SLACK_WEBHOOK",
                wire.baseUrl() + "/services/T000/B000/KOPS"));
        var aws = new AwsAccess(wire.baseUrl(), StaticCredentialsProvider.create(AwsBasicCredentials.create(AK, SK)),
                null);
        var platform = new Platform(new StaticKubeClients(Map.of("prod-kops", client, "legacy.acme.example", dead,
                "secret-kops", client)), null, aws, null, HttpNotifier.fromFleet(state.fleetSpec().notifications(),
                secrets), new MemoryStateStore(), secrets);
        return new ChoreContext("certs", state, platform, Clock.fixed(NOW, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
    }

    /** The findings as a user reads them: the JSON report (independent of the chore's internal result types). */
    static List<JsonNode> findings(ChoreRunner.Outcome<?> o) throws Exception {
        Path json = o.report().artifacts().stream().filter(p -> p.toString().endsWith("certs-findings.json"))
                .findFirst().orElseThrow();
        JsonNode root = new ObjectMapper().readTree(Files.readString(json));
        return StreamSupport.stream(root.get("findings").spliterator(), false).toList();
    }

    static List<JsonNode> at(List<JsonNode> all, String cluster, String name) {
        return all.stream().filter(f -> f.get("cluster").asText().equals(cluster) && f.get("name").asText().equals(name)
                && f.get("source").asText().equalsIgnoreCase("kops")).toList();
    }

    /**
     * Issue 19: with several CertificatePolicies selecting a cluster the strictest thresholds apply (largest
     * warningDays/criticalDays), in the findings and in the HTML report's timeline lines alike (it used to draw the
     * first policy's). A policy selecting no cluster of the run takes no part.
     */
    @Test
    void theStrictestOfTheSelectingPoliciesJudgesAndTheReportDrawsItsThresholds() throws Exception {
        var scan = new CertificatePolicySpec.Scan(false, false, false, false, false, false, false, false, false, true);
        var strict = Resource.of(Kind.CERTIFICATE_POLICY, "team-etcd-strict", new CertificatePolicySpec(
                new io.kubechores.desiredstate.ClusterSelector(List.of("prod-kops"), List.of(), Map.of()), List.of(),
                scan, 60, 14, List.of(), List.of(), 2));
        var unrelated = Resource.of(Kind.CERTIFICATE_POLICY, "other-fleet", new CertificatePolicySpec(
                new io.kubechores.desiredstate.ClusterSelector(List.of(), List.of("staging"), Map.of()), List.of(),
                scan, 365, 90, List.of(), List.of(), 2));
        var o = ChoreRunner.run(new CertsChore(100, 8), ctx(List.of(strict, unrelated)), 3);

        JsonNode ca = at(findings(o), "prod-kops", "etcd-clients-ca").getFirst();
        assertThat(ca.get("severity").asText()).as("9 days ≤ 14 (team-etcd-strict)").isEqualTo("CRITICAL");
        assertThat(ca.get("policy").asText()).isEqualTo("kops-certs+team-etcd-strict");
        assertThat(at(findings(o), "legacy.acme.example", "master").getFirst().get("policy").asText())
                .isEqualTo("kops-certs");
        String html = Files.readString(o.report().artifacts().stream()
                .filter(p -> p.toString().endsWith(".html")).findFirst().orElseThrow());
        // by name the first policy is kops-certs (30/7): the report used to draw its lines
        assertThat(html).contains("warning 60 d", "critical 14 d").doesNotContain("warning 30 d", "warning 365 d");
    }

    @Test
    void findsTheExpiringEtcdClientCaInTheKopsStateStoreAndAlertsWithItsBlastRadius() throws Exception {
        var o = ChoreRunner.run(new CertsChore(100, 8), ctx(), 3);
        List<JsonNode> all = findings(o);

        // kOps >= 1.22: the API server's etcd client CA, 9 days left: WARNING (warning ≤ 30 d, critical ≤ 7 d)
        List<JsonNode> clients = at(all, "prod-kops", "etcd-clients-ca");
        assertThat(clients).as("private/ bundle only: the stale issued/ copy (expired) is not judged").hasSize(1);
        JsonNode ca = clients.getFirst();
        assertThat(ca.get("severity").asText()).isEqualTo("WARNING");
        assertThat(ca.get("daysLeft").asLong()).isEqualTo(9);
        assertThat(ca.get("item").asText()).isEqualTo("primary " + etcdClientsCa.cert().getSerialNumber());
        assertThat(ca.get("subject").asText()).isEqualTo("CN=etcd-clients-ca");
        assertThat(ca.get("usedBy").get(0).asText()).contains("kube-apiserver's etcd client certificate");
        // the rotated etcd-manager CA: the distrusted, expired old key is not reported; the new primary is fine
        assertThat(at(all, "prod-kops", "etcd-manager-ca-main")).singleElement()
                .satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));
        assertThat(at(all, "prod-kops", "kubernetes-ca")).singleElement()
                .satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));
        assertThat(at(all, "prod-kops", "etcd-peers-ca-main")).hasSize(1);

        // kops <= 1.10 files, cluster API unreachable: the kops findings are still there, the API is a read error
        List<JsonNode> legacyCas = at(all, "legacy.acme.example", "ca");
        assertThat(legacyCas).extracting(f -> f.get("item").asText()).containsExactlyInAnyOrder(
                "primary " + legacyCa.cert().getSerialNumber(),
                "key " + oldLegacyCa.cert().getSerialNumber() + " (not primary)");
        // the expired secondary key the primary outlives is a clean-up, not an outage (rotate-secrets.md: distrust)
        assertThat(legacyCas).filteredOn(f -> f.get("item").asText().startsWith("key ")).singleElement()
                .satisfies(f -> {
                    assertThat(f.get("severity").asText()).isEqualTo("WARNING");
                    assertThat(f.get("reason").asText()).contains("secondary key", "kops distrust keypair ca");
                });
        assertThat(at(all, "legacy.acme.example", "master")).singleElement().satisfies(f -> {
            assertThat(f.get("severity").asText()).isEqualTo("CRITICAL");
            assertThat(f.get("usedBy").get(0).asText()).contains("kube-apiserver's serving certificate");
        });
        assertThat(o.partitions()).noneMatch(p -> p.isFailed());

        // the store the runner may not read is a blind spot that reaches Slack
        List<String> slack = wire.findAll(postRequestedFor(urlEqualTo("/services/T000/B000/KOPS"))).stream()
                .map(r -> r.getBodyAsString()).toList();
        assertThat(slack).hasSize(1);
        assertThat(slack.getFirst()).contains("`prod-kops/kops/etcd-clients-ca[primary ",
                "→ kube-apiserver's etcd client certificate (API server to etcd)",
                "`legacy.acme.example/kops/master[primary ",
                "`legacy.acme.example/scan/cluster`",
                "`secret-kops/scan/kops s3://" + BUCKET + "/fleet/k8s.secret.acme.example/pki/`", "AccessDenied");

        // only ListObjectsV2 and GetObject of keysets and certificates: never a legacy .key file, never ssh keys
        List<String> requests = s3.requests();
        assertThat(requests).allMatch(r -> r.startsWith("GET /" + BUCKET));
        assertThat(requests).noneMatch(r -> r.contains(".key") || r.contains("/ssh/") || r.endsWith("/config"));
        assertThat(requests).noneMatch(r -> r.contains("pki/issued/etcd-clients-ca"));
        assertThat(requests.stream().filter(r -> r.contains("list-type=2")).count())
                .as("ListObjectsV2 paginated: 4 keys per page").isGreaterThan(3);

        // no private key material anywhere a user (or a log shipper) can read
        List<String> texts = new ArrayList<>(slack);
        for (Path p : o.report().artifacts()) texts.add(Files.readString(p));
        texts.add(o.report().summary());
        o.partitions().forEach(p -> texts.addAll(p.warnings()));
        String privateB64 = KopsStoreSeed.b64(etcdClientsCa.keyPem());
        assertThat(texts).noneMatch(t -> t.contains("PRIVATE KEY") || t.contains(privateB64.substring(100, 160))
                || t.contains("privateMaterial"));
    }
}
