package io.kubechores.certs;

import io.kubechores.testkit.tls.PkiMaker;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubechores.desiredstate.CertificatePolicySpec;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.platform.kube.CertsKube;
import io.kubechores.testkit.tls.LoopbackTlsServer;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node PKI without a DaemonSet: the job reads each Node's address and kubelet port from the API (Node
 * status.addresses type InternalIP, status.daemonEndpoints.kubeletEndpoint.Port — what the API server itself uses to
 * reach the kubelet, 10250 by default; Kubernetes API reference, Node v1 NodeStatus / NodeDaemonEndpoints) and probes
 * the serving certificate. Simulated kubelets are loopback TLS servers that request a client certificate, as the
 * kubelet does (x509 client auth); one of them is the self-signed "hostname@timestamp" kind a kubelet makes without
 * serverTLSBootstrap, one never answers.
 */
class KubeletCertsIT {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static KubernetesMockServer server;
    static KubernetesClient client;
    static LoopbackTlsServer rotated;
    static LoopbackTlsServer selfSigned;
    static LoopbackTlsServer silent;

    @BeforeAll
    static void start() {
        var ca = PkiMaker.cert("kubernetes").ca().valid(NOW.minus(Duration.ofDays(900)), NOW.plus(Duration.ofDays(2700)))
                .issue();
        var serving = PkiMaker.cert("system:node:ip-10-0-1-17.ec2.internal").issuer(ca).ip("127.0.0.1")
                .keys(PkiMaker.rsa(2048)).valid(NOW.minus(Duration.ofDays(20)), NOW.plus(Duration.ofDays(345))).issue();
        var old = PkiMaker.cert("ip-10-0-2-9@1732449600").ca().keys(PkiMaker.rsa(2048))
                .valid(NOW.minus(Duration.ofDays(362)), NOW.plus(Duration.ofDays(3))).issue();
        rotated = LoopbackTlsServer.start(serving.keys().getPrivate(), List.of(serving.cert(), ca.cert()), true);
        selfSigned = LoopbackTlsServer.start(old.keys().getPrivate(), List.of(old.cert()), true);
        silent = LoopbackTlsServer.silent();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        node("ip-10-0-1-17.ec2.internal", rotated.port());
        node("ip-10-0-2-9.ec2.internal", selfSigned.port());
        node("ip-10-0-3-4.ec2.internal", silent.port());
    }

    static void node(String name, int port) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(port).endKubeletEndpoint()
                .endDaemonEndpoints().endStatus().build()).create();
    }

    @AfterAll
    static void stop() {
        for (var s : List.of(rotated, selfSigned, silent)) s.close();
        client.close();
        server.destroy();
    }

    @Test
    void probesEveryNodesKubeletAndJudgesItsServingCertificate() {
        var scan = new CertificatePolicySpec.Scan(false, false, false, false, false, false, false, false, true);
        var spec = new ClusterSpec("prod", new ClusterSpec.Connection(null, null, false, null, null, null), null,
                List.of(), List.of());
        CertInventory inv = new CertsCollector(new TlsProber(Duration.ofSeconds(2), 8), 100, () -> NOW)
                .cluster("prod-eu-1", spec, new CertsKube(client), scan);
        CertPlan plan = ExpiryPolicy.plan("p", new CertificatePolicySpec(null, null, scan, 30, 7, null, null, 2), inv,
                Clock.fixed(NOW, ZoneOffset.UTC));

        Finding ok = plan.findings().stream().filter(f -> f.name().equals("ip-10-0-1-17.ec2.internal")
                && f.item().endsWith("chain#0")).findFirst().orElseThrow();
        assertThat(ok.source()).isEqualTo(CertSource.KUBELET);
        assertThat(ok.severity()).isEqualTo(Severity.OK);
        assertThat(ok.item()).isEqualTo("127.0.0.1:" + rotated.port() + " chain#0");

        Finding expiring = plan.findings().stream().filter(f -> f.name().equals("ip-10-0-2-9.ec2.internal"))
                .findFirst().orElseThrow();
        assertThat(expiring.severity()).as("self-signed: judged on dates, not as an untrusted chain")
                .isEqualTo(Severity.CRITICAL);
        assertThat(expiring.flags()).isEmpty();
        assertThat(expiring.daysLeft()).isEqualTo(3);

        assertThat(inv.errors()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("kubelet");
            assertThat(e.target()).startsWith("ip-10-0-3-4.ec2.internal 127.0.0.1:" + silent.port());
            assertThat(e.message()).contains("no TLS answer within 2 s");
        });
    }
}
