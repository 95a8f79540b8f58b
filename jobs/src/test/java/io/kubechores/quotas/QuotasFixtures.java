package io.kubechores.quotas;

import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.QuotaPolicySpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.aws.AwsAccess;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small desired states built in code for the quotas tests. */
final class QuotasFixtures {
    static final String ROLE = "arn:aws:iam::{accountId}:role/kubechores";
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private QuotasFixtures() {}

    static FleetSpec fleet() {
        return fleet(new FleetSpec.Aws(ROLE, null));
    }

    static FleetSpec fleet(FleetSpec.Aws aws) {
        return new FleetSpec("UTC", List.of("staging", "prod"), false, Map.of(), null, null, null,
                aws, null, List.of(), List.of());
    }

    static DesiredState state(FleetSpec fleet, List<Resource<ClusterSpec>> clusters,
                              List<Resource<QuotaPolicySpec>> policies) {
        return new DesiredState(Path.of("."), "test", Resource.of(Kind.FLEET, "test", fleet), clusters, List.of(),
                List.of(), policies, List.of(), List.of());
    }

    static ClusterSpec.NodePool pool(String name, String lifecycle, int maxSize, String... types) {
        return new ClusterSpec.NodePool(name, List.of(types), lifecycle, 0, maxSize);
    }

    static Resource<ClusterSpec> cluster(String name, String account, String region, ClusterSpec.NodePool... pools) {
        return Resource.of(Kind.CLUSTER, name, new ClusterSpec("staging",
                new ClusterSpec.Connection(name, null, false, null, null, null),
                new ClusterSpec.AwsPlacement(account, region), List.of(pools), List.of()));
    }

    static Resource<QuotaPolicySpec> policy(String name, boolean derive, int headroom, double factor, int maxRequests,
                                            QuotaPolicySpec.Quota... quotas) {
        return Resource.of(Kind.QUOTA_POLICY, name, new QuotaPolicySpec(List.of(), List.of(quotas), derive, headroom,
                factor, maxRequests));
    }

    static DesiredState state(List<Resource<ClusterSpec>> clusters, List<Resource<QuotaPolicySpec>> policies) {
        return new DesiredState(Path.of("."), "test", Resource.of(Kind.FLEET, "test", fleet()), clusters, List.of(),
                List.of(), policies, List.of(), List.of());
    }

    static Platform platform(String endpoint) {
        AwsAccess aws = new AwsAccess(endpoint,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBASE0000", "base-secret")), null);
        return new Platform(null, null, aws, null, null, new MemoryStateStore(), SecretSource.of(Map.of()));
    }

    /** Collects audited actions. */
    static final class Audit implements AuditLog {
        final List<io.kubechores.core.Action> recorded = new ArrayList<>();

        @Override
        public synchronized void record(String job, io.kubechores.core.Action action) {
            recorded.add(action);
        }
    }

    static ChoreContext context(DesiredState s, Platform p, boolean dryRun, SafetyLimit limit, AuditLog audit,
                                Path out) {
        return new ChoreContext("quotas", s, p, CLOCK, dryRun, limit, audit, out);
    }
}
