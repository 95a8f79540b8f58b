package io.kubechores.bench;

import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.forge.PullRequestServices;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Bot PRs at fleet scale: a desired-state repo with {@code files} manifests on a local bare remote, then {@code topics}
 * PRs upserted through the local forge (each touching 3 manifests), then the same again (must push nothing), then
 * again with new content (force-push every branch), then rounds 4-5 the same through upsertAll (one fetch, one push).
 * Prints wall time per round, per PR, and peak heap.
 * Usage: bench/run.sh PullRequestBench [topics=100] [files=2000]
 */
public final class PullRequestBench {

    public static void main(String[] args) throws Exception {
        int topics = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path dir = Files.createTempDirectory("kubechores-pr-bench");
        Path bare = dir.resolve("remote.git");
        Path work = dir.resolve("seed");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        try (Git git = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call()) {
            for (int i = 0; i < files; i++) {
                Path f = work.resolve("apps/ns-" + (i % 100) + "/app-" + i + "/deployment.yaml");
                Files.createDirectories(f.getParent());
                Files.writeString(f, manifest(i, "500m"));
            }
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("seed", "seed@bench", Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            git.commit().setMessage("seed").setAuthor(who).setCommitter(who).call();
            git.push().setRemote(bare.toUri().toString()).add("main").call();
        }
        FleetSpec fleet = new FleetSpec(null, null, false, null, null,
                new FleetSpec.Forge("local", dir.resolve("forge").toString(), null, null, "main"),
                null, null, null, null, null);

        System.out.printf("repo: %d manifests, %d PR topics x 3 files each%n", files, topics);
        round("1 open", fleet, bare, dir, topics, files, "250m", false);
        round("2 same (no push)", fleet, bare, dir, topics, files, "250m", false);
        round("3 moved (force-push)", fleet, bare, dir, topics, files, "300m", false);
        round("4 upsertAll moved", fleet, bare, dir, topics, files, "350m", true);
        round("5 upsertAll same", fleet, bare, dir, topics, files, "350m", true);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("peak heap (sum of pools' peaks): %d MB%n", peak / (1024 * 1024));
    }

    static void round(String label, FleetSpec fleet, Path bare, Path dir, int topics, int files, String cpu,
                      boolean batch) {
        PullRequestService prs = PullRequestServices.create(fleet, bare.toUri().toString(), SecretSource.of(Map.of()),
                dir.resolve("cache"), Clock.systemUTC());
        Map<PullRequestResult.Outcome, Integer> outcomes = new EnumMap<>(PullRequestResult.Outcome.class);
        long t0 = System.nanoTime();
        List<PullRequestRequest> requests = new ArrayList<>();
        for (int t = 0; t < topics; t++) {
            Map<String, String> changed = new java.util.HashMap<>();
            for (int k = 0; k < 3; k++) {
                int i = (t * 3 + k) % files;
                changed.put("apps/ns-" + (i % 100) + "/app-" + i + "/deployment.yaml", manifest(i, cpu));
            }
            requests.add(new PullRequestRequest("rightsize", "topic-" + t, "rightsize: topic " + t,
                    "cpu -> " + cpu, List.of("kubechores"), changed, "rightsize: cpu -> " + cpu, false));
        }
        List<PullRequestResult> results = batch ? prs.upsertAll(requests) : requests.stream().map(prs::upsert).toList();
        results.forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("round %-22s %6d ms  %6.1f ms/PR  %s%n", label, ms, (double) ms / topics, outcomes);
    }

    static String manifest(int i, String cpu) {
        return """
                # app %d
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app-%d
                spec:
                  template:
                    spec:
                      containers:
                        - name: main
                          resources:
                            requests:
                              cpu: %s   # sized by hand
                              memory: 256Mi
                """.formatted(i, i, cpu);
    }

    private PullRequestBench() {
    }
}
