package io.kubechores.runner;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubechores.KubechoresApplication;
import io.kubechores.core.Chore;
import io.kubechores.demo.DemoContribution;
import io.kubechores.demo.DemoEnvironment;
import io.kubechores.demo.DemoPlatformProvider;
import io.kubechores.platform.StateStore;
import io.kubechores.runner.ChoreLauncher.RunRequest;
import io.kubechores.runner.ChoreLauncher.RunResult;
import io.kubechores.testkit.kube.SimulatedCluster;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §1 / issue 13: a plan mutates nothing, guaranteed by the runner (it hands every dry run a read-only
 * platform), not by each job. Every job's `plan` runs at the instants of its demo steps against the demo world, and
 * every simulated server counts what it received: Kubernetes API servers (POST/PUT/PATCH/DELETE other than access
 * reviews), the git remote (refs), the local forge (its files), AWS (operations other than Get/List/Describe and STS
 * AssumeRole: the JSON protocol names the operation in X-Amz-Target, the Query protocol in Action=), Jenkins (any
 * request but GET), Slack (any request), the runner's state store and the audit trail. Then one real run of each
 * mutating job shows that the same counters do see mutations.
 */
class PlanMutatesNothingIT {
    static final List<String> ORDER = List.of("downscale", "rightsize", "quotas", "certs", "promote");
    private static final Pattern JSON_TARGET = Pattern.compile("^[A-Za-z0-9_]+\\.([A-Za-z]+)$");
    private static final Pattern QUERY_ACTION = Pattern.compile("(^|&)Action=([A-Za-z]+)");
    private static final Pattern REVIEW = Pattern.compile("^/apis/(authorization|authentication)\\.k8s\\.io/.*reviews.*");

    @TempDir
    static Path home;
    static ConfigurableApplicationContext ctx;
    static final List<String> planRuns = new ArrayList<>();
    static final SortedMap<String, List<String>> mutationsDuringPlans = new TreeMap<>();
    static final SortedMap<String, List<String>> mutationsDuringRuns = new TreeMap<>();
    static int plannedActions;

    @BeforeAll
    static void planEveryJobThenRunEach() throws Exception {
        System.setProperty("kubechores.home", home.toString());
        SpringApplication app = new SpringApplication(KubechoresApplication.class);
        app.setBannerMode(Banner.Mode.OFF);
        app.setWebApplicationType(WebApplicationType.NONE);
        ctx = app.run();
        List<DemoContribution> contributions = ctx.getBeansOfType(DemoContribution.class).values().stream()
                .sorted(java.util.Comparator.comparingInt(c -> ORDER.indexOf(c.job()))).toList();
        Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.MINUTES), ZoneId.of("UTC"));
        KubechoresProperties props = ctx.getBean(KubechoresProperties.class);
        StateStore state = ctx.getBean(StateStore.class);
        try (DemoEnvironment env = DemoEnvironment.startRecording(home.resolve("world"), clock, contributions)) {
            BatchChoreLauncher launcher = new BatchChoreLauncher(ctx.getBeansOfType(Chore.class).values().stream().<Chore<?, ?, ?>>map(c -> c).toList(),
                    ctx.getBean(JobRepository.class), ctx.getBean(JobOperator.class),
                    ctx.getBean(PlatformTransactionManager.class), ctx.getBean(DesiredStateSource.class),
                    new DemoPlatformProvider(env, state, home), props);
            drain(env); // seeding is not a job's doing
            Snapshot before = Snapshot.of(env, state, home);
            for (DemoContribution d : contributions) {
                for (DemoContribution.Step step : d.steps(clock)) {
                    RunResult r = launcher.launch(d.job(), new RunRequest(env.remoteUrl(), "main", Set.of(), true,
                            step.at(), "test"));
                    planRuns.add(d.job() + " " + step.label() + ": exit " + r.exitCode() + " " + r.failedPartitions());
                    plannedActions += r.actions().size();
                }
                mutationsDuringPlans.put(d.job(), mutations(env));
            }
            Snapshot afterPlans = Snapshot.of(env, state, home);
            mutationsDuringPlans.put("(git remote, forge, state store, audit)", before.differences(afterPlans));
            // the counters see real mutations: each mutating job's steps for real
            for (DemoContribution d : contributions) {
                for (DemoContribution.Step step : d.steps(clock)) {
                    launcher.launch(d.job(), new RunRequest(env.remoteUrl(), "main", Set.of(), false, step.at(), "test"));
                }
                mutationsDuringRuns.put(d.job(), mutations(env));
            }
            mutationsDuringRuns.put("(git remote, forge, state store, audit)", afterPlans.differences(Snapshot.of(env, state, home)));
        }
    }

    @AfterAll
    static void close() {
        planRuns.forEach(r -> System.out.println("plan " + r));
        mutationsDuringRuns.forEach((job, m) -> System.out.println("run " + job + ": " + m.size() + " mutation(s), e.g. "
                + m.stream().limit(3).toList()));
        if (ctx != null) ctx.close();
        System.clearProperty("kubechores.home");
    }

    @Test
    void everyPlanRanAndPlannedSomething() {
        assertThat(planRuns).hasSizeGreaterThanOrEqualTo(ORDER.size())
                .allSatisfy(r -> assertThat(r).contains(": exit 0 []"));
        assertThat(plannedActions).as("the plans had something to change").isPositive();
    }

    @Test
    void noServerReceivedAMutationDuringAnyPlan() {
        assertThat(mutationsDuringPlans).allSatisfy((job, m) -> assertThat(m).as(job).isEmpty());
    }

    @Test
    void theSameCountersSeeTheRealRunsMutations() {
        // downscale patches workloads, rightsize and promote push bot branches / open PRs, quotas files requests,
        // certs alerts on Slack: every mutating job's real run shows up in the counters the plans are checked with
        assertThat(mutationsDuringRuns.get("downscale")).anyMatch(m -> m.startsWith("PATCH "));
        assertThat(mutationsDuringRuns.get("quotas")).anyMatch(m -> m.contains("RequestServiceQuotaIncrease"));
        assertThat(mutationsDuringRuns.get("certs")).anyMatch(m -> m.startsWith("slack "));
        assertThat(mutationsDuringRuns.get("(git remote, forge, state store, audit)"))
                .anyMatch(m -> m.startsWith("git remote refs") && m.contains("refs/heads/kubechores/promote/")
                        && m.contains("refs/heads/kubechores/rightsize/"))
                .anyMatch(m -> m.startsWith("forge files"))
                .anyMatch(m -> m.startsWith("audit trail"));
    }

    private static void drain(DemoEnvironment env) {
        env.clusters().values().forEach(SimulatedCluster::drainRequests);
        for (WireMockServer w : List.of(env.aws(), env.jenkins(), env.slack())) w.resetRequests();
    }

    /** Mutating requests every simulated server received since the last call. */
    private static List<String> mutations(DemoEnvironment env) {
        List<String> out = new ArrayList<>();
        for (SimulatedCluster sim : env.clusters().values()) {
            for (RecordedRequest q : sim.drainRequests()) {
                String path = q.getPath();
                boolean mutating = Set.of("POST", "PUT", "PATCH", "DELETE").contains(q.getMethod())
                        && !REVIEW.matcher(path).matches() && !path.matches(".*[?&]dryRun=All(&.*)?$");
                if (mutating) out.add(q.getMethod() + " " + sim.name() + " " + path);
            }
        }
        for (ServeEvent e : env.aws().getAllServeEvents()) {
            String op = awsOperation(e);
            if (!(op.startsWith("Get") || op.startsWith("List") || op.startsWith("Describe") || op.equals("AssumeRole"))) {
                out.add("aws " + op);
            }
        }
        for (ServeEvent e : env.jenkins().getAllServeEvents()) {
            if (!e.getRequest().getMethod().getName().equals("GET")) out.add("jenkins " + e.getRequest().getMethod() + " " + e.getRequest().getUrl());
        }
        for (ServeEvent e : env.slack().getAllServeEvents()) out.add("slack " + e.getRequest().getUrl());
        for (WireMockServer w : List.of(env.aws(), env.jenkins(), env.slack())) w.resetRequests();
        return out;
    }

    /** The AWS operation: X-Amz-Target (JSON 1.1 protocol: Service Quotas, Support) or Action= (Query protocol: STS). */
    static String awsOperation(ServeEvent e) {
        String target = e.getRequest().getHeader("X-Amz-Target");
        if (target != null) {
            Matcher m = JSON_TARGET.matcher(target);
            if (m.matches()) return m.group(1);
        }
        Matcher q = QUERY_ACTION.matcher(e.getRequest().getBodyAsString());
        return q.find() ? q.group(2) : e.getRequest().getMethod() + " " + e.getRequest().getUrl();
    }

    /** What a plan must leave as it was: the remote's refs, the forge's files, the state store, the audit trail. */
    record Snapshot(Map<String, String> refs, Map<String, String> forge, Map<String, Map<String, String>> state,
                    Map<String, String> audit) {
        static Snapshot of(DemoEnvironment env, StateStore state, Path home) throws Exception {
            Map<String, String> refs = new TreeMap<>();
            for (Ref r : Git.lsRemoteRepository().setRemote(env.remoteUrl()).setHeads(true).setTags(true).call()) {
                refs.put(r.getName(), r.getObjectId().name());
            }
            Map<String, Map<String, String>> st = new TreeMap<>();
            for (String job : ORDER) st.put(job, new TreeMap<>(state.all(job)));
            return new Snapshot(refs, files(env.forgeDir()), st, files(home.resolve("audit")));
        }

        List<String> differences(Snapshot after) {
            List<String> d = new ArrayList<>();
            if (!refs.equals(after.refs)) d.add("git remote refs: " + refs + " -> " + after.refs);
            if (!forge.equals(after.forge)) d.add("forge files: " + forge.keySet() + " -> " + after.forge.keySet());
            if (!state.equals(after.state)) d.add("state store: " + state + " -> " + after.state);
            if (!audit.equals(after.audit)) d.add("audit trail: " + audit.keySet() + " -> " + after.audit.keySet());
            return d;
        }

        private static Map<String, String> files(Path dir) {
            Map<String, String> out = new TreeMap<>();
            if (!Files.isDirectory(dir)) return out;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    out.put(dir.relativize(p).toString(),
                            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }
    }
}
