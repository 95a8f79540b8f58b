package io.kubechores.certs;

import io.kubechores.demo.CertsDemo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.testkit.kube.SimulatedCluster;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.demo.DemoContribution;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.platform.notify.Notifier;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's certs part on the example fleet: one CRUD mock API server per Cluster seeded by {@link CertsDemo}, its
 * steps run in order. The HTML report lands in jobs/target/certs-demo/ (look at it with a browser).
 */
class CertsDemoIT {
    static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    void demoSeedsTheExampleFleetAndWritesTheReport() throws Exception {
        DesiredState state = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "working-tree");
        List<SimulatedCluster> servers = new ArrayList<>();
        Map<String, KubernetesClient> clients = new HashMap<>();
        CertsDemo demo = new CertsDemo();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try {
            for (var c : state.clusters()) {
                SimulatedCluster s = SimulatedCluster.start(c.name());
                servers.add(s);
                KubernetesClient client = s.client();
                clients.put(c.name(), client);
                demo.seedCluster(c, client, clock);
            }
            MemoryStateStore store = new MemoryStateStore();
            Path out = Path.of("target/certs-demo");
            ChoreRunner.Outcome<?> last = null;
            for (DemoContribution.Step step : demo.steps(clock)) {
                var platform = new Platform(new StaticKubeClients(clients), null, null, null, Notifier.NONE, store,
                        SecretSource.of(Map.of()));
                var ctx = new ChoreContext("certs", state, platform, Clock.fixed(step.at(), ZoneOffset.UTC),
                        step.dryRun(), SafetyLimit.unlimited(), AuditLog.NONE, out);
                last = ChoreRunner.run(new CertsChore(), ctx, 4);
                assertThat(last.partitions()).noneMatch(p -> p.isFailed());
            }
            String html = Files.readString(out.resolve("certs-report.html"));
            assertThat(html).contains("<svg", "legacy-shop-tls", "cart-tls", "payments-tls", "policy-webhook",
                    "trusted-cas", "RENEWAL_OVERDUE", "WEAK_RSA_KEY", "SHA1_SIGNATURE");
            assertThat(last.report().summary()).contains("expired", "critical");
            System.out.println(last.report().summary());
        } finally {
            clients.values().forEach(KubernetesClient::close);
            servers.forEach(SimulatedCluster::close);
        }
    }
}
