package io.kubechores.runner;

import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.Resource;
import io.kubechores.downscale.DownscaleChore;
import io.kubechores.platform.Platform;
import io.kubechores.platform.kube.ConnectionKubeClients;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A downscale run of staging-eu-1 in its own JVM (so {@link AuditTrailCrashIT} can kill -9 it mid-apply), with the
 * production audit trail and clients built as in production. Args: API URL, home folder, run instant.
 */
public final class AuditCrashChild {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path home = Path.of(args[1]);
        Instant at = Instant.parse(args[2]);
        DesiredState s = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "test")
                .onlyClusters(List.of("staging-eu-1"));
        List<Resource<ClusterSpec>> clusters = s.clusters().stream().map(c -> new Resource<>(c.kind(), c.metadata(),
                new ClusterSpec(c.spec().environment(), new ClusterSpec.Connection(null, null, false, url, "KC_TEST_TOKEN", null),
                        c.spec().aws(), c.spec().nodePools(), c.spec().etcdEndpoints()), c.location(), c.fields())).toList();
        DesiredState state = new DesiredState(s.root(), s.revision(), s.fleet(), clusters, s.downscalePolicies(),
                s.rightsizePolicies(), s.quotaPolicies(), s.certificatePolicies(), s.tools());
        String runId = UUID.randomUUID().toString();
        try (FileAuditLog audit = new FileAuditLog(home, runId, "test", Clock.systemUTC()).open("downscale");
             ConnectionKubeClients kube = new ConnectionKubeClients(n -> "KC_TEST_TOKEN".equals(n) ? Optional.of("test-token") : Optional.empty(), 10_000, Duration.ofSeconds(30))) {
            ChoreContext ctx = new ChoreContext("downscale", state,
                    new Platform(kube, null, null, null, null, new MemoryStateStore(), n -> Optional.empty()),
                    Clock.fixed(at, ZoneOffset.UTC), false, SafetyLimit.unlimited(), audit, home.resolve("out"));
            ChoreRunner.Outcome<?> o = ChoreRunner.run(new DownscaleChore("kubechores"), ctx, 1);
            System.out.println("EXIT " + o.exitCode() + " actions " + o.allActions().size());
        }
    }
}
