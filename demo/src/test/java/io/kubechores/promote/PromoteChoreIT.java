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
import io.kubechores.testkit.jenkins.JenkinsSimulation;
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
    JenkinsClient.Limits limits = FAST;
    List<String> slack = new CopyOnWriteArrayList<>();

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

    ChoreRunner.Outcome<?> run(Instant at, boolean dryRun) throws Exception {
        Platform platform = new Platform(new StaticKubeClients(clients), prs(at), null,
                jenkinsAccess != null ? jenkinsAccess : new JenkinsAccess(jenkins.baseUrl(), "demo", "demo-token"),
                new io.kubechores.platform.notify.Notifier() {
                    public void slack(String text) { slack.add(text); }

                    public void pushMetrics(String job, String exposition) { }
                },
                store, SecretSource.of(Map.of()));
        AuditLog audit = (job, a) -> audited.add(a);
        ChoreContext ctx = new ChoreContext("promote", state, platform, Clock.fixed(at, ZoneOffset.UTC), dryRun,
                new SafetyLimit(3), audit, tmp.resolve("out-" + at.getEpochSecond() + (dryRun ? "-plan" : "")));
        return ChoreRunner.run(new PromoteChore(limits, FreezeWindowSchedules::parse), ctx, 2);
    }

    static List<Action> of(ChoreRunner.Outcome<?> o, String verb) {
        return o.allActions().stream().filter(a -> a.verb().equals(verb)).toList();
    }

    @Test
    void dryRunShowsCandidatesGatesAndActionsAndChangesNothing() throws Exception {
        ChoreRunner.Outcome<?> plan = run(AT, true);
        assertThat(plan.exitCode()).isZero();
        String summary = plan.report().summary();
        assertThat(summary).contains("loki: staging=6.16.0, prod=6.12.0",
                "candidate: 6.16.0 staging → prod (now 6.12.0)",
                "[pass] verified      6.16.0 runs healthy on every staging cluster (staging-eu-1, staging-us-1)",
                "[pass] soak          soaked 4d 23h ≥ 72h (git set staging to 6.16.0 at 2026-11-19T09:00:00Z, observed rollout at 2026-11-19T09:12:00Z)",
                "[pass] freeze-window outside every Deny window",
                "→ open-pr tools/loki.yaml: spec.versions.prod 6.12.0 → 6.16.0",
                "→ trigger-deploy prod-eu-1/jenkins/platform/deploy-addon: CLUSTER=prod-eu-1 ADDON=loki VERSION=6.16.0 COMMIT=<merge commit> [SKIPPED]",
                "2. waits for a human to merge the PR (read from git: prod wants 6.16.0 at HEAD), then triggers platform/deploy-addon per prod cluster with the merge commit as {commit}",
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

    /**
     * Deploy only what was merged: with pullRequest and jenkins, the first run opens the PR and triggers nothing; the
     * deploys start only once git (HEAD of the desired state) has the PR's version for prod, and carry the merge
     * commit. A --no-ff merge is dated by the merge commit, not the branch commit.
     */
    @Test
    void opensThePrFirstAndDeploysTheMergeCommitOnlyAfterThePrMerged() throws Exception {
        ChoreRunner.Outcome<?> first = run(AT, false);
        assertThat(first.exitCode()).isZero();
        assertThat(of(first, "open-pr")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
            assertThat(a.detail()).contains("created — PR 1");
        });
        assertThat(of(first, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
            assertThat(a.reason()).isEqualTo("waits for the PR to merge: deploys only what git says");
        });
        assertThat(of(first, "promote")).extracting(Action::target).containsExactly("tool/ingress-nginx");
        jenkins.verify(0, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));

        // the PR: only spec.versions.prod changed, the rest of the file byte-for-byte; evidence in the body
        PullRequest pr = prs(AT).find("promote", "loki-prod").orElseThrow();
        assertThat(pr.state()).isEqualTo(PullRequest.State.OPEN);
        assertThat(pr.branch()).isEqualTo("kubechores/promote/loki-prod");
        assertThat(pr.title()).isEqualTo("kubechores(promote): promote loki 6.16.0 to prod");
        assertThat(pr.body()).contains("| staging-eu-1 | 6.16.0 | helm release loki revision 2 | healthy: StatefulSet/loki: 3/3 ready",
                "\"loki 6.16.0 on staging\" set staging to 6.16.0 at 2026-11-19T09:00:00Z",
                "soak counted from 2026-11-19T09:12:00Z, passed at 2026-11-22T09:12:00Z",
                "**6.12.0 → 6.16.0** (minor bump)",
                "- 2026-11-24T09:00:00Z – 2026-11-24T09:00:00Z: healthy on 6.16.0",
                "2. waits for a human to merge the PR")
                .containsPattern("Generated by kubechores run \\S+ \\(job promote\\)");
        assertThat(pr.labels()).containsExactly("kubechores", "promote");
        String original = Files.readString(state.root().resolve("tools/loki.yaml"));
        assertThat(branchFile("kubechores/promote/loki-prod", "tools/loki.yaml"))
                .isEqualTo(original.replace("prod: 6.12.0", "prod: 6.16.0"));
        assertThat(audited).extracting(Action::verb).containsExactly("open-pr");

        // ten minutes later, not merged: nothing new, still no deploy, the PR body unchanged
        audited.clear();
        ChoreRunner.Outcome<?> second = run(AT.plusSeconds(600), false);
        assertThat(of(second, "open-pr")).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED));
        assertThat(second.report().summary()).contains("last promotion: WAITING_FOR_MERGE — PR kubechores/promote/loki-prod");
        jenkins.verify(0, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
        assertThat(audited).isEmpty();

        // a human merges the PR (--no-ff) an hour later; the next run deploys prod with the merge commit
        String merge = mergePr("kubechores/promote/loki-prod", AT.plus(Duration.ofHours(1)));
        ChoreRunner.Outcome<?> third = run(AT.plus(Duration.ofMinutes(70)), false);
        assertThat(of(third, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
            assertThat(a.detail()).contains("COMMIT=" + merge).containsPattern("build #\\d+ SUCCESS");
            assertThat(a.reason()).isEqualTo("PR merged in " + merge.substring(0, 12) + " at 2026-11-24T10:00:00Z: prod wants 6.16.0");
        });
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("COMMIT=" + merge)));
        assertThat(third.report().summary()).contains("trigger platform/deploy-addon for prod (prod-eu-1, prod-us-1)");

        // and a fourth run changes nothing
        ChoreRunner.Outcome<?> fourth = run(AT.plus(Duration.ofMinutes(80)), false);
        assertThat(of(fourth, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED);
            assertThat(a.detail()).contains("already triggered: build #");
        });
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
    }

    @Test
    void aRunnerThatLostItsStateFindsTheEarlierBuildsInJenkinsInsteadOfTriggeringAgain() throws Exception {
        run(AT, false);
        String merge = mergePr("kubechores/promote/loki-prod", AT.plus(Duration.ofHours(1)));
        run(AT.plus(Duration.ofMinutes(70)), false);
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
        MemoryStateStore lost = new MemoryStateStore(); // e.g. a new runner database, which still has the record
        store.all("promote").forEach((k, v) -> { if (k.startsWith("promotion/")) lost.put("promote", k, v); });
        store = lost;
        jenkins.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/job/platform/job/deploy-addon/api/json"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        Files.readString(Path.of("src/test/resources/promote/jenkins-builds.json"))
                                .replace("JENKINS", jenkins.baseUrl()).replace("MERGE", merge))));
        ChoreRunner.Outcome<?> again = run(AT.plus(Duration.ofMinutes(80)), false);
        assertThat(of(again, "trigger-deploy")).extracting(Action::status, Action::detail).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Action.Status.UNCHANGED, "CLUSTER=prod-eu-1 ADDON=loki VERSION=6.16.0 COMMIT=" + merge
                        + " — already triggered: build #41 SUCCESS " + jenkins.baseUrl() + "/job/platform/job/deploy-addon/41/"),
                org.assertj.core.groups.Tuple.tuple(Action.Status.UNCHANGED, "CLUSTER=prod-us-1 ADDON=loki VERSION=6.16.0 COMMIT=" + merge
                        + " — already triggered: build #44 SUCCESS " + jenkins.baseUrl() + "/job/platform/job/deploy-addon/44/"));
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
    }

    /**
     * Against a Jenkins that forgets a left queue item five minutes after the build started (hudson.model.Queue
     * leftItems, expireAfterWrite(5 * 60, SECONDS)): the builds are still running when the deploying run's limits
     * run out; the next run, ten minutes later, follows the recorded build numbers (no queue poll, no 404, no
     * FAILED) to SUCCESS.
     */
    @Test
    void aLaterRunFollowsTheRecordedBuildsAfterJenkinsForgotTheQueueItems() throws Exception {
        JenkinsSimulation sim = JenkinsSimulation.launch();
        try {
            jenkinsAccess = new JenkinsAccess(sim.baseUrl(), "bot", "token");
            limits = new JenkinsClient.Limits(Duration.ofMillis(5), Duration.ofSeconds(5), Duration.ofMillis(50));
            sim.holdBuilds = true;
            run(AT, false);
            String merge = mergePr("kubechores/promote/loki-prod", AT.plus(Duration.ofHours(1)));
            sim.at(AT.plus(Duration.ofMinutes(70)));
            ChoreRunner.Outcome<?> deploying = run(AT.plus(Duration.ofMinutes(70)), false);
            assertThat(of(deploying, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(Action.Status.APPLIED);
                assertThat(a.detail()).containsPattern("build #[12] running");
            });
            assertThat(sim.triggered()).extracting(p -> p.get("COMMIT")).containsExactly(merge, merge);

            sim.at(AT.plus(Duration.ofMinutes(80))).holdBuilds = false;
            ChoreRunner.Outcome<?> later = run(AT.plus(Duration.ofMinutes(80)), false);
            assertThat(of(later, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(Action.Status.UNCHANGED);
                assertThat(a.detail()).containsPattern("already triggered: build #[12] SUCCESS");
            });
            assertThat(sim.forgottenQueuePolls()).isZero();
            assertThat(sim.triggered()).hasSize(2);
            assertThat(later.exitCode()).isZero();
        } finally {
            sim.stop();
        }
    }

    /**
     * Soak is time healthy: staging-eu-1 crash-looped in a run two hours ago (its Helm release, and so the rollout
     * time, is five days old); the soak restarts at the first healthy sample after it, and the PR opened once it has
     * soaked shows the timeline.
     */
    @Test
    void anUnhealthySampleInTheMiddleRestartsTheSoakAndThePrShowsTheTimeline() throws Exception {
        Instant released = AT.minus(Duration.ofDays(5)).plus(Duration.ofMinutes(12));
        redeploy("staging-eu-1", "6.16.0", PromoteKubeSeed.Health.CRASH_LOOPING, released);
        ChoreRunner.Outcome<?> sick = run(AT.minus(Duration.ofHours(2)), false);
        assertThat(sick.report().summary()).contains("[FAIL] verified      staging-eu-1: unhealthy");
        redeploy("staging-eu-1", "6.16.0", PromoteKubeSeed.Health.HEALTHY, released);

        ChoreRunner.Outcome<?> healed = run(AT, false);
        assertThat(healed.report().summary()).contains("[FAIL] soak          still soaking: 3d remaining (0s of 72h; "
                + "git set staging to 6.16.0 at 2026-11-19T09:00:00Z, observed rollout at 2026-11-19T09:12:00Z, "
                + "healthy in every sample since 2026-11-24T09:00:00Z (an unhealthy sample before restarted the soak))");
        assertThat(prs(AT).listOpen("promote")).isEmpty();
        run(AT.plus(Duration.ofHours(30)), false);

        Instant soaked = AT.plus(Duration.ofHours(73)); // Friday 10:00 Berlin, before the Friday-afternoon freeze
        ChoreRunner.Outcome<?> promoted = run(soaked, false);
        assertThat(of(promoted, "open-pr")).filteredOn(a -> a.target().equals("tools/loki.yaml")).singleElement()
                .satisfies(a -> assertThat(a.status()).isEqualTo(Action.Status.APPLIED));
        PullRequest pr = prs(soaked).find("promote", "loki-prod").orElseThrow();
        assertThat(pr.body()).contains("soak counted from 2026-11-24T09:00:00Z, passed at 2026-11-27T09:00:00Z",
                "- 2026-11-24T07:00:00Z – 2026-11-24T07:00:00Z: UNHEALTHY on 6.16.0: staging-eu-1 StatefulSet/loki:",
                "- 2026-11-24T09:00:00Z – 2026-11-27T10:00:00Z: healthy on 6.16.0");
    }

    @Test
    void laterRunVerifiesProdAndReportsTheOutcome() throws Exception {
        run(AT, false);
        // Jenkins deployed it: prod now runs 6.16.0 healthy on one cluster, crash-loops on the other
        redeploy("prod-eu-1", PromoteKubeSeed.Health.HEALTHY);
        redeploy("prod-us-1", PromoteKubeSeed.Health.CRASH_LOOPING);
        ChoreRunner.Outcome<?> later = run(AT.plus(Duration.ofHours(2)), true);
        assertThat(later.report().summary()).contains(
                "last promotion: FAILED — 6.16.0 on prod failed verification: prod-us-1 runs 6.16.0",
                "restart storm: 14 restarts > 3");
        assertThat(later.report().warnings()).singleElement().asString()
                .startsWith("loki: 6.16.0 on prod failed verification: prod-us-1 runs 6.16.0");
        redeploy("prod-us-1", PromoteKubeSeed.Health.HEALTHY);
        ChoreRunner.Outcome<?> healed = run(AT.plus(Duration.ofHours(3)), true);
        assertThat(healed.report().summary()).contains(
                "last promotion: VERIFIED — 6.16.0 runs healthy on every prod cluster (prod-eu-1, prod-us-1)");
    }

    @Test
    void anUnreachableStagingClusterBlocksPromotionButNotTheRun() throws Exception {
        clusters.stream().filter(c -> c.name().equals("staging-us-1")).findFirst().orElseThrow().close();
        ChoreRunner.Outcome<?> o = run(AT, true);
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
        ChoreRunner.Outcome<?> pr = run(AT, false);
        assertThat(pr.exitCode()).isZero();
        assertThat(of(pr, "open-pr")).extracting(Action::status).containsExactly(Action.Status.APPLIED);
        mergePr("kubechores/promote/loki-prod", AT.plus(Duration.ofHours(1)));
        ChoreRunner.Outcome<?> o = run(AT.plus(Duration.ofMinutes(70)), false);
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(of(o, "trigger-deploy")).hasSize(2).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo(Action.Status.FAILED);
            assertThat(a.detail()).contains("Jenkins answered 403 — no credentials configured");
        });
        jenkins.verify(0, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
    }

    /**
     * A promotion whose deploy never shows up on a cluster (the Jenkins job "succeeded" but prod-us-1 still runs the
     * old version) is FAILED once spec.progressDeadline (default 2h) has passed since that cluster's deploy, posted to
     * Slack once, and holds the tool's next promotion.
     */
    @Test
    void aPromotionStuckInProgressFailsAtTheProgressDeadlineAndIsNotifiedOnce() throws Exception {
        run(AT, false);
        mergePr("kubechores/promote/loki-prod", AT.plus(Duration.ofHours(1)));
        run(AT.plus(Duration.ofMinutes(70)), false); // deploys triggered at 10:10
        redeploy("prod-eu-1", PromoteKubeSeed.Health.HEALTHY);
        ChoreRunner.Outcome<?> within = run(AT.plus(Duration.ofHours(3)), false);
        assertThat(within.report().summary()).contains("last promotion: IN_PROGRESS — 6.16.0 not yet running on prod: prod-us-1 runs 6.12.0");
        assertThat(slack).noneSatisfy(m -> assertThat(m).contains("FAILED*"))
                .anySatisfy(m -> assertThat(m).contains("• loki: trigger-deploy prod-us-1/jenkins/platform/deploy-addon — APPLIED"));

        ChoreRunner.Outcome<?> late = run(AT.plus(Duration.ofMinutes(70 + 121)), false);
        assertThat(late.report().summary()).contains("last promotion: FAILED — 6.16.0 on prod did not run within the progress "
                + "deadline 2h: prod-us-1 (deploy triggered 2026-11-24T10:10:00Z)");
        assertThat(late.report().warnings()).anySatisfy(w -> assertThat(w).startsWith("loki: 6.16.0 on prod did not run within"));
        assertThat(slack).filteredOn(m -> m.contains("FAILED*")).singleElement().asString()
                .contains("promote loki 6.16.0 to prod FAILED", "prod-us-1");
        run(AT.plus(Duration.ofHours(4)), false);
        assertThat(slack).filteredOn(m -> m.contains("FAILED*")).hasSize(1);
    }

    /**
     * Waves from Cluster metadata: prod-eu-1 is labelled promotion.wave "0", prod-us-1 "1", and loki has waveSoak 2h.
     * After the merge only wave 0 is deployed; wave 1 waits until wave 0 has run 6.16.0 healthy for 2h (counted from
     * the first healthy sample on the new version), then it is deployed.
     */
    @Test
    void deploysWaveByWaveEachWaveSoakingBeforeTheNext() throws Exception {
        Path root = state.root();
        for (String[] c : new String[][]{{"prod-eu-1", "0"}, {"prod-us-1", "1"}}) {
            Path f = root.resolve("clusters/" + c[0] + ".yaml");
            Files.writeString(f, Files.readString(f).replaceFirst("labels:\n", "labels:\n    promotion.wave: \"" + c[1] + "\"\n"));
        }
        Path loki = root.resolve("tools/loki.yaml");
        Files.writeString(loki, Files.readString(loki).replace("  soak: 72h\n", "  soak: 72h\n  waveSoak: 2h\n"));
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent(new PersonIdent("Platform", "p@acme.example"), AT.minus(Duration.ofDays(1)), ZoneOffset.UTC);
        state = new DesiredStateLoader().load(root, git.commit().setMessage("prod waves").setAuthor(who).setCommitter(who).call().getName());
        git.push().setRemote(remoteUrl).add("main").call();

        run(AT, false);
        mergePr("kubechores/promote/loki-prod", AT.plus(Duration.ofHours(1)));
        ChoreRunner.Outcome<?> wave0 = run(AT.plus(Duration.ofMinutes(70)), false);
        assertThat(of(wave0, "trigger-deploy")).extracting(Action::target, Action::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("prod-eu-1/jenkins/platform/deploy-addon", Action.Status.APPLIED));
        assertThat(wave0.report().summary()).contains("1. trigger platform/deploy-addon for wave 0 (prod-eu-1)",
                "2. wave 1 (prod-us-1) waits for wave 0 (prod-eu-1) to run 6.16.0 healthy for 2h");
        jenkins.verify(1, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));

        redeploy("prod-eu-1", "6.16.0", PromoteKubeSeed.Health.HEALTHY, AT.plus(Duration.ofMinutes(75)));
        ChoreRunner.Outcome<?> soaking = run(AT.plus(Duration.ofHours(2)), false);
        assertThat(soaking.report().summary()).contains("wave 0 (prod-eu-1) runs 6.16.0 healthy, soaking: 2h remaining of 2h");
        run(AT.plus(Duration.ofHours(3)), false);
        jenkins.verify(1, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));

        ChoreRunner.Outcome<?> wave1 = run(AT.plus(Duration.ofMinutes(4 * 60 + 10)), false);
        assertThat(of(wave1, "trigger-deploy")).extracting(Action::target, Action::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("prod-us-1/jenkins/platform/deploy-addon", Action.Status.APPLIED));
        assertThat(wave1.report().summary()).contains("1. wave 0 (prod-eu-1) runs 6.16.0 healthy and soaked 2h",
                "2. trigger platform/deploy-addon for wave 1 (prod-us-1)");
        jenkins.verify(2, postRequestedFor(urlEqualTo("/job/platform/job/deploy-addon/buildWithParameters")));
    }

    /**
     * The downgrade of the issue: staging on 6.16.0, prod on a 6.17.0 hotfix. Promote opens no PR setting prod to
     * 6.16.0; it reports that prod is ahead (NEEDS_HUMAN) in the plan, the HTML report and Slack (once).
     */
    @Test
    void prodAheadOfStagingIsReportedAsNeedingAHumanNeverDowngraded() throws Exception {
        Path loki = state.root().resolve("tools/loki.yaml");
        Files.writeString(loki, Files.readString(loki).replace("prod: 6.12.0", "prod: 6.17.0"));
        git.add().addFilepattern("tools/loki.yaml").call();
        PersonIdent who = new PersonIdent(new PersonIdent("Oncall", "o@acme.example"), AT.minus(Duration.ofHours(5)), ZoneOffset.UTC);
        String head = git.commit().setMessage("loki 6.17.0 hotfix on prod").setAuthor(who).setCommitter(who).call().getName();
        state = new DesiredStateLoader().load(state.root(), head);

        ChoreRunner.Outcome<?> o = run(AT, false);
        assertThat(o.exitCode()).isZero();
        assertThat(o.report().summary()).contains("candidate: 6.16.0 staging → prod (now 6.17.0)",
                "[FAIL] version-order prod is ahead of staging (6.17.0 > 6.16.0): promote never proposes a lower version",
                "decision: NEEDS_HUMAN");
        assertThat(of(o, "open-pr")).filteredOn(a -> a.target().equals("tools/loki.yaml")).isEmpty();
        assertThat(prs(AT).find("promote", "loki-prod")).isEmpty();
        assertThat(Files.readString(o.report().artifacts().stream().filter(p -> p.toString().endsWith("promote-report.html"))
                .findFirst().orElseThrow())).contains("<h2>loki</h2>", "NEEDS_HUMAN", "prod is ahead of staging");
        assertThat(slack).filteredOn(m -> m.contains("needs a human")).singleElement().asString().contains("loki: needs a human");
        run(AT.plusSeconds(600), false);
        assertThat(slack).filteredOn(m -> m.contains("needs a human")).hasSize(1);
    }

    void redeploy(String cluster, PromoteKubeSeed.Health health) {
        redeploy(cluster, "6.16.0", health, AT.plusSeconds(1800));
    }

    /** A human merges the PR branch into main with --no-ff at the given time; the desired state is re-read. */
    String mergePr(String branch, Instant when) throws Exception {
        git.fetch().setRemote(remoteUrl).setRefSpecs(new org.eclipse.jgit.transport.RefSpec(
                "+refs/heads/" + branch + ":refs/remotes/forge/" + branch)).call();
        git.merge().include(git.getRepository().resolve("refs/remotes/forge/" + branch))
                .setFastForward(org.eclipse.jgit.api.MergeCommand.FastForwardMode.NO_FF).setCommit(false).call();
        PersonIdent who = new PersonIdent(new PersonIdent("Reviewer", "r@acme.example"), when, ZoneOffset.UTC);
        String sha = git.commit().setMessage("Merge " + branch).setAuthor(who).setCommitter(who).call().getName();
        state = new DesiredStateLoader().load(state.root(), sha);
        return sha;
    }

    void redeploy(String cluster, String version, PromoteKubeSeed.Health health, Instant deployedAt) {
        KubernetesClient c = clients.get(cluster);
        c.apps().statefulSets().inNamespace("monitoring").withName("loki").delete();
        c.pods().inNamespace("monitoring").delete();
        c.secrets().inNamespace("monitoring").delete();
        await(() -> c.pods().inNamespace("monitoring").list().getItems().isEmpty()
                && c.apps().statefulSets().inNamespace("monitoring").list().getItems().isEmpty()
                && c.secrets().inNamespace("monitoring").list().getItems().isEmpty());
        PromoteKubeSeed.seed(c, new PromoteKubeSeed.Footprint("monitoring", "loki", "loki", version, "3.1.1",
                "StatefulSet", "loki", "grafana/loki:3.1.1", 3, health, deployedAt));
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
