package io.kubechores.bench;

import io.fabric8.autoscaling.api.model.v1.RecommendedContainerResources;
import io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscaler;
import io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscalerBuilder;
import io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscalerList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerList;
import io.fabric8.kubernetes.client.KubernetesClient;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.PartitionResult;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSelector;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.RightsizePolicySpec;
import io.kubechores.desiredstate.RightsizePolicySpec.ManifestSource;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.forge.PullRequestServices;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.rightsize.RightsizeChore;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * rightsize at fleet scale: N simulated clusters (default 50) × M VPAs each (default 2,000) → plan and PR branches.
 * <p>
 * Every cluster is an HTTP Kubernetes API (its own path on one loopback server) answering the job's list calls with M VPAs,
 * M Deployments (two containers each) and an HPA on CPU for one workload in twenty; recommendations differ per
 * cluster. The desired-state repo holds the same M workloads in 100 namespaces, a third each as raw manifests (Argo CD
 * tracking), kustomize patches per environment (found by search + overlay narrowing) and Helm values (kubechores.io/
 * source annotation). PRs (one per namespace) are pushed as branches to a real bare git remote with the local forge.
 * <p>
 * Usage: {@code BENCH_JAVA_OPTS="-Xmx512m -XX:+UseSerialGC" bench/run.sh RightsizeBench [clusters] [vpasPerCluster]}.
 * Prints wall time per phase, API calls, PRs/branches and the peak heap in use (sampled every 5 ms).
 */
public final class RightsizeBench {
    static final int NAMESPACES = 100;
    static final int CONCURRENCY = 4;
    static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");

    public static void main(String[] args) throws Exception {
        int clusters = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int perCluster = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int perNs = Math.max(1, perCluster / NAMESPACES);
        int workloads = perNs * NAMESPACES;
        Path dir = Files.createTempDirectory("rightsize-bench");
        AtomicLong peak = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            Runtime rt = Runtime.getRuntime();
            while (true) {
                peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        long t0 = System.nanoTime();
        Path repo = dir.resolve("repo");
        writeRepo(repo, perNs);
        String remote = pushRepo(repo, dir.resolve("remote.git"));
        // every simulated cluster is an HTTP Kubernetes API under its own path (one loopback server, the list
        // responses shared between clusters of the same variant so the harness itself stays small in the heap)
        Map<String, byte[]> responses = new HashMap<>();
        AtomicLong requests = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String[] p = exchange.getRequestURI().getPath().split("/", 3); // "", cNN, rest
            int c = Integer.parseInt(p[1].substring(1));
            String env = c < clusters / 5 ? "staging" : "prod";
            byte[] body = switch ("/" + p[2]) {
                case "/apis/autoscaling.k8s.io/v1/verticalpodautoscalers" -> responses.get("vpa" + (c % 5));
                case "/apis/apps/v1/deployments" -> responses.get("deploy-" + env);
                case "/apis/autoscaling/v2/horizontalpodautoscalers" -> responses.get("hpa");
                // the OOM floor's reads (issue 17): no pods restarted, no metrics-server samples, no checkpoints
                case "/apis/autoscaling.k8s.io/v1/verticalpodautoscalercheckpoints" ->
                        emptyList("autoscaling.k8s.io/v1", "VerticalPodAutoscalerCheckpointList");
                default -> p[2].matches("api/v1/namespaces/[^/]+/pods") ? emptyList("v1", "PodList")
                        : p[2].matches("apis/metrics.k8s.io/v1beta1/namespaces/[^/]+/pods")
                        ? emptyList("metrics.k8s.io/v1beta1", "PodMetricsList") : null;
            };
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        for (int v = 0; v < 5; v++) responses.put("vpa" + v, vpas(perNs, v).getBytes(StandardCharsets.UTF_8));
        for (String env : List.of("staging", "prod")) {
            responses.put("deploy-" + env, deployments(perNs, env).getBytes(StandardCharsets.UTF_8));
        }
        responses.put("hpa", hpas(perNs).getBytes(StandardCharsets.UTF_8));
        Map<String, KubernetesClient> clients = new HashMap<>();
        List<Resource<ClusterSpec>> clusterResources = new ArrayList<>();
        // one JSON (de)serializer for every cluster's client: its Jackson introspection caches of the Kubernetes
        // model cost megabytes per instance, and each client would otherwise build its own
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (int c = 0; c < clusters; c++) {
            String name = String.format("c%02d", c);
            String env = c < clusters / 5 ? "staging" : "prod";
            clients.put(name, new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "/")
                    .withRequestTimeout(60_000).build()).withKubernetesSerialization(serialization).build());
            clusterResources.add(Resource.of(Kind.CLUSTER, name, new ClusterSpec(env, null, null, null, null)));
        }
        long setupMs = (System.nanoTime() - t0) / 1_000_000;

        FleetSpec fleet = new FleetSpec("UTC", List.of("staging", "prod"), false, null,
                new FleetSpec.GitAuthor("kubechores-bot", "bot@acme.example"),
                new FleetSpec.Forge("local", "forge", "acme/fleet", null, "main"), null, null, null, null, null);
        RightsizePolicySpec policy = new RightsizePolicySpec(ClusterSelector.ALL, null, "target", "max", null, 15, 15,
                new RightsizePolicySpec.Bounds("10m", "4"), new RightsizePolicySpec.Bounds("64Mi", "8Gi"), "keepRatio",
                false, "namespace", null, List.of(
                        new ManifestSource("apps/*/workloads.yaml", "manifest", null),
                        new ManifestSource("apps/*/overlays/*/patch.yaml", "kustomize", null),
                        new ManifestSource("apps/*/values.yaml", "helm", "{container}.resources")),
                1000, 25, List.of("rightsizing"));
        DesiredState state = new DesiredState(repo, "bench", Resource.of(Kind.FLEET, "bench", fleet), clusterResources,
                List.of(), List.of(Resource.of(Kind.RIGHTSIZE_POLICY, "fleet", policy)), List.of(), List.of(), List.of());
        PullRequestService prs = PullRequestServices.create(fleet, remote, SecretSource.of(Map.of()),
                dir.resolve("cache"), Clock.fixed(NOW, ZoneOffset.UTC), dir);
        Platform platform = new Platform(new StaticKubeClients(clients), prs, null, null, null, new MemoryStateStore(),
                SecretSource.of(Map.of()));
        ChoreContext ctx = new ChoreContext("rightsize", state, platform, Clock.fixed(NOW, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, dir.resolve("out"));
        RightsizeChore chore = new RightsizeChore();
        peak.set(0);

        long t1 = System.nanoTime();
        var parts = ChoreRunner.runPartitions(chore, ctx, chore.partitions(ctx), CONCURRENCY);
        long t2 = System.nanoTime();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long retained = rt.totalMemory() - rt.freeMemory();
        long t2b = System.nanoTime();
        ChoreReport report = ChoreRunner.finish(chore, ctx, parts);
        long t3 = System.nanoTime();
        sampler.interrupt();

        long failed = parts.stream().filter(PartitionResult::isFailed).count();
        long observations = parts.stream().mapToLong(p -> p.data() == null ? 0 : p.data().size()).sum();
        Map<Action.Status, Long> byStatus = new LinkedHashMap<>();
        report.actions().forEach(a -> byStatus.merge(a.status(), 1L, Long::sum));
        long branches;
        try (Git git = Git.open(Path.of(java.net.URI.create(remote)).toFile())) {
            branches = git.getRepository().getRefDatabase().getRefsByPrefix(Constants.R_HEADS + "kubechores/rightsize/").size();
        }
        System.out.printf("RightsizeBench: %d clusters x %d VPAs (%d workloads in %d namespaces, 3 manifest shapes)%n",
                clusters, workloads, workloads, NAMESPACES);
        System.out.printf("  setup (repo, remote, %d simulated clusters' API responses): %d ms%n", clusters, setupMs);
        System.out.printf("  collect (partitions, concurrency 4):   %6d ms  %d API calls, %d observations, %d failed%n",
                (t2 - t1) / 1_000_000, requests.get(), observations, failed);
        System.out.printf("  heap retained after collect (post-GC): %6d MB  (observations of every cluster, kept for the rollup)%n",
                retained / (1024 * 1024));
        System.out.printf("  locate + plan + edit + PR branches:    %6d ms  %d PRs %s, %d branches on the remote%n",
                (t3 - t2b) / 1_000_000, report.actions().stream().filter(a -> a.verb().endsWith("-pr")).count(),
                byStatus, branches);
        System.out.printf("  total:                                 %6d ms  (target < 30000 ms)%n", (t3 - t1 - (t2b - t2)) / 1_000_000);
        System.out.printf("  machine: %d cores, load average %.1f during the run%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("  peak heap in use:                      %6d MB  (max heap %d MB; target < 512 MB)%n",
                peak.get() / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.printf("  GC: %s%n", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(g -> g.getName() + " " + g.getCollectionCount() + "x/" + g.getCollectionTime() + "ms").toList());
        if (!report.warnings().isEmpty()) System.out.println("  first warning: " + report.warnings().getFirst());
        clients.values().forEach(KubernetesClient::close);
        server.stop(0);
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        System.exit(0);
    }

    static String shape(int ns) {
        return switch (ns % 3) {
            case 0 -> "manifest";
            case 1 -> "kustomize";
            default -> "helm";
        };
    }

    static void writeRepo(Path repo, int perNs) throws IOException {
        for (int n = 0; n < NAMESPACES; n++) {
            String ns = "ns-" + n;
            StringBuilder sb = new StringBuilder("# generated for the rightsize benchmark\n");
            switch (shape(n)) {
                case "manifest" -> {
                    for (int w = 0; w < perNs; w++) sb.append(doc(ns, "w-" + w, "500m", "512Mi", true));
                    write(repo.resolve("apps/" + ns + "/workloads.yaml"), sb.toString());
                }
                case "kustomize" -> {
                    for (String env : List.of("staging", "prod")) {
                        StringBuilder p = new StringBuilder("# " + env + " patch\n");
                        for (int w = 0; w < perNs; w++) {
                            p.append(env.equals("prod") ? doc(ns, "w-" + w, "1", "1Gi", false)
                                    : doc(ns, "w-" + w, "200m", "256Mi", false));
                        }
                        write(repo.resolve("apps/" + ns + "/overlays/" + env + "/patch.yaml"), p.toString());
                    }
                }
                default -> {
                    for (int w = 0; w < perNs; w++) {
                        sb.append("w-").append(w).append(":\n  replicaCount: 2\n")
                                .append("  app:\n    resources:\n      requests: {cpu: 500m, memory: 512Mi}   # initial guess\n")
                                .append("      limits: {cpu: \"1\", memory: 1Gi}\n")
                                .append("  sidecar:\n    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi\n");
                    }
                    write(repo.resolve("apps/" + ns + "/values.yaml"), sb.toString());
                }
            }
        }
    }

    static String doc(String ns, String name, String cpu, String mem, boolean full) {
        return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + ns
                + "\nspec:\n" + (full ? "  replicas: 2\n" : "") + "  template:\n    spec:\n      containers:\n"
                + "        - name: app\n" + (full ? "          image: registry.example/app:1\n" : "")
                + "          resources:\n            requests:\n              cpu: " + (cpu.equals("1") ? "\"1\"" : cpu)
                + "   # sized by hand\n              memory: " + mem + "\n            limits:\n              memory: "
                + (mem.equals("1Gi") ? "2Gi" : mem.equals("512Mi") ? "1Gi" : "512Mi")
                + "\n        - name: sidecar\n          resources:\n            requests:\n              cpu: 100m\n"
                + "              memory: 128Mi\n";
    }

    static void write(Path p, String s) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, s);
    }

    static String pushRepo(Path repo, Path bare) throws Exception {
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        try (Git git = Git.init().setInitialBranch("main").setDirectory(repo.toFile()).call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("Human", "human@acme.example", NOW.minusSeconds(86_400), ZoneOffset.UTC);
            git.commit().setMessage("fleet").setAuthor(who).setCommitter(who).call();
            git.push().setRemote(bare.toUri().toString()).add("main").call();
        }
        return bare.toUri().toString();
    }

    static String vpas(int perNs, int variant) {
        List<VerticalPodAutoscaler> items = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            for (int w = 0; w < perNs; w++) {
                long cpu = 120 + (w * 37L + n * 11L) % 300 + variant * 15L;
                long memMi = 180 + (w * 53L + n * 7L) % 500 + variant * 20L;
                items.add(new VerticalPodAutoscalerBuilder()
                        .withNewMetadata().withNamespace("ns-" + n).withName("w-" + w).endMetadata()
                        .withNewSpec().withNewTargetRef("apps/v1", "Deployment", "w-" + w).withNewUpdatePolicy()
                        .withUpdateMode("Off").endUpdatePolicy().endSpec()
                        .withNewStatus().withNewRecommendation().withContainerRecommendations(
                                rec("app", cpu, memMi), rec("sidecar", 20 + variant, 50 + variant))
                        .endRecommendation().endStatus().build());
            }
        }
        VerticalPodAutoscalerList list = new VerticalPodAutoscalerList();
        list.setItems(items);
        return Serialization.asJson(list);
    }

    static RecommendedContainerResources rec(String c, long cpu, long memMi) {
        RecommendedContainerResources r = new RecommendedContainerResources();
        r.setContainerName(c);
        r.setTarget(Map.of("cpu", new Quantity(cpu + "m"), "memory", new Quantity(memMi * 1048576L + "")));
        r.setLowerBound(Map.of("cpu", new Quantity(cpu * 6 / 10 + "m"), "memory", new Quantity(memMi * 629146L + "")));
        r.setUpperBound(Map.of("cpu", new Quantity(cpu * 5 / 2 + "m"), "memory", new Quantity(memMi * 2621440L + "")));
        return r;
    }

    static String deployments(int perNs, String env) {
        List<Deployment> items = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            for (int w = 0; w < perNs; w++) {
                String ns = "ns-" + n;
                Map<String, String> labels = new HashMap<>();
                Map<String, String> annotations = new HashMap<>();
                labels.put("app.kubernetes.io/name", "w-" + w);
                switch (shape(n)) {
                    case "manifest" -> annotations.put("argocd.argoproj.io/tracking-id",
                            ns + ":apps/Deployment:" + ns + "/w-" + w);
                    case "kustomize" -> { } // found by searching the sources, narrowed to the env overlay
                    default -> annotations.put("kubechores.io/source",
                            "apps/" + ns + "/values.yaml#w-" + w + ".{container}.resources");
                }
                items.add(new DeploymentBuilder().withNewMetadata().withNamespace(ns).withName("w-" + w)
                        .withLabels(labels).withAnnotations(annotations).endMetadata()
                        .withNewSpec().withReplicas(env.equals("prod") ? 3 : 1).withNewTemplate().withNewSpec()
                        .addNewContainer().withName("app").withNewResources()
                        .addToRequests("cpu", new Quantity("500m")).addToRequests("memory", new Quantity("512Mi"))
                        .endResources().endContainer()
                        .addNewContainer().withName("sidecar").withNewResources()
                        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("128Mi"))
                        .endResources().endContainer()
                        .endSpec().endTemplate().endSpec().build());
            }
        }
        DeploymentList list = new DeploymentList();
        list.setItems(items);
        return Serialization.asJson(list);
    }

    static String hpas(int perNs) {
        List<HorizontalPodAutoscaler> items = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            for (int w = 0; w < perNs; w += 20) {
                items.add(new HorizontalPodAutoscalerBuilder().withNewMetadata().withNamespace("ns-" + n)
                        .withName("w-" + w).endMetadata().withNewSpec().withNewScaleTargetRef("apps/v1", "Deployment", "w-" + w)
                        .withMinReplicas(2).withMaxReplicas(10).addNewMetric().withType("Resource").withNewResource()
                        .withName("cpu").withNewTarget().withType("Utilization").withAverageUtilization(70).endTarget()
                        .endResource().endMetric().endSpec().build());
            }
        }
        HorizontalPodAutoscalerList list = new HorizontalPodAutoscalerList();
        list.setItems(items);
        return Serialization.asJson(list);
    }

    private RightsizeBench() {}

    /** An empty list as the API server answers it (apiVersion, kind, metadata.resourceVersion, items). */
    private static byte[] emptyList(String apiVersion, String kind) {
        return ("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
                + "\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}").getBytes(StandardCharsets.UTF_8);
    }
}
