package io.kubechores.certs;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubechores.core.Action;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.RunGuard;
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
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.HttpNotifier;
import io.kubechores.report.Reports;
import io.kubechores.runner.FileAuditLog;
import io.kubechores.testkit.tls.PkiMaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23, write-ahead for the certs job's external mutations: the Slack alert and the Pushgateway push each have
 * their intent line in the audit trail <em>before</em> the request arrives (the simulated Slack and Pushgateway read
 * audit.jsonl when the request comes in), and their outcome after; a run that may no longer mutate (lost lease,
 * shutdown) sends neither, reports the alert FAILED with the reason, and does not remember the findings as alerted,
 * so the next run alerts them.
 */
class CertsWriteAheadIT {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir Path home;
    KubernetesMockServer server;
    KubernetesClient client;
    HttpServer hooks;
    Path auditFile;
    /** For each request the hooks got: its path and the audit trail's lines at that moment. */
    final List<Map.Entry<String, List<String>>> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(),
                new java.util.HashMap<>(), new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        var leaf = PkiMaker.cert("web.shop.acme.example").valid(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(3)))
                .issue();
        client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("web-tls")
                .withNamespace("shop").endMetadata().withType("kubernetes.io/tls")
                .addToData("tls.crt", PkiMaker.base64(leaf.pem())).build()).create();
        auditFile = home.resolve("audit").resolve("audit.jsonl");
        hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hooks.createContext("/", ex -> {
            List<String> lines = Files.exists(auditFile) ? Files.readAllLines(auditFile) : List.of();
            seen.add(Map.entry(ex.getRequestURI().getPath(), lines));
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hooks.start();
    }

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (server != null) server.destroy();
        if (hooks != null) hooks.stop(0);
    }

    DesiredState state() {
        String base = "http://127.0.0.1:" + hooks.getAddress().getPort();
        var fleet = Resource.of(Kind.FLEET, "acme", new FleetSpec("UTC", List.of("prod"), false, Map.of(), null, null,
                new FleetSpec.Notifications("KUBECHORES_SLACK_WEBHOOK", "#platform-alerts", base), null, null, null, null));
        var cluster = Resource.of(Kind.CLUSTER, "prod-eu-1", new ClusterSpec("prod",
                new ClusterSpec.Connection(null, null, false, null, null, null), null, List.of(), List.of()));
        var scan = new CertificatePolicySpec.Scan(true, true, false, false, false, false, false, false);
        var policy = Resource.of(Kind.CERTIFICATE_POLICY, "tls", new CertificatePolicySpec(null, List.of(), scan, 30, 7,
                List.of(), List.of(), 2));
        return new DesiredState(Path.of("."), "test", fleet, List.of(cluster), List.of(), List.of(), List.of(),
                List.of(policy), List.of());
    }

    ChoreRunner.Outcome run(MemoryStateStore store, RunGuard guard, String runId) throws Exception {
        DesiredState s = state();
        SecretSource secrets = SecretSource.of(Map.of("KUBECHORES_SLACK_WEBHOOK",
                "http://127.0.0.1:" + hooks.getAddress().getPort() + "/services/T000/B000/XXXX"));
        var platform = new Platform(new StaticKubeClients(Map.of("prod-eu-1", client)), null, null, null,
                HttpNotifier.fromFleet(s.fleetSpec().notifications(), secrets), store, secrets);
        try (FileAuditLog audit = new FileAuditLog(home, runId, "test", Clock.fixed(NOW, ZoneOffset.UTC), guard)
                .open("certs")) {
            ChoreContext ctx = new ChoreContext("certs", s, platform, Clock.fixed(NOW, ZoneOffset.UTC), false,
                    SafetyLimit.unlimited(), audit, home.resolve("reports").resolve(runId));
            return ChoreRunner.run(new CertsChore(100, 4), ctx, 1);
        }
    }

    static Map<String, Object> json(String line) {
        return Reports.parseJsonLine(line);
    }

    @Test
    void alertAndPushAreInTheAuditTrailBeforeTheyAreSentAndTheirOutcomeAfter() throws Exception {
        ChoreRunner.Outcome o = run(new MemoryStateStore(), RunGuard.open(), "run-1");

        assertThat(seen).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("/services/T000/B000/XXXX", "/metrics/job/kubechores_certs");
        for (var request : seen) {
            String verb = request.getKey().startsWith("/services/") ? "alert" : "push-metrics";
            assertThat(request.getValue()).as("audit trail when %s arrived", request.getKey())
                    .anySatisfy(l -> assertThat(json(l)).containsEntry("phase", "intent").containsEntry("action", verb)
                            .containsEntry("status", "PLANNED"))
                    .noneSatisfy(l -> assertThat(json(l)).containsEntry("phase", "outcome").containsEntry("action", verb));
        }
        List<Map<String, Object>> lines = Files.readAllLines(auditFile).stream().map(CertsWriteAheadIT::json).toList();
        for (String verb : List.of("alert", "push-metrics")) {
            Map<String, Object> intent = lines.stream().filter(l -> verb.equals(l.get("action")) && "intent".equals(l.get("phase")))
                    .findFirst().orElseThrow();
            assertThat(lines).as("the %s intent is answered", verb).anySatisfy(l -> assertThat(l)
                    .containsEntry("phase", "outcome").containsEntry("seq", intent.get("seq"))
                    .containsEntry("status", "APPLIED"));
        }
        assertThat(lines).as("one line per intent and one per outcome, then the run's closed line (FileAuditLog)")
                .extracting(l -> l.get("phase")).containsExactlyInAnyOrder("intent", "intent", "outcome", "outcome", "closed");
        assertThat(lines.getLast()).containsEntry("phase", "closed");
        assertThat(o.report().actions()).filteredOn(a -> a.verb().equals("alert"))
                .extracting(Action::status).containsExactly(Action.Status.APPLIED);
    }

    @Test
    void aRunThatMayNoLongerMutateSendsNoAlertAndForgetsNothing() throws Exception {
        MemoryStateStore store = new MemoryStateStore();
        RunGuard guard = RunGuard.open();
        guard.fence(() -> {
            throw new RunGuard.RunStoppedException("another run took job certs over (lease token 1 is no longer current)");
        });
        ChoreRunner.Outcome o = run(store, guard, "run-1");

        assertThat(seen).as("neither Slack nor the Pushgateway got a request").isEmpty();
        Action alert = o.report().actions().stream().filter(a -> a.verb().equals("alert")).findFirst().orElseThrow();
        assertThat(alert.status()).isEqualTo(Action.Status.FAILED);
        assertThat(alert.detail()).contains("not sent", "lease token 1 is no longer current");
        assertThat(o.report().failed()).isTrue();
        assertThat(store.all("certs")).as("nothing remembered as alerted").isEmpty();
        assertThat(Files.exists(auditFile) ? Files.readAllLines(auditFile) : List.of())
                .as("no intent was written for a mutation that may not be sent").isEmpty();

        // the next run (the lease is ours again) alerts what the stopped run could not
        ChoreRunner.Outcome next = run(store, RunGuard.open(), "run-2");
        assertThat(seen).extracting(Map.Entry::getKey).contains("/services/T000/B000/XXXX");
        assertThat(next.report().actions()).filteredOn(a -> a.verb().equals("alert"))
                .extracting(Action::status).containsExactly(Action.Status.APPLIED);
    }
}
