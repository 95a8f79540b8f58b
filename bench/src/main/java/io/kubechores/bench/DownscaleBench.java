package io.kubechores.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSelector;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.NamespaceSelector;
import io.kubechores.desiredstate.Resource;
import io.kubechores.downscale.DownscaleChore;
import io.kubechores.platform.Platform;
import io.kubechores.platform.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fleet-scale downscale: N simulated clusters (fabric8 mock API server, CRUD mode, in this JVM) × M workloads of
 * every kind. Runs the job at night (scale-down), again in the same minute (must be 0 PATCH), and in the morning
 * (restore), printing wall time, API calls counted at the servers, and heap.
 * <p>
 * Usage: bench/run.sh DownscaleBench [clusters=20] [workloadsPerCluster=2000] [concurrency=4]
 * (the simulated API servers run in the same JVM and share its heap and the 2 cores; BENCH_JAVA_OPTS sets -Xmx)
 */
public final class DownscaleBench {
    static final Instant NIGHT = Instant.parse("2026-11-24T21:00:00Z");   // Tue 22:00 Europe/Berlin
    static final Instant MORNING = Instant.parse("2026-11-25T07:00:00Z"); // Wed 08:00 Europe/Berlin

    public static void main(String[] args) throws Exception {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perCluster = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        // the job logs one line per action and the whole plan: 80,000 lines would measure the console, not the job
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.out.printf("downscale bench: %d clusters x %d workloads, partition concurrency %d, %d cores, max heap %d MiB%n",
                clusters, perCluster, concurrency, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        Map<String, DownscaleSimulatedCluster> sims = new TreeMap<>();
        Map<String, KubernetesClient> clients = new HashMap<>();
        List<Resource<ClusterSpec>> clusterDocs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < clusters; i++) {
            String name = String.format("staging-%02d", i);
            DownscaleSimulatedCluster sim = new DownscaleSimulatedCluster();
            sims.put(name, sim);
            clients.put(name, sim.client(30_000));
            clusterDocs.add(Resource.of(Kind.CLUSTER, name, new ClusterSpec("staging", null, null, null, null)));
        }
        try (ExecutorService ex = Executors.newFixedThreadPool(4)) {
            List<Future<?>> fs = new ArrayList<>();
            for (var e : sims.entrySet()) {
                fs.add(ex.submit(() -> {
                    seed(e.getValue(), clients.get(e.getKey()), perCluster);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        System.out.printf("seeded %d objects in %.1f s (not part of the figures)%n", clusters * perCluster,
                (System.nanoTime() - t0) / 1e9);

        DesiredState state = state(clusterDocs);
        Platform platform = new Platform(new StaticKubeClients(clients), null, null, null, null,
                new MemoryStateStore(), null);
        DownscaleChore chore = new DownscaleChore("kubechores");
        Path out = Files.createTempDirectory("downscale-bench");

        run("night (scale down)", chore, state, platform, NIGHT, concurrency, sims, out.resolve("night"), true);
        run("night, same minute again", chore, state, platform, NIGHT.plusSeconds(30), concurrency, sims,
                out.resolve("again"), true);
        run("morning (restore, unlimited budget)", chore, state, platform, MORNING, concurrency, sims,
                out.resolve("morning"), true);

        for (KubernetesClient c : clients.values()) c.close();
        for (DownscaleSimulatedCluster s : sims.values()) s.close();
    }

    static void run(String label, DownscaleChore chore, DesiredState state, Platform platform, Instant at,
                    int concurrency, Map<String, DownscaleSimulatedCluster> sims, Path out, boolean print)
            throws Exception {
        sims.values().forEach(DownscaleSimulatedCluster::resetCounts);
        System.gc();
        long baseline = usedHeap();
        resetPeaks();
        ChoreContext ctx = new ChoreContext("downscale", state, platform, Clock.fixed(at, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
        long t = System.nanoTime();
        ChoreRunner.Outcome o = ChoreRunner.run(chore, ctx, concurrency);
        double secs = (System.nanoTime() - t) / 1e9;
        long peak = peakHeap();

        long changed = o.allActions().stream().filter(a -> a.status() == Action.Status.APPLIED).count();
        long failed = o.allActions().stream().filter(a -> a.status() == Action.Status.FAILED).count();
        long patches = sims.values().stream().mapToLong(s -> s.count("PATCH")).sum();
        long gets = sims.values().stream().mapToLong(s -> s.count("GET")).sum();
        long events = sims.values().stream().mapToLong(s -> s.count("POST", "events")).sum();
        Map<String, Long> maxListPerKind = new TreeMap<>();
        for (DownscaleSimulatedCluster s : sims.values()) {
            s.counts().forEach((k, v) -> {
                if (k.startsWith("LIST ")) maxListPerKind.merge(k.substring(5), v, Math::max);
            });
        }
        System.out.printf(Locale.ROOT, "%n== %s ==%n", label);
        System.out.printf(Locale.ROOT, "wall time           %.2f s%n", secs);
        System.out.printf(Locale.ROOT, "exit code           %d (failed partitions: %d)%n", o.exitCode(),
                o.partitions().stream().filter(p -> p.isFailed()).count());
        System.out.printf(Locale.ROOT, "objects changed     %d (failed actions: %d)%n", changed, failed);
        System.out.printf(Locale.ROOT, "PATCH calls         %d  (%s one per changed object)%n", patches,
                patches == changed ? "exactly" : "NOT");
        System.out.printf(Locale.ROOT, "GET calls           %d%n", gets);
        System.out.printf(Locale.ROOT, "Event POSTs         %d%n", events);
        System.out.printf(Locale.ROOT, "max LIST per kind per cluster %s%n", maxListPerKind);
        System.out.printf(Locale.ROOT, "heap: before %d MiB, peak %d MiB (includes the %d in-JVM API servers and their objects)%n",
                baseline >> 20, peak >> 20, sims.size());
        System.out.println(o.report().summary());
    }

    static DesiredState state(List<Resource<ClusterSpec>> clusters) {
        FleetSpec fleet = new FleetSpec("Europe/Berlin", List.of("staging", "prod"), false, Map.of(), null, null, null,
                null, null, List.of(), List.of());
        DownscalePolicySpec policy = new DownscalePolicySpec(
                new ClusterSelector(List.of(), List.of("staging"), Map.of()),
                new NamespaceSelector(List.of(), List.of("monitoring")),
                "Mon-Fri 07:30-20:30 Europe/Berlin", null, List.of(), 0, "15m", List.of(), List.of(), null);
        return new DesiredState(Path.of("."), "bench", Resource.of(Kind.FLEET, "bench", fleet), clusters,
                List.of(Resource.of(Kind.DOWNSCALE_POLICY, "office-hours", policy)), List.of(), List.of(), List.of(),
                List.of());
    }

    /** perCluster workloads over 40 namespaces: 60% Deployments, 15% StatefulSets, 10% CronJobs, 10% HPAs, 5% KEDA. */
    static void seed(DownscaleSimulatedCluster sim, KubernetesClient c, int perCluster) throws Exception {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: scaledobjects.keda.sh}
                spec:
                  group: keda.sh
                  scope: Namespaced
                  names: {kind: ScaledObject, plural: scaledobjects, singular: scaledobject}
                  versions: [{name: v1alpha1, served: true, storage: true}]
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: rollouts.argoproj.io}
                spec:
                  group: argoproj.io
                  scope: Namespaced
                  names: {kind: Rollout, plural: rollouts, singular: rollout}
                  versions: [{name: v1alpha1, served: true, storage: true}]
                """;
        for (HasMetadata h : c.load(new ByteArrayInputStream(crd.getBytes(StandardCharsets.UTF_8))).items()) {
            c.resource(h).create();
        }
        int namespaces = 40;
        for (int n = 0; n < namespaces; n++) {
            sim.store("/api/v1/namespaces", c.getKubernetesSerialization().asJson(
                    new NamespaceBuilder().withNewMetadata().withName(ns(n)).endMetadata().build()));
        }
        for (int i = 0; i < perCluster; i++) {
            String ns = ns(i % namespaces);
            String name = "w" + i;
            int bucket = i % 20;
            String yaml;
            String collection;
            if (bucket < 12) {
                yaml = podOwner("apps/v1", "Deployment", ns, name, 1 + i % 4);
                collection = "/apis/apps/v1/namespaces/" + ns + "/deployments";
            } else if (bucket < 15) {
                yaml = podOwner("apps/v1", "StatefulSet", ns, name, 1 + i % 3);
                collection = "/apis/apps/v1/namespaces/" + ns + "/statefulsets";
            } else if (bucket < 17) {
                yaml = cronJob(ns, name);
                collection = "/apis/batch/v1/namespaces/" + ns + "/cronjobs";
            } else if (bucket < 19) {
                yaml = hpa(ns, name, 2 + i % 3);
                collection = "/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers";
            } else if (i % 40 == 19) {
                yaml = scaledObject(ns, name);
                collection = "/apis/keda.sh/v1alpha1/namespaces/" + ns + "/scaledobjects";
            } else {
                yaml = podOwner("argoproj.io/v1alpha1", "Rollout", ns, name, 2);
                collection = "/apis/argoproj.io/v1alpha1/namespaces/" + ns + "/rollouts";
            }
            GenericKubernetesResource r = c.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
            sim.store(collection, c.getKubernetesSerialization().asJson(r));
        }
    }

    static String ns(int n) {
        return n == 0 ? "kube-system" : n == 1 ? "monitoring" : "team-" + n;
    }

    static String podOwner(String apiVersion, String kind, String ns, String name, int replicas) {
        return """
                apiVersion: %s
                kind: %s
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z", labels: {app: %s}}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: app, image: "example/app:1", resources: {requests: {cpu: 250m, memory: 512Mi}}}]
                """.formatted(apiVersion, kind, name, ns, name, replicas, name, name);
    }

    static String cronJob(String ns, String name) {
        return """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z"}
                spec:
                  schedule: "*/15 * * * *"
                  suspend: false
                  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: job, image: "example/job:1"}]}}}}
                """.formatted(name, ns);
    }

    static String hpa(String ns, String name, int min) {
        return """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z"}
                spec: {minReplicas: %d, maxReplicas: 10, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %s}}
                """.formatted(name, ns, min, name);
    }

    static String scaledObject(String ns, String name) {
        return """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: %s, namespace: %s, creationTimestamp: "2026-10-01T00:00:00Z"}
                spec: {scaleTargetRef: {name: %s}, minReplicaCount: 1, maxReplicaCount: 10}
                """.formatted(name, ns, name);
    }

    static long usedHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getUsage().getUsed();
        }
        return sum;
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    }

    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }
}
