package io.kubechores.downscale;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.ClusterSelector;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DownscalePolicySpec;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Kind;
import io.kubechores.desiredstate.NamespaceSelector;
import io.kubechores.desiredstate.Resource;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.platform.Platform;
import io.kubechores.platform.StateStore;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: a run LISTs only the kinds its policies act on (plus the replica owners and the kinds still holding an
 * original), and a change's Event is sent beside the PATCH pipeline, not in it.
 */
class DownscaleListsAndEventsIT {
    static final Instant NIGHT = Instant.parse("2026-11-24T21:00:00Z");

    @TempDir
    Path out;
    DownscaleSimulatedCluster sim;
    KubernetesClient client;
    StateStore store = new MemoryStateStore();

    @BeforeEach
    void setUp() {
        sim = new DownscaleSimulatedCluster();
        client = sim.client(10_000);
        for (String ns : List.of("team-a", "team-b")) {
            sim.store("/api/v1/namespaces", client.getKubernetesSerialization().asJson(
                    new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()));
        }
    }

    @AfterEach
    void tearDown() {
        client.close();
        sim.close();
    }

    void deployment(String ns, String name, int replicas) {
        store("apps/v1", "Deployment", "deployments", ns, name, "spec: {replicas: %d, selector: {matchLabels: {app: %s}},"
                .formatted(replicas, name) + " template: {metadata: {labels: {app: " + name + "}}, spec: {containers:"
                + " [{name: app, image: 'example/app:1'}]}}}", Map.of());
    }

    void store(String apiVersion, String kind, String plural, String ns, String name, String spec,
               Map<String, String> annotations) {
        String ann = annotations.isEmpty() ? "" : ", annotations: {" + String.join(", ", annotations.entrySet().stream()
                .map(e -> "'" + e.getKey() + "': '" + e.getValue() + "'").toList()) + "}";
        String yaml = "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: " + ns
                + ", creationTimestamp: '2026-10-01T00:00:00Z'" + ann + "}\n" + spec + "\n";
        GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
        String group = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        sim.store(group + "/namespaces/" + ns + "/" + plural, client.getKubernetesSerialization().asJson(r));
    }

    static DesiredState state(List<String> kinds) {
        FleetSpec fleet = new FleetSpec("Europe/Berlin", List.of("staging"), false, Map.of(), null, null, null, null,
                null, List.of(), List.of());
        DownscalePolicySpec policy = new DownscalePolicySpec(new ClusterSelector(List.of(), List.of("staging"), Map.of()),
                NamespaceSelector.ALL, null, "always", List.of(), 0, "15m", kinds, List.of(), null);
        Resource<ClusterSpec> cluster = Resource.of(Kind.CLUSTER, "c1", new ClusterSpec("staging",
                new ClusterSpec.Connection(null, null, false, "https://unused.example", "UNUSED", null), null, null, null));
        return new DesiredState(Path.of("."), "test", Resource.of(Kind.FLEET, "f", fleet), List.of(cluster),
                List.of(Resource.of(Kind.DOWNSCALE_POLICY, "always", policy)), List.of(), List.of(), List.of(), List.of());
    }

    ChoreRunner.Outcome<?> run(DesiredState s, Instant at) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(Map.of("c1", client)), null, null, null, null, store, null);
        ChoreContext ctx = new ChoreContext("downscale", s, platform, Clock.fixed(at, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
        return ChoreRunner.run(new DownscaleChore("kubechores"), ctx, 1);
    }

    @Test
    void listsOnlyThePoliciesKindsOnceItKnowsWhereOriginalsAre() throws Exception {
        deployment("team-a", "web", 3);
        // a CronJob suspended by an earlier policy that named CronJob: its original must still come back
        store("batch/v1", "CronJob", "cronjobs", "team-b", "report", "spec: {schedule: '0 * * * *', suspend: true,"
                + " jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: j, image: 'x:1'}]}}}}}",
                Map.of("kubechores.io/original-replicas", "1"));
        sim.resetCounts();

        // first run, nothing remembered (or the state was lost): every kind, so the CronJob is found and restored
        ChoreRunner.Outcome<?> first = run(state(List.of("Deployment")), NIGHT);
        assertThat(first.exitCode()).isZero();
        assertThat(sim.counts()).containsKeys("LIST deployments", "LIST cronjobs", "LIST statefulsets", "LIST rollouts",
                "LIST horizontalpodautoscalers", "LIST scaledobjects");
        assertThat(client.batch().v1().cronjobs().inNamespace("team-b").withName("report").get().getSpec().getSuspend())
                .isFalse();
        assertThat(client.apps().deployments().inNamespace("team-a").withName("web").get().getSpec().getReplicas()).isZero();

        // next run: Deployment + the replica owners (HPA, ScaledObject) + the kinds holding an original (Deployment)
        sim.resetCounts();
        ChoreRunner.Outcome<?> again = run(state(List.of("Deployment")), NIGHT.plusSeconds(60));
        assertThat(again.allActions()).noneMatch(a -> a.status() == Action.Status.APPLIED);
        assertThat(sim.counts()).containsEntry("LIST deployments", 1L)
                .containsEntry("LIST horizontalpodautoscalers", 1L).containsEntry("LIST scaledobjects", 1L)
                .doesNotContainKeys("LIST cronjobs", "LIST statefulsets", "LIST rollouts");

        // the policy stops naming Deployment: web still holds its original, so Deployments are listed and web restored
        sim.resetCounts();
        run(state(List.of("CronJob")), NIGHT.plusSeconds(120));
        assertThat(sim.counts()).containsEntry("LIST deployments", 1L).containsEntry("LIST cronjobs", 1L)
                .doesNotContainKeys("LIST statefulsets", "LIST rollouts", "LIST horizontalpodautoscalers");
        assertThat(client.apps().deployments().inNamespace("team-a").withName("web").get().getSpec().getReplicas())
                .isEqualTo(3);

        // and once nothing holds an original, Deployments are no longer listed (a CronJob-only policy needs no owners)
        sim.resetCounts();
        run(state(List.of("CronJob")), NIGHT.plusSeconds(180));
        assertThat(sim.counts()).containsEntry("LIST cronjobs", 1L).doesNotContainKeys("LIST deployments");
    }

    @Test
    void eventsDoNotHoldThePatchPipeline() throws Exception {
        int changes = 3 * DownscaleApply.APPLY_CONCURRENCY;
        for (int i = 0; i < changes; i++) deployment(i % 2 == 0 ? "team-a" : "team-b", "w" + i, 2);
        // every Event answer comes a second late; a PATCH answers at once
        Duration eventLatency = Duration.ofSeconds(1);
        sim.latency("POST events", eventLatency);
        sim.resetCounts();

        ChoreRunner.Outcome<?> r = run(state(List.of("Deployment")), NIGHT);

        assertThat(r.exitCode()).isZero();
        assertThat(sim.count("PATCH", "deployments")).isEqualTo(changes);
        // still exactly one Event per change, all recorded before the run ended
        assertThat(sim.count("POST", "events")).isEqualTo(changes);
        List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
        assertThat(events).filteredOn(e -> e.getReason().equals("ScaleDown")).hasSize(changes);
        // with the Event inside the pipeline, change 9 could not start before an Event was answered (8 slots): now
        // every PATCH is sent before the first Event's answer is even due
        long lastPatch = sim.lastRequestMicros("PATCH deployments");
        long firstEventAnswer = sim.firstRequestMicros("POST events") + eventLatency.toNanos() / 1000;
        assertThat(lastPatch).as("last PATCH vs first Event answer (epoch us)").isLessThan(firstEventAnswer);
    }
}
