package io.kubechores.promote;

import io.kubechores.demo.PromoteDemo;

import io.kubechores.testing.TestFiles;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreRunner;
import io.kubechores.demo.DemoContribution;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.SafetyLimit;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateLoader;
import io.kubechores.platform.Platform;
import io.kubechores.desiredstate.SecretSource;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.forge.PullRequestServices;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.jenkins.JenkinsClient;
import io.kubechores.testkit.kube.PromoteKubeSeed;
import io.kubechores.testkit.kube.SimulatedCluster;
import io.kubechores.platform.kube.StaticKubeClients;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole promote job with real servers: four simulated clusters (CRUD mock API), the example fleet in a git repo
 * with dated commits (loki set on staging 5 days ago, ingress-nginx 20 hours ago), a bare remote + the local forge,
 * and WireMock Jenkins — all prepared by {@link PromoteDemo}, the same way `kubechores demo` does.
 */
class PromoteChoreIT {
    static final Instant AT = Instant.parse("2026-11-24T09:00:00Z"); // Tuesday 10:00 Berlin, outside the freeze windows
    static final JenkinsClient.Limits FAST = new JenkinsClient.Limits(Duration.ofMillis(10), Duration.ofSeconds(5), Duration.ofSeconds(5));

    @TempDir
    Path tmp;
    final List<SimulatedCluster> clusters = new ArrayList<>();
    WireMockServer jenkins;
    Git git;
    DesiredState state;
    MemoryStateStore store = new MemoryStateStore();
    List<Action> audited = new CopyOnWriteArrayList<>();
    String remoteUrl;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.fixed(AT, ZoneOffset.UTC);
        PromoteDemo demo = new PromoteDemo();
        assertThat(PromoteDemo.at(clock)).isEqualTo(AT);

        Path work = tmp.resolve("repo");
        TestFiles.copyTree(Path.of("../repo-layout/example"), work);
        git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
        DemoContribution.DemoRepo repo = new DemoContribution.DemoRepo() {
            public Path workTree() { return work; }

            public void commit(String message, Instant when, Map<String, String> files) {
                try {
                    for (var e : files.entrySet()) Files.writeString(work.resolve(e.getKey()), e.getValue());
                    git.add().addFilepattern(".").call();
                    PersonIdent who = new PersonIdent(new PersonIdent("Platform", "p@acme.example"), when, ZoneOffset.UTC);
                    git.commit().setMessage(message).setAuthor(who).setCommitter(who).call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        repo.commit("fleet", AT.minus(Duration.ofDays(30)), Map.of());
        demo.prepareRepo(repo, clock);
        Path bare = tmp.resolve("remote.git");
        Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();
        remoteUrl = bare.toUri().toString();
        state = new DesiredStateLoader().load(work, git.getRepository().resolve("HEAD").getName());

        Map<String, KubernetesClient> clients = new HashMap<>();
        for (var c : state.clusters()) {
            SimulatedCluster sim = SimulatedCluster.start(c.name());
            clusters.add(sim);
            demo.seedCluster(c, sim.client(), clock);
            clients.put(c.name(), sim.client());
        }
        this.clients = clients;
        jenkins = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        jenkins.start();
        demo.stubJenkins(jenkins, clock);
    }

    Map<String, KubernetesClient> clients;
    JenkinsAccess jenkinsAccess;

    @AfterEach
    void tearDown() {
        clusters.forEach(SimulatedCluster::close);
        if (jenkins != null) jenkins.stop();
        if (git != null) git.close();
    }

    PullRequestService prs(Instant at) {
        return PullRequestServices.create(state.fleetSpec(), remoteUrl, SecretSource.of(Map.of()), tmp.resolve("cache"),
                Clock.fixed(at, ZoneOffset.UTC), tmp.resolve("forge-base"));
    }

    ChoreRunner.Outcome run(Instant at, boolean dryRun) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(clients), prs(at), null,
                jenkinsAccess != null ? jenkinsAccess : new JenkinsAccess(jenkins.baseUrl(), "demo", "demo-token"), null,
                store, SecretSource.of(Map.of()));
        AuditLog audit = (job, a) -> audited.add(a);
        ChoreContext ctx = new ChoreContext("promote", state, platform, Clock.fixed(at, ZoneOffset.UTC), dryRun,
                new SafetyLimit(3), audit, tmp.resolve("out-" + at.getEpochSecond() + (dryRun ? "-plan" : "")));
        return ChoreRunner.run(new PromoteChore(FAST, FreezeWindowSchedules::parse), ctx, 2);
    }

    static List<Action> of(ChoreRunner.Outcome o, String verb) {
        return o.allActions().stream().filter(a -> a.verb().equals(verb)).toList();
    }

    @Test
    void dryRunShowsCandidatesGatesAndActionsAndChangesNothing() throws Exception {
        ChoreRunner.Outcome plan = run(AT, true);
        assertThat(plan.exitCode()).isZero();
        String summary = plan.report().summary();
        assertThat(summary).contains("loki: staging=6.16.0, prod=6.12.0",
                "candidate: 6.16.0 staging → prod (now 6.12.0)",
                "[pass] verified      6.16.0 runs healthy on every staging cluster (staging-eu-1, staging-us-1)",
                "[pass] soak          soaked 4d 23h ≥ 72h (git set staging to 6.16.0 at 2026-11-19T09:00:00Z, observed rollout at 2026-11-19T09:12:00Z)",
                "[pass] freeze-window outside every Deny window",
                "→ open-pr tools/loki.yaml: spec.versions.prod 6.12.0 → 6.16.0",
                "→ trigger-deploy prod-eu-1/jenkins/platform/deploy-addon: CLUSTER=prod-eu-1 ADDON=loki VERSION=6.16.0 [PLANNED]",
                "[FAIL] soak          still soaking: 2d 4h remaining (19h 51m of 72h; git set staging to 4.11.3 at 2026-11-23T13:00:00Z, observed rollout at 2026-11-23T13:09:00Z)",
                "decision: REFUSED",
                "cluster-autoscaler: staging=9.43.2, prod=9.43.2",
                "no candidate");
        assertThat(of(plan, "open-pr")).extracting(Action::status).containsExactly(Action.Status.PLANNED);
        assertThat(of(plan, "promote")).singleElement().satisfies(a -> {
            assertThat(a.target()).isEqualTo("tool/ingress-nginx");
            assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
            assertThat(a.reason()).contains("still soaking: 2d 4h remaining");
        });
        assertThat(prs(AT).listOpen("promote")).isEmpty();
        jenkins.verify(0, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
        assertThat(audited).isEmpty();
    }

    @Test
    void promotesTheSoakedToolRefusesTheSoakingOneAndASecondRunChangesNothing() throws Exception {
        ChoreRunner.Outcome first = run(AT, false);
        assertThat(first.exitCode()).isZero();
        assertThat(of(first, "open-pr")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
            assertThat(a.detail()).contains("created — PR 1");
        });
        assertThat(of(first, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
            assertThat(a.detail()).containsPattern("build #\\d+ SUCCESS");
        });
        assertThat(of(first, "promote")).extracting(Action::target).containsExactly("tool/ingress-nginx");
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));

        // the PR: only spec.versions.prod changed, the rest of the file byte-for-byte; evidence in the body
        PullRequest pr = prs(AT).find("promote", "loki-prod").orElseThrow();
        assertThat(pr.state()).isEqualTo(PullRequest.State.OPEN);
        assertThat(pr.branch()).isEqualTo("kubechores/promote/loki-prod");
        assertThat(pr.title()).isEqualTo("promote loki 6.16.0 to prod");
        assertThat(pr.body()).contains("| staging-eu-1 | 6.16.0 | helm release loki revision 2 | healthy: StatefulSet/loki: 3/3 ready",
                "\"loki 6.16.0 on staging\" set staging to 6.16.0 at 2026-11-19T09:00:00Z",
                "soak counted from 2026-11-19T09:12:00Z, passed at 2026-11-22T09:12:00Z");
        String original = Files.readString(state.root().resolve("tools/loki.yaml"));
        assertThat(branchFile("kubechores/promote/loki-prod", "tools/loki.yaml"))
                .isEqualTo(original.replace("prod: 6.12.0", "prod: 6.16.0"));
        assertThat(audited).extracting(Action::verb).containsExactlyInAnyOrder("open-pr", "trigger-deploy", "trigger-deploy");

        // second run ten minutes later: nothing new
        audited.clear();
        ChoreRunner.Outcome second = run(AT.plusSeconds(600), false);
        assertThat(of(second, "open-pr")).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED));
        assertThat(of(second, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED);
            assertThat(a.detail()).contains("already triggered: build #");
        });
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
        assertThat(prs(AT).listOpen("promote")).hasSize(1);
        assertThat(audited).isEmpty();
        assertThat(second.report().summary()).contains("[pass] in-flight     continuing the promotion of 6.16.0");
    }

    @Test
    void aRunnerThatLostItsStateFindsTheEarlierBuildsInJenkinsInsteadOfTriggeringAgain() throws Exception {
        run(AT, false);
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
        store = new MemoryStateStore(); // e.g. a new runner database
        jenkins.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/job/platform/job/deploy-addon/api/json"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        Files.readString(Path.of("src/test/resources/promote/jenkins-builds.json"))
                                .replace("JENKINS", jenkins.baseUrl()))));
        ChoreRunner.Outcome again = run(AT.plusSeconds(600), false);
        assertThat(of(again, "trigger-deploy")).extracting(Action::status, Action::detail).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Action.Status.UNCHANGED, "CLUSTER=prod-eu-1 ADDON=loki VERSION=6.16.0"
                        + " — already triggered: build #41 SUCCESS " + jenkins.baseUrl() + "/job/platform/job/deploy-addon/41/"),
                org.assertj.core.groups.Tuple.tuple(Action.Status.UNCHANGED, "CLUSTER=prod-us-1 ADDON=loki VERSION=6.16.0"
                        + " — already triggered: build #44 SUCCESS " + jenkins.baseUrl() + "/job/platform/job/deploy-addon/44/"));
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
    }

    @Test
    void laterRunVerifiesProdAndReportsTheOutcome() throws Exception {
        run(AT, false);
        // Jenkins deployed it: prod now runs 6.16.0 healthy on one cluster, crash-loops on the other
        redeploy("prod-eu-1", PromoteKubeSeed.Health.HEALTHY);
        redeploy("prod-us-1", PromoteKubeSeed.Health.CRASH_LOOPING);
        ChoreRunner.Outcome later = run(AT.plus(Duration.ofHours(2)), true);
        assertThat(later.report().summary()).contains(
                "last promotion: FAILED — 6.16.0 on prod failed verification: prod-us-1 runs 6.16.0",
                "restart storm: 14 restarts > 3");
        assertThat(later.report().warnings()).singleElement().asString()
                .startsWith("loki: 6.16.0 on prod failed verification: prod-us-1 runs 6.16.0");
        redeploy("prod-us-1", PromoteKubeSeed.Health.HEALTHY);
        ChoreRunner.Outcome healed = run(AT.plus(Duration.ofHours(3)), true);
        assertThat(healed.report().summary()).contains(
                "last promotion: VERIFIED — 6.16.0 runs healthy on every prod cluster (prod-eu-1, prod-us-1)");
    }

    @Test
    void anUnreachableStagingClusterBlocksPromotionButNotTheRun() throws Exception {
        clusters.stream().filter(c -> c.name().equals("staging-us-1")).findFirst().orElseThrow().close();
        ChoreRunner.Outcome o = run(AT, true);
        assertThat(o.partitions()).filteredOn(p -> p.isFailed()).extracting(p -> p.partition()).containsExactly("staging-us-1");
        assertThat(of(o, "promote")).extracting(Action::target).contains("tool/loki");
        assertThat(o.report().summary()).contains("[FAIL] verified      staging-us-1: not readable");
    }

    @Test
    void jenkinsRefusingAnonymousCallsFailsTheDeploysClearlyButKeepsThePr() throws Exception {
        jenkins.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                .atPriority(1).withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(403)));
        jenkinsAccess = new JenkinsAccess(jenkins.baseUrl(), null, null);
        ChoreRunner.Outcome o = run(AT, false);
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(of(o, "open-pr")).extracting(Action::status).containsExactly(Action.Status.APPLIED);
        assertThat(of(o, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.FAILED);
            assertThat(a.detail()).contains("Jenkins answered 403 — no credentials configured");
        });
        jenkins.verify(0, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
    }

    void redeploy(String cluster, PromoteKubeSeed.Health health) {
        KubernetesClient c = clients.get(cluster);
        c.apps().statefulSets().inNamespace("monitoring").withName("loki").delete();
        c.pods().inNamespace("monitoring").delete();
        c.secrets().inNamespace("monitoring").delete();
        await(() -> c.pods().inNamespace("monitoring").list().getItems().isEmpty()
                && c.apps().statefulSets().inNamespace("monitoring").list().getItems().isEmpty()
                && c.secrets().inNamespace("monitoring").list().getItems().isEmpty());
        PromoteKubeSeed.seed(c, new PromoteKubeSeed.Footprint("monitoring", "loki", "loki", "6.16.0", "3.1.1",
                "StatefulSet", "loki", "grafana/loki:3.1.1", 3, health, AT.plusSeconds(1800)));
    }

    static void await(java.util.function.BooleanSupplier s) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!s.getAsBoolean() && System.nanoTime() < end) Thread.onSpinWait();
    }

    String branchFile(String branch, String path) throws Exception {
        try (Git g = Git.open(Path.of(java.net.URI.create(remoteUrl)).toFile()); Repository r = g.getRepository();
             RevWalk w = new RevWalk(r)) {
            var commit = w.parseCommit(r.resolve("refs/heads/" + branch));
            try (TreeWalk tw = TreeWalk.forPath(r, path, commit.getTree())) {
                return new String(r.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
