package io.kubechores.downscale;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.testkit.kube.DownscaleSimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;
import io.kubechores.testing.TestFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wake-up pacing within one run (issue 16): with upscale.maxReplicasPerMinute 5 the run restores one minute's budget,
 * waits for the next wall-clock minute, re-reads, restores the next, in upscale-priority order, until nothing is
 * deferred or upscale.paceFor is used up. The clock is simulated: the pacer moves it instead of sleeping.
 */
class DownscalePacedRestoreIT {
    static final Instant WED_MORNING = OffsetDateTime.parse("2026-11-25T08:00:00+01:00").toInstant();

    @TempDir
    Path repo;
    @TempDir
    Path out;
    DownscaleSimulatedCluster eu;
    KubernetesClient client;
    final io.kubechores.platform.kube.MutableClock clock = new io.kubechores.platform.kube.MutableClock(WED_MORNING);

    @BeforeEach
    void setUp() throws Exception {
        TestFiles.copyTree(Path.of("../repo-layout/example"), repo);
        eu = new DownscaleSimulatedCluster();
        client = eu.client(5000);
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("web").endMetadata().build()).create();
        deployment("first", "10");
        deployment("second", "5");
        deployment("third", null);
        eu.resetCounts();
    }

    @AfterEach
    void tearDown() {
        client.close();
        eu.close();
    }

    void deployment(String name, String priority) {
        var b = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("web")
                .withCreationTimestamp("2026-10-01T08:00:00Z")
                .addToAnnotations("kubechores.io/original-replicas", "4");
        if (priority != null) b = b.addToAnnotations("kubechores.io/upscale-priority", priority);
        client.apps().deployments().resource(b.endMetadata().withNewSpec().withReplicas(0)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("web/" + name + ":1").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
    }

    DesiredState state(String paceFor) throws Exception {
        Path policy = repo.resolve("downscaling/staging-office-hours.yaml");
        Files.writeString(policy, Files.readString(policy).replaceAll("maxReplicasPerMinute: \\d+",
                "maxReplicasPerMinute: 5\n    paceFor: " + paceFor));
        return new DesiredStateLoader().load(repo, "working-tree").onlyClusters(List.of("staging-eu-1"));
    }

    ChoreRunner.Outcome<?> run(DesiredState state) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(Map.of("staging-eu-1", client)), null, null, null, null,
                new MemoryStateStore(), null);
        ChoreContext ctx = new ChoreContext("downscale", state, platform, clock, false, SafetyLimit.unlimited(),
                AuditLog.NONE, out);
        DownscaleChore.Pacer simulated = (until, c) -> clock.advanceTo(until);
        return ChoreRunner.run(new DownscaleChore("kubechores", simulated), ctx, 1);
    }

    /** Deployment name → the instant its ScaleUp Event was recorded. */
    Map<String, String> restoredAt() {
        return client.v1().events().inNamespace("web").list().getItems().stream()
                .filter(e -> "ScaleUp".equals(e.getReason()))
                .collect(Collectors.toMap(e -> e.getInvolvedObject().getName(), Event::getFirstTimestamp, (a, b) -> a,
                        TreeMap::new));
    }

    int replicas(String name) {
        return client.apps().deployments().inNamespace("web").withName(name).get().getSpec().getReplicas();
    }

    @Test
    void oneRunRestoresEverythingMinuteByMinuteInPriorityOrder() throws Exception {
        ChoreRunner.Outcome<?> o = run(state("10m"));
        assertThat(o.exitCode()).isZero();
        assertThat(List.of(replicas("first"), replicas("second"), replicas("third"))).containsExactly(4, 4, 4);
        // 4 replicas fit the minute's 5, the next 4 do not: one Deployment per minute, highest priority first
        assertThat(restoredAt()).containsExactly(
                Map.entry("first", "2026-11-25T07:00:00Z"),
                Map.entry("second", "2026-11-25T07:01:00Z"),
                Map.entry("third", "2026-11-25T07:02:00Z"));
        // the report shows the outcome, not the first minute's deferrals
        assertThat(o.allActions()).extracting(Action::verb).containsOnly("restore");
        assertThat(o.report().summary()).contains("3 restored").contains("0 deferred");
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-25T07:02:00Z"));
    }

    @Test
    void pacingStopsAtPaceForAndTheRestWaitsForTheNextRun() throws Exception {
        ChoreRunner.Outcome<?> o = run(state("1m"));
        assertThat(restoredAt()).containsOnlyKeys("first", "second");
        assertThat(replicas("third")).isZero();
        assertThat(o.report().summary()).contains("2 restored").contains("1 deferred");
        // no pacing: the first minute only
        setUp2();
        ChoreRunner.Outcome<?> none = run(state("0m"));
        assertThat(none.report().summary()).contains("1 restored").contains("2 deferred");
    }

    void setUp2() throws Exception {
        tearDown();
        clock.set(WED_MORNING);
        setUp();
    }
}
