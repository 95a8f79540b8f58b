package io.kubechores.bench;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
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
import io.kubechores.platform.aws.AwsCallPolicy;
import io.kubechores.testkit.aws.AwsWireStubs;
import io.kubechores.quotas.CapacityModel;
import io.kubechores.quotas.InstanceTypes;
import io.kubechores.quotas.QuotaKey;
import io.kubechores.quotas.QuotaNeed;
import io.kubechores.quotas.QuotasChore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * quotas at fleet scale: CLUSTERS clusters (default 150) spread over ACCOUNTS accounts (default 30) x 3 regions, each
 * with 4 node pools, planned by the pure capacity model, then a dry run and a filing run against WireMock speaking the
 * AWS wire protocols (STS, Service Quotas), then a second run that must file nothing. Prints wall time, AWS calls and
 * peak heap. Usage: bench/run.sh QuotasBench [clusters] [accounts] [requestsPerSecond] [concurrency]
 */
public final class QuotasBench {
    static final String[] REGIONS = {"eu-central-1", "us-east-1", "ap-southeast-1"};

    public static void main(String[] args) throws Exception {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        double rps = args.length > 2 ? Double.parseDouble(args[2]) : 50;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        DesiredState state = fleet(clusters, accounts);

        long t0 = System.nanoTime();
        CapacityModel.Model model = null;
        int rounds = 200;
        for (int i = 0; i < rounds; i++) model = CapacityModel.build(state, InstanceTypes.shipped());
        double modelMs = (System.nanoTime() - t0) / 1e6 / rounds;
        System.out.printf("capacity model: %d clusters, %d partitions, %d quotas: %.2f ms per build (avg of %d)%n",
                clusters, model.partitions().size(), model.needs().size(), modelMs, rounds);

        WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(32).disableRequestJournal());
        wm.start();
        try {
            stub(new AwsWireStubs(wm), model);
            QuotasChore chore = new QuotasChore(new AwsCallPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(2), rps),
                    InstanceTypes.shipped());
            Platform platform = new Platform(null, null, new AwsAccess(wm.baseUrl(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")), null),
                    null, null, new MemoryStateStore(), SecretSource.of(Map.of()));
            Path out = Files.createTempDirectory("quotas-bench");
            for (String step : List.of("dry-run", "file", "second-run")) {
                Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
                ChoreContext ctx = new ChoreContext("quotas", state, platform, clock, step.equals("dry-run"),
                        SafetyLimit.unlimited(), AuditLog.NONE, out.resolve(step));
                long s = System.nanoTime();
                ChoreRunner.Outcome<?> o = ChoreRunner.run(chore, ctx, concurrency);
                double ms = (System.nanoTime() - s) / 1e6;
                long filed = o.allActions().stream().filter(a -> a.verb().equals("request-increase")
                        && (a.status().name().equals("APPLIED") || a.status().name().equals("PLANNED"))).count();
                System.out.printf("%-10s %6.0f ms  partitions %d (failed %d)  increase requests %s %d  exit %d%n",
                        step, ms, o.partitions().size(), o.partitions().stream().filter(p -> p.isFailed()).count(),
                        step.equals("dry-run") ? "planned" : "filed", filed, o.exitCode());
            }
            System.out.printf("client pace %.0f requests/s per account/region, concurrency %d%n", rps, concurrency);
            System.out.printf("peak heap %.1f MB%n", peakHeapMb());
        } finally {
            wm.stop();
        }
    }

    static DesiredState fleet(int clusters, int accounts) {
        List<Resource<ClusterSpec>> cs = new ArrayList<>();
        String[][] pools = {{"m6i.2xlarge", "m6i.4xlarge"}, {"c6i.4xlarge", "c5.4xlarge"}, {"r6i.2xlarge"}, {"g5.2xlarge"}};
        for (int i = 0; i < clusters; i++) {
            String account = String.format("%012d", 100000000000L + (i % accounts));
            String region = REGIONS[(i / accounts) % REGIONS.length];
            List<ClusterSpec.NodePool> ps = List.of(
                    new ClusterSpec.NodePool("general", List.of(pools[0]), "on-demand", 2, 20 + i % 40),
                    new ClusterSpec.NodePool("spot", List.of(pools[1]), "spot", 0, 10 + i % 30),
                    new ClusterSpec.NodePool("memory", List.of(pools[2]), "on-demand", 0, 5 + i % 10),
                    new ClusterSpec.NodePool("gpu", List.of(pools[3]), "on-demand", 0, i % 4));
            cs.add(Resource.of(Kind.CLUSTER, "c" + i, new ClusterSpec("prod",
                    new ClusterSpec.Connection("c" + i, null, false, null, null, null),
                    new ClusterSpec.AwsPlacement(account, region), ps, List.of())));
        }
        FleetSpec fleet = new FleetSpec("UTC", List.of("prod"), false, Map.of(), null, null, null,
                new FleetSpec.Aws("arn:aws:iam::{accountId}:role/kubechores", null), null, List.of(), List.of());
        QuotaPolicySpec policy = new QuotaPolicySpec(List.of(), List.of(new QuotaPolicySpec.Quota(
                "elasticloadbalancing", "L-53DA6B97", 60, null, null, "ALB")), true, 20, 2.0, 100_000);
        return new DesiredState(Path.of("."), "bench", Resource.of(Kind.FLEET, "bench", fleet), cs, List.of(),
                List.of(), List.of(Resource.of(Kind.QUOTA_POLICY, "p", policy)), List.of(), List.of());
    }

    /** Every other quota is already sufficient; the rest accept one request each. */
    static void stub(AwsWireStubs aws, CapacityModel.Model model) {
        model.partitions().stream().map(p -> p.split("/")[0]).distinct()
                .forEach(a -> aws.assumeRole(a, "arn:aws:iam::" + a + ":role/kubechores"));
        int i = 0;
        for (QuotaNeed n : model.needs().values()) {
            QuotaKey k = n.key();
            if (i++ % 2 == 0) {
                aws.appliedQuota(k.accountId(), k.region(), k.serviceCode(), k.quotaCode(), "q", n.wanted(), true);
                aws.history(k.accountId(), k.region(), k.serviceCode(), k.quotaCode(), List.of());
            } else {
                aws.appliedQuota(k.accountId(), k.region(), k.serviceCode(), k.quotaCode(), "q", n.wanted() - 1, true);
                aws.acceptsOneRequest(k.accountId(), k.region(), k.serviceCode(), k.quotaCode(), List.of(), n.wanted(),
                        Instant.parse("2026-11-24T10:00:00Z"));
            }
        }
    }

    static double peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) peak += p.getPeakUsage().getUsed();
        }
        return peak / 1024.0 / 1024.0;
    }
}
