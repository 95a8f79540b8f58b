package io.kubechores.rightsize;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.platform.Platform;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.testkit.kube.RightsizeSeeds;
import io.kubechores.testkit.kube.RightsizeSeeds.Amount;
import io.kubechores.testkit.kube.RightsizeSeeds.ContainerRecommendation;
import io.kubechores.testkit.kube.SimulatedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rightsize job on three simulated clusters (fabric8 mock API servers in CRUD mode) holding one Deployment
 * {@code web/api} deployed from one manifest, with what real clusters carry besides the VPA: an autoscaling/v2 HPA
 * with its status, pods with OOM-killed containers, metrics.k8s.io PodMetrics, init containers and native sidecars.
 * The PR the in-memory forge receives is what a reviewer sees.
 */
class RightsizeSignalsIT {
    static final Path EXAMPLE = Path.of("../repo-layout/example");
    static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final List<String> CLUSTERS = List.of("prod-eu-1", "prod-us-1", "staging-eu-1");
    static final long MI = 1024L * 1024;

    @TempDir
    Path tmp;
    Path repo;
    final Map<String, SimulatedCluster> servers = new LinkedHashMap<>();
    final Map<String, KubernetesClient> clients = new HashMap<>();
    final InMemoryPullRequests forge = new InMemoryPullRequests();

    static final String POLICY = """
            apiVersion: kubechores.io/v1alpha1
            kind: RightsizePolicy
            metadata:
              name: apps
            spec:
              rollup: %s
              percentile: 50
              marginPercent: 15
              minChangePercent: 10
              cpu: {min: 10m, max: "4"}
              memory: {min: 64Mi, max: 8Gi}
              limits: keepRatio
              touchCpuWithHpa: %s
              sources:
                - path: apps/web/*.yaml
                  shape: manifest
              maxOpenPullRequests: 5
            """;

    static final String MANIFEST = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: web
            spec:
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  initContainers:
                    - name: migrate
                      image: registry.example/api-migrate:7
                      resources:
                        requests: {cpu: 500m, memory: 512Mi}
                    - name: istio-proxy
                      image: registry.example/proxy:1.24
                      restartPolicy: Always
                      resources:
                        requests: {cpu: 200m, memory: 256Mi}
                    - name: log-shipper
                      image: registry.example/shipper:3
                      restartPolicy: Always
                      resources:
                        requests: {cpu: 50m, memory: 64Mi}
                  containers:
                    - name: api
                      image: registry.example/api:7
                      resources:
                        requests:
                          cpu: 500m
                          memory: 512Mi
                        limits:
                          memory: 512Mi
            """;

    @BeforeEach
    void setUp() throws IOException {
        repo = tmp.resolve("repo");
        try (Stream<Path> s = Files.walk(EXAMPLE)) {
            for (Path p : s.toList()) {
                Path t = repo.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else if (!p.toString().contains("/apps/")) Files.copy(p, t);
            }
        }
        Files.createDirectories(repo.resolve("apps/web"));
        Files.writeString(repo.resolve("apps/web/api.yaml"), MANIFEST);
        policy("max");
        for (String c : CLUSTERS) {
            SimulatedCluster s = SimulatedCluster.start(c);
            servers.put(c, s);
            clients.put(c, s.client());
        }
    }

    @AfterEach
    void tearDown() {
        servers.values().forEach(SimulatedCluster::close);
    }

    void policy(String rollup) throws IOException {
        policy(rollup, false);
    }

    void policy(String rollup, boolean touchCpuWithHpa) throws IOException {
        Files.writeString(repo.resolve("rightsizing/apps.yaml"), POLICY.formatted(rollup, touchCpuWithHpa));
    }

    ChoreRunner.Outcome run() throws Exception {
        DesiredState state = new DesiredStateLoader().load(repo, "working-tree").onlyClusters(CLUSTERS);
        Platform platform = new Platform(new StaticKubeClients(clients), forge, null, null, null,
                new MemoryStateStore(), SecretSource.of(Map.of()));
        ChoreContext ctx = new ChoreContext("rightsize", state, platform, CLOCK, false, new SafetyLimit(10),
                AuditLog.NONE, tmp.resolve("reports/rightsize/20261124-090000-run-3f9c2a1b"));
        return ChoreRunner.run(new RightsizeChore(), ctx, 2);
    }

    // ---- seeds: real shapes of the objects a cluster holds --------------------------------------------------------

    /** The Deployment as deployed (requests as in the manifest), a recommend-only VPA, created 40 days ago. */
    void deploy(String cluster, int replicas, long apiCpu, long apiMemMi, ContainerRecommendation... more) {
        deploy(cluster, replicas, apiCpu, apiMemMi, null, more);
    }

    void deploy(String cluster, int replicas, long apiCpu, long apiMemMi, String javaOpts,
                ContainerRecommendation... more) {
        KubernetesClient k = clients.get(cluster);
        io.fabric8.kubernetes.api.model.Container api = container("api", "500m", "512Mi", "512Mi", null);
        if (javaOpts != null) {
            api.setEnv(List.of(new io.fabric8.kubernetes.api.model.EnvVar("TZ", "UTC", null),
                    new io.fabric8.kubernetes.api.model.EnvVar("JAVA_OPTS", javaOpts, null)));
        }
        k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("web").endMetadata().build())
                .createOr(e -> e.update());
        Deployment d = new DeploymentBuilder().withNewMetadata().withNamespace("web").withName("api").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata().withNewSpec()
                .addToInitContainers(container("migrate", "500m", "512Mi", null, null))
                .addToInitContainers(container("istio-proxy", "200m", "256Mi", null, "Always"))
                .addToInitContainers(container("log-shipper", "50m", "64Mi", null, "Always"))
                .addToContainers(api)
                .endSpec().endTemplate().endSpec().build();
        k.resource(d).createOr(e -> e.update());
        List<ContainerRecommendation> recs = new ArrayList<>();
        recs.add(rec("api", apiCpu, apiMemMi));
        recs.addAll(List.of(more));
        RightsizeSeeds.seedVpa(k, "web", "Deployment", "api", recs, NOW.minus(java.time.Duration.ofDays(40)));
    }

    static io.fabric8.kubernetes.api.model.Container container(String name, String cpu, String mem, String memLimit,
                                                             String restartPolicy) {
        ContainerBuilder b = new ContainerBuilder().withName(name).withImage("registry.example/" + name + ":7")
                .withNewResources().addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity(mem))
                .endResources().withRestartPolicy(restartPolicy);
        if (memLimit != null) b.editResources().addToLimits("memory", new Quantity(memLimit)).endResources();
        return b.build();
    }

    static ContainerRecommendation rec(String container, long cpuMillis, long memMi) {
        return new ContainerRecommendation(container, new Amount(cpuMillis, memMi * MI),
                new Amount(cpuMillis / 2, memMi * MI / 2), new Amount(cpuMillis * 2, memMi * MI * 2), null);
    }

    /** autoscaling/v2 HPA on CPU utilization with the status the HPA controller writes. */
    void hpa(String cluster, int min, int max, int targetPercent, int currentReplicas) {
        KubernetesClient k = clients.get(cluster);
        HorizontalPodAutoscaler h = new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withNamespace("web").withName("api").endMetadata()
                .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("api")
                .endScaleTargetRef().withMinReplicas(min).withMaxReplicas(max)
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization").withAverageUtilization(targetPercent).endTarget().endResource().endMetric()
                .endSpec()
                .withNewStatus().withCurrentReplicas(currentReplicas).withDesiredReplicas(currentReplicas)
                .addNewCondition().withType("ScalingLimited").withStatus(currentReplicas == max || currentReplicas == min
                        ? "True" : "False").withReason(currentReplicas == max ? "TooManyReplicas"
                        : currentReplicas == min ? "TooFewReplicas" : "DesiredWithinRange").endCondition()
                .endStatus().build();
        k.resource(h).createOr(e -> e.update());
        HorizontalPodAutoscaler stored = k.autoscaling().v2().horizontalPodAutoscalers().inNamespace("web")
                .withName("api").get();
        if (stored.getStatus() == null || stored.getStatus().getCurrentReplicas() == null) {
            stored.setStatus(h.getStatus());
            k.resource(stored).updateStatus();
        }
    }

    /**
     * A pod of the Deployment as the controllers create it (owner: ReplicaSet api-&lt;pod-template-hash&gt;), its api
     * container's status (restartCount, lastState.terminated), and its PodMetrics (metrics-server: working set).
     */
    void pod(String cluster, String name, String memLimit, boolean oomKilled, int restarts, long workingSetMi) {
        KubernetesClient k = clients.get(cluster);
        Pod p = new PodBuilder().withNewMetadata().withNamespace("web").withName(name)
                .addToLabels("app", "api").addToLabels("pod-template-hash", "5d8f7c9b6")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("api-5d8f7c9b6")
                .withUid("rs-uid").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().addToContainers(container("api", "500m", "512Mi", memLimit, null)).endSpec()
                .withNewStatus().withPhase("Running").addToContainerStatuses(new ContainerStatusBuilder()
                        .withName("api").withRestartCount(restarts).withReady(true).withImage("registry.example/api:7")
                        .withNewLastState().withNewTerminated().withReason(oomKilled ? "OOMKilled" : "Completed")
                        .withExitCode(oomKilled ? 137 : 0).withFinishedAt("2026-11-23T18:42:10Z").endTerminated()
                        .endLastState().build()).endStatus().build();
        k.resource(p).createOr(e -> e.update());
        Pod stored = k.pods().inNamespace("web").withName(name).get();
        if (stored.getStatus() == null || stored.getStatus().getContainerStatuses() == null
                || stored.getStatus().getContainerStatuses().isEmpty()) {
            stored.setStatus(p.getStatus());
            k.resource(stored).updateStatus();
        }
        GenericKubernetesResource m = new GenericKubernetesResourceBuilder().withApiVersion("metrics.k8s.io/v1beta1")
                .withKind("PodMetrics").withNewMetadata().withNamespace("web").withName(name).endMetadata()
                .addToAdditionalProperties("timestamp", "2026-11-24T08:59:30Z")
                .addToAdditionalProperties("window", "10.062s")
                .addToAdditionalProperties("containers", List.of(Map.of("name", "api",
                        "usage", Map.of("cpu", "212m", "memory", (workingSetMi * 1024) + "Ki"))))
                .build();
        k.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                        .withGroup("metrics.k8s.io").withVersion("v1beta1").withKind("PodMetrics").withPlural("pods")
                        .withNamespaced(true).build()).inNamespace("web")
                .resource(m).createOr(e -> e.update());
    }

    /**
     * The VPA recommender's VerticalPodAutoscalerCheckpoint for the api container (named &lt;vpa&gt;-&lt;container&gt;
     * as the recommender names it), memory histogram bucket index → weight, the highest bucket weighted
     * {@code topWeight}.
     */
    void checkpoint(String cluster, int topBucket) {
        KubernetesClient k = clients.get(cluster);
        var op = k.adapt(io.fabric8.verticalpodautoscaler.client.VerticalPodAutoscalerClient.class).v1()
                .verticalpodautoscalercheckpoints();
        var cp = new io.fabric8.autoscaling.api.model.v1.VerticalPodAutoscalerCheckpointBuilder()
                .withNewMetadata().withNamespace("web").withName("api-api").endMetadata()
                .withNewSpec().withVpaObjectName("api").withContainerName("api").endSpec()
                .withNewStatus().withVersion("v3").withLastUpdateTime("2026-11-24T08:50:00Z")
                .withFirstSampleStart("2026-10-15T09:01:00Z").withLastSampleStart("2026-11-24T08:49:00Z")
                .withTotalSamplesCount(57000)
                .withNewMemoryHistogram().withReferenceTimestamp("2026-11-25T00:00:00Z")
                .withBucketWeights(Map.of("38", 10000L, "41", 2200L, Integer.toString(topBucket), 7L))
                .withTotalWeight(19.3).endMemoryHistogram().endStatus().build();
        op.resource(cp).createOr(e -> e.update());
        var stored = op.inNamespace("web").withName("api-api").get();
        if (stored.getStatus() == null || stored.getStatus().getMemoryHistogram() == null) {
            stored.setStatus(cp.getStatus());
            op.resource(stored).updateStatus();
        }
    }

    static String body(InMemoryPullRequests forge) {
        assertThat(forge.prs).hasSize(1);
        return forge.prs.getFirst().pr().body();
    }

    static String file(InMemoryPullRequests forge) {
        return forge.prs.getFirst().files().get("apps/web/api.yaml");
    }

    // ---- HPA-aware CPU ---------------------------------------------------------------------------------------------

    /**
     * HPA target 50% (Kubernetes docs, Horizontal Pod Autoscaling, "Algorithm details": desiredReplicas =
     * ceil(currentReplicas × currentUtilization / targetUtilization), utilization = usage ÷ request). prod-eu-1's HPA
     * is pinned at maxReplicas and its pods use 450m: request = 450m ÷ 50% = 900m keeps "scale above 50%" meaning
     * what it meant. prod-us-1's HPA is scaling and its VPA says 250m = 50% of the 500m request, the HPA's set point
     * (Goldilocks #449): that cluster holds 500m. staging has no HPA: 300m + 15% = 345m. Max → 900m.
     */
    @Test
    void cpuIsSizedForTheHpaTargetWherePinnedAndHeldWhereTheHpaScales() throws Exception {
        deploy("prod-eu-1", 10, 450, 400);
        hpa("prod-eu-1", 2, 10, 50, 10);
        deploy("prod-us-1", 6, 250, 400);
        hpa("prod-us-1", 2, 10, 50, 6);
        deploy("staging-eu-1", 1, 300, 400);

        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        assertThat(file(forge)).contains("""
                      containers:
                        - name: api
                          image: registry.example/api:7
                          resources:
                            requests:
                              cpu: 900m
                """);
        assertThat(body(forge)).contains("| requests.cpu | 500m | **900m** | +80% |")
                .contains("cpu prod-eu-1/api: HPA at maxReplicas (replicas 2–10, target 50%): request = 450m"
                        + " recommended ÷ 50% = 900m")
                .contains("cpu prod-us-1/api: HPA scaling at 6 replicas (replicas 2–10, target 50%): its pods' usage"
                        + " is the HPA's set point (50% of the request), so the request stays at 500m (sizing it from"
                        + " that usage would feed the HPA loop, Goldilocks #449)")
                .contains("| prod-eu-1 | web/Deployment/api | 10 | 450m (225m–900m) |")
                .contains("| staging-eu-1 | web/Deployment/api | 1 | 300m (150m–600m) |");
    }

    /**
     * Every HPA scaling and its VPA at the set point (250m = 50% of 500m): a plain rightsizer would propose
     * 250m + 15% = 300m, the HPA would double the pods, the next VPA would say 125m... Here CPU does not move.
     */
    @Test
    void theHpaLoopIsNeverFed() throws Exception {
        for (String c : CLUSTERS) {
            deploy(c, 6, 250, 900);
            hpa(c, 2, 12, 50, 6);
        }
        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        String body = body(forge);
        // 900Mi + 15% = 1035Mi → 1152Mi (128Mi steps above 1Gi)
        assertThat(body).doesNotContain("| requests.cpu |").contains("| requests.memory | 512Mi | **1152Mi** |");
        assertThat(file(forge)).contains("      cpu: 500m\n");

        // what the plain rule (touchCpuWithHpa: true) would have done: the first step of the loop
        policy("max", true);
        forge.prs.clear();
        run();
        assertThat(body(forge)).contains("| requests.cpu | 500m | **300m** | -40% |")
                .contains("this can feed the HPA loop");
    }

    // ---- memory floor ----------------------------------------------------------------------------------------------

    /**
     * The VPA says 200Mi (+15% → 232Mi), but prod-eu-1's api container was OOM-killed at its 512Mi limit (4
     * restarts) and staging's pod works with 300Mi: the request stays at 512Mi (not lowered) and the 512Mi limit is
     * raised by the VPA recommender's own OOM bump, max(512Mi × 1.2, 512Mi + 100Mi) = 615Mi → 640Mi (32Mi steps).
     */
    @Test
    void memoryNeverGoesBelowTheLastOomKilledLimitOrThePeakWorkingSet() throws Exception {
        for (String c : CLUSTERS) deploy(c, 3, 500, 200);
        pod("prod-eu-1", "api-5d8f7c9b6-x2k9q", "512Mi", true, 4, 498);
        pod("prod-eu-1", "api-5d8f7c9b6-p7r4m", "512Mi", false, 0, 230);
        pod("staging-eu-1", "api-5d8f7c9b6-a1b2c", "512Mi", false, 1, 300);

        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        String body = body(forge);
        assertThat(body).doesNotContain("| requests.memory |")
                .contains("| limits.memory | 512Mi | **640Mi** | +25% |")
                .contains("limits.memory raised to 640Mi after an OOM kill (the VPA recommender's own OOM bump: ×1.2,"
                        + " at least +100Mi; prod-eu-1: peak working set 498Mi (PodMetrics now); prod-eu-1: OOMKilled"
                        + " at limit 512Mi (2026-11-23T18:42:10Z), 4 restarts; staging-eu-1: peak working set 300Mi"
                        + " (PodMetrics now))")
                .contains("memory: kept at or above what the container was seen needing, 512Mi");
        assertThat(file(forge)).contains("""
                            requests:
                              cpu: 575m
                              memory: 512Mi
                            limits:
                              memory: 640Mi
                """);
    }

    /**
     * Without an OOM kill, a peak working set above the recommendation is the floor of the request: prod-us-1's
     * pod works with 1000Mi now (PodMetrics); staging's VPA checkpoint has a memory peak in bucket 50 of the
     * recommender's histogram (10 MB first bucket, +5% per bucket: starts at 1e7 × (1.05^50 − 1) / 0.05 = 2,093,479,957
     * bytes ≈ 1997Mi), so the request becomes 2Gi (128Mi steps above 1Gi), not 704Mi (600Mi + 15%).
     */
    @Test
    void thePeakWorkingSetIsTheFloorOfTheRequest() throws Exception {
        for (String c : CLUSTERS) deploy(c, 3, 500, 600);
        pod("prod-us-1", "api-5d8f7c9b6-q9w8e", "4Gi", false, 0, 1000);
        checkpoint("staging-eu-1", 50);
        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        assertThat(body(forge)).contains("| requests.memory | 512Mi | **2Gi** | +300% |")
                .contains("prod-us-1: peak working set 1000Mi (PodMetrics now)")
                .contains("staging-eu-1: peak working set 1997Mi (VPA checkpoint)");
    }

    /**
     * A JVM (JAVA_OPTS -Xmx384m on one cluster's pod template): its memory is left to a human (a SKIPPED row naming
     * the flag), its CPU is still sized. See JvmHeapFlagsTest for the flags and where they are looked for.
     */
    @Test
    void jvmMemoryIsLeftToAHuman() throws Exception {
        deploy("prod-eu-1", 3, 300, 200, "-XX:+UseG1GC -Xmx384m");
        deploy("prod-us-1", 3, 300, 200);
        deploy("staging-eu-1", 1, 300, 200);
        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        assertThat(o.report().actions()).filteredOn(a -> a.verb().equals("rightsize"))
                .filteredOn(a -> a.target().endsWith("|api")).singleElement().satisfies(a -> {
                    assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
                    assertThat(a.reason()).startsWith("apps/web/api.yaml: container api: memory left to a human: JVM"
                            + " heap flags (prod-eu-1: JAVA_OPTS: -Xmx384m)");
                });
        assertThat(body(forge)).contains("| requests.cpu | 500m | **350m** |").doesNotContain("| requests.memory |")
                .contains("memory left to a human: JVM heap flags (prod-eu-1: JAVA_OPTS: -Xmx384m)");
    }

    // ---- init containers and native sidecars ----------------------------------------------------------------------

    /**
     * KRR #426 / PR #535: native sidecars (initContainers with restartPolicy: Always) run for the pod's life and are
     * sized; a one-shot init container is never sized, even with a recommendation; a sidecar without one is named.
     * Each is a SKIPPED row, never silently missed.
     */
    @Test
    void nativeSidecarsAreSizedAndInitContainersSkippedByName() throws Exception {
        for (String c : CLUSTERS) {
            deploy(c, 2, 500, 512, rec("istio-proxy", 60, 100), rec("migrate", 900, 900));
        }
        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        assertThat(file(forge)).contains("""
                        - name: istio-proxy
                          image: registry.example/proxy:1.24
                          restartPolicy: Always
                          resources:
                            requests: {cpu: 70m, memory: 120Mi}
                """).contains("""
                        - name: migrate
                          image: registry.example/api-migrate:7
                          resources:
                            requests: {cpu: 500m, memory: 512Mi}
                """);
        assertThat(o.report().actions()).filteredOn(a -> a.verb().equals("rightsize"))
                .extracting(a -> a.target() + " " + a.status() + ": " + a.reason()).containsExactlyInAnyOrder(
                        "web/Deployment/api|log-shipper SKIPPED: web/Deployment/api: native sidecar (init container"
                                + " with restartPolicy: Always) log-shipper: no VPA recommendation (on prod-eu-1,"
                                + " prod-us-1, staging-eu-1); left alone",
                        "web/Deployment/api|migrate SKIPPED: web/Deployment/api: init container migrate: runs to"
                                + " completion before the app starts, its usage is not steady state (a recommendation"
                                + " for it would mislead) (on prod-eu-1, prod-us-1, staging-eu-1); left alone");
        assertThat(body(forge)).contains("### `istio-proxy` in `apps/web/api.yaml`").doesNotContain("`migrate`");
    }

    // ---- one recommendation per workload across clusters ----------------------------------------------------------

    /**
     * rollup: percentile (p50, nearest rank) for CPU across the three clusters (200m, 300m, 800m → 300m + 15% =
     * 345m → 350m); memory always the max (300Mi, 400Mi, 700Mi → 805Mi → 832Mi), since the cluster that needs the
     * most must fit. One PR, each cluster's evidence row in it, the VPA observation age per cluster, the run's report
     * and the Configuration section.
     */
    @Test
    void oneRecommendationPerWorkloadWithEachClustersEvidence() throws Exception {
        policy("percentile");
        deploy("prod-eu-1", 4, 800, 300);
        deploy("prod-us-1", 4, 300, 700);
        deploy("staging-eu-1", 1, 200, 400);
        ChoreRunner.Outcome o = run();
        assertThat(o.exitCode()).isZero();
        String body = body(forge);
        assertThat(body).contains("| requests.cpu | 500m | **350m** | -30% |")
                .contains("| requests.memory | 512Mi | **832Mi** | +63% |")
                .contains("| prod-eu-1 | web/Deployment/api | 4 | 800m (400m–1600m) | 300Mi (150Mi–600Mi) | — |")
                .contains("| prod-us-1 | web/Deployment/api | 4 | 300m (150m–600m) | 700Mi (350Mi–1400Mi) | — |")
                .contains("| staging-eu-1 | web/Deployment/api | 1 | 200m (100m–400m) | 400Mi (200Mi–800Mi) | — |")
                .contains("### VPA observation age per cluster")
                .contains("| prod-eu-1 | 1 | 40 days (since 2026-10-15) |")
                .contains("**Run report:** run 20261124-090000-run-3f9c2a1b: `"
                        + tmp.resolve("reports/rightsize/20261124-090000-run-3f9c2a1b/rightsize-report.json")
                        + "` on the runner (this run has no report URL)")
                .contains("| schedule | not known to this run")
                .contains("| changes per run at most | 10 (fleet.yaml `jobs.rightsize.maxChangesPerRun`) |")
                .contains("annotate (or label) it `kubechores.io/rightsize: \"false\"`");

        // a rerun with nothing new edits nothing (the body keeps the proposing run's report link)
        ChoreRunner.Outcome again = run();
        assertThat(again.report().actions()).filteredOn(a -> a.verb().endsWith("-pr"))
                .extracting(Action::status).containsExactly(Action.Status.UNCHANGED);
    }
}
