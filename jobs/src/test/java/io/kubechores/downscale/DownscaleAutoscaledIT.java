package io.kubechores.downscale;

import io.kubechores.model.downscale.WorkloadKind;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One owner for spec.replicas, on the simulated API server (fabric8 mock server, CRUD mode): an HPA target with
 * downtime 0 is scaled to 0 and its HPA left as is (Kubernetes docs, Horizontal Pod Autoscaling, "Implicit
 * maintenance-mode deactivation": an HPA stops adjusting a target at 0 replicas); with downtime above 0 only the HPA's
 * minReplicas is written (py-kube-downscaler README: patching both races); a KEDA target only through the ScaledObject's
 * autoscaling.keda.sh/paused-replicas (keda.sh docs, "Pause autoscaling"), KEDA's own HPA never. And a Warning Event
 * for a bad annotation is POSTed once per object and problem, not on every run.
 */
class DownscaleAutoscaledIT {
    static final Instant TUE_NIGHT = OffsetDateTime.parse("2026-11-24T22:00:00+01:00").toInstant();
    static final Instant WED_MORNING = OffsetDateTime.parse("2026-11-25T08:00:00+01:00").toInstant();

    @TempDir
    Path out;
    DownscaleSimulatedCluster eu;
    KubernetesClient client;
    DesiredState state;
    StateStore store = new MemoryStateStore();

    @BeforeEach
    void setUp() throws Exception {
        state = new DesiredStateLoader().load(Path.of("../repo-layout/example"), "working-tree")
                .onlyClusters(List.of("staging-eu-1"));
        eu = new DownscaleSimulatedCluster();
        client = eu.client(5000);
        DownscaleChoreIT.seed(client, "downscale/crds.yaml");
        DownscaleChoreIT.seed(client, "downscale/autoscaled.yaml");
        eu.resetCounts();
    }

    @AfterEach
    void tearDown() {
        client.close();
        eu.close();
    }

    ChoreRunner.Outcome<?> run(Instant at) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(Map.of("staging-eu-1", client)), null, null, null, null,
                store, null);
        ChoreContext ctx = new ChoreContext("downscale", state, platform, Clock.fixed(at, ZoneOffset.UTC), false,
                SafetyLimit.unlimited(), AuditLog.NONE, out);
        return ChoreRunner.run(new DownscaleChore("kubechores"), ctx, 2);
    }

    GenericKubernetesResource get(WorkloadKind k, String ns, String name) {
        return client.genericKubernetesResources(k.apiVersion(), k.kindName()).inNamespace(ns).withName(name).get();
    }

    Object spec(WorkloadKind k, String ns, String name, String field) {
        return get(k, ns, name).get("spec", field);
    }

    Map<String, String> annotations(WorkloadKind k, String ns, String name) {
        Map<String, String> a = get(k, ns, name).getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    long patches(String plural) {
        return eu.count("PATCH", plural);
    }

    @Test
    void eachAutoscaledWorkloadHasOneOwnerAtNightAndInTheMorning() throws Exception {
        assertThat(run(TUE_NIGHT).exitCode()).isZero();
        // HPA target, downtime 0: the Deployment to 0, the HPA untouched
        assertThat(spec(WorkloadKind.DEPLOYMENT, "web", "api", "replicas")).isEqualTo(0);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "web", "api")).containsEntry("kubechores.io/original-replicas", "5");
        assertThat(spec(WorkloadKind.HPA, "web", "api", "minReplicas")).isEqualTo(3);
        assertThat(annotations(WorkloadKind.HPA, "web", "api")).doesNotContainKey("kubechores.io/original-replicas");
        // HPA target, downtime 2 (GoKubeDownscaler's downscale-replicas): only minReplicas, the Deployment left to it
        assertThat(spec(WorkloadKind.HPA, "web", "search", "minReplicas")).isEqualTo(2);
        assertThat(annotations(WorkloadKind.HPA, "web", "search")).containsEntry("kubechores.io/original-replicas", "4");
        assertThat(spec(WorkloadKind.DEPLOYMENT, "web", "search", "replicas")).isEqualTo(6);
        // KEDA: only the ScaledObject, paused at 0; its target and KEDA's HPA untouched
        assertThat(annotations(WorkloadKind.SCALEDOBJECT, "batch", "queue"))
                .containsEntry("autoscaling.keda.sh/paused-replicas", "0");
        assertThat(spec(WorkloadKind.DEPLOYMENT, "batch", "queue", "replicas")).isEqualTo(4);
        assertThat(spec(WorkloadKind.HPA, "batch", "keda-hpa-queue", "minReplicas")).isEqualTo(1);
        assertThat(patches("deployments")).isEqualTo(1);
        assertThat(patches("horizontalpodautoscalers")).isEqualTo(1);
        assertThat(patches("scaledobjects")).isEqualTo(1);

        eu.resetCounts();
        assertThat(run(WED_MORNING).exitCode()).isZero();
        assertThat(spec(WorkloadKind.DEPLOYMENT, "web", "api", "replicas")).isEqualTo(5);
        assertThat(spec(WorkloadKind.HPA, "web", "api", "minReplicas")).isEqualTo(3);
        assertThat(spec(WorkloadKind.HPA, "web", "search", "minReplicas")).isEqualTo(4);
        assertThat(spec(WorkloadKind.DEPLOYMENT, "web", "search", "replicas")).isEqualTo(6);
        assertThat(annotations(WorkloadKind.SCALEDOBJECT, "batch", "queue"))
                .doesNotContainKeys("autoscaling.keda.sh/paused-replicas", "kubechores.io/original-replicas");
        assertThat(spec(WorkloadKind.DEPLOYMENT, "batch", "queue", "replicas")).isEqualTo(4);
        assertThat(eu.count("PATCH")).as(eu.counts().toString()).isEqualTo(3);
    }

    @Test
    void aWorkloadKubeDownscalerPatchedTwiceIsRestoredOnceAndTheKedaTargetNeverWritten() throws Exception {
        // kube-downscaler patched the HPA target and the HPA, and the KEDA target: the state a migration starts from
        client.apps().deployments().inNamespace("web").withName("api").edit(d -> {
            d.getSpec().setReplicas(0);
            d.getMetadata().setAnnotations(new HashMap<>(Map.of("downscaler/original-replicas", "5")));
            return d;
        });
        client.apps().deployments().inNamespace("batch").withName("queue").edit(d -> {
            d.getMetadata().setAnnotations(new HashMap<>(Map.of("downscaler/original-replicas", "4")));
            return d;
        });
        eu.resetCounts();
        run(WED_MORNING);
        assertThat(spec(WorkloadKind.DEPLOYMENT, "web", "api", "replicas")).isEqualTo(5);
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "web", "api")).doesNotContainKey("downscaler/original-replicas");
        // KEDA owns queue's replicas: the annotation goes, spec.replicas is not written
        assertThat(annotations(WorkloadKind.DEPLOYMENT, "batch", "queue")).doesNotContainKey("downscaler/original-replicas");
        assertThat(spec(WorkloadKind.DEPLOYMENT, "batch", "queue", "replicas")).isEqualTo(4);
        assertThat(eu.count("PATCH")).isEqualTo(2);
    }

    @Test
    void aWarningEventIsPostedOncePerObjectAndProblem() throws Exception {
        run(TUE_NIGHT);
        assertThat(eu.count("POST", "events")).as(eu.counts().toString()).isEqualTo(4); // 3 ScaleDown + 1 Warning
        eu.resetCounts();
        run(TUE_NIGHT.plusSeconds(900));
        run(TUE_NIGHT.plusSeconds(1800));
        assertThat(eu.count("POST", "events")).as(eu.counts().toString()).isZero();

        // fixed: no warning; broken again later: warned again, once
        client.apps().deployments().inNamespace("web").withName("typo").edit(d -> {
            d.getMetadata().setAnnotations(new HashMap<>(Map.of("downscaler/uptime", "Mon-Fri 07:30-20:30 Europe/Berlin")));
            return d;
        });
        run(TUE_NIGHT.plusSeconds(2700));
        client.apps().deployments().inNamespace("web").withName("typo").edit(d -> {
            d.getSpec().setReplicas(2);
            d.getMetadata().setAnnotations(new HashMap<>(Map.of("downscaler/uptime", "Mon-Fri 07:30-25:30 Europe/Berlin")));
            return d;
        });
        eu.resetCounts();
        run(TUE_NIGHT.plusSeconds(3600));
        run(TUE_NIGHT.plusSeconds(4500));
        assertThat(eu.count("POST", "events")).as(eu.counts().toString()).isEqualTo(1);
    }
}
