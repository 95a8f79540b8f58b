package io.kubechores.promote;

import io.kubechores.core.Durations;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubechores.core.Action;
import io.kubechores.core.Chore;
import io.kubechores.core.ChoreContext;
import io.kubechores.core.ChoreReport;
import io.kubechores.core.ChoreRunner;
import io.kubechores.platform.MemoryStateStore;
import io.kubechores.core.PartitionPlan;
import io.kubechores.core.PartitionResult;
import io.kubechores.platform.StateStore;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.SafePaths;
import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.platform.forge.PullRequest;
import io.kubechores.platform.forge.PullRequestRequest;
import io.kubechores.platform.forge.PullRequestResult;
import io.kubechores.platform.forge.PullRequestService;
import io.kubechores.platform.git.GitHistory;
import io.kubechores.platform.jenkins.JenkinsAccess;
import io.kubechores.platform.jenkins.JenkinsClient;
import io.kubechores.platform.kube.PromoteKube;
import io.kubechores.platform.notify.Notifier;
import io.kubechores.promote.PromotionPlanner.DeployStep;
import io.kubechores.promote.PromotionPlanner.Promotion;
import io.kubechores.promote.PromotionPlanner.ToolInput;
import io.kubechores.promote.PromotionPlanner.ToolPlan;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * promote: rolls tool versions out environment by environment from evidence.
 * <p>
 * Partitions are clusters: each one reads, for every Tool, which version runs there and whether it is healthy (one
 * unreachable cluster only fails verification of the environments it belongs to). finish() then plans every tool
 * ({@link PromotionPlanner}) with the git history of its versions, and — unless dry run — opens/updates the promotion
 * PR and triggers the Jenkins deploy per cluster of the next environment, following each build to its result.
 * <p>
 * Idempotency: the PR is upserted (one per topic &lt;tool&gt;-&lt;env&gt;, body built only from stable evidence so a
 * second run finds it UNCHANGED). A triggered deploy is remembered in the job's StateStore under
 * deploy/&lt;tool&gt;/&lt;cluster&gt;/&lt;version&gt; (queue item, build, result); when that record is missing (a new
 * runner database) the Jenkins job's recent builds are searched for a build with the same parameters before
 * triggering. The running promotion is kept under promotion/&lt;tool&gt; for the one-in-flight gate and the later
 * verification of the target environment.
 */
@Component
public class PromoteChore implements Chore<PartitionPlan<Map<String, ClusterToolState>>, Map<String, ClusterToolState>, PromoteChore.RollUp> {
    public static final String NAME = "promote";
    private static final Logger log = LoggerFactory.getLogger(PromoteChore.class);
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private static final String OBS = "observations";

    private final JenkinsClient.Limits jenkinsLimits;
    private final PromoteApply applier;
    private final FreezeWindows.ScheduleParser scheduleParser;
    private final StateStore fallbackState = new MemoryStateStore();

    public PromoteChore() {
        this(JenkinsClient.Limits.DEFAULT, FreezeWindowSchedules::parse);
    }

    /**
     * Spring: how long one run follows a triggered Jenkins build (a build still queued or running then is followed
     * up by the next run): kubechores.promote.jenkins.poll-interval / queue-timeout / build-timeout (e.g. 5s, 5m, 20m).
     */
    @Autowired
    public PromoteChore(@Value("${kubechores.promote.jenkins.poll-interval:5s}") String pollInterval,
                        @Value("${kubechores.promote.jenkins.queue-timeout:5m}") String queueTimeout,
                        @Value("${kubechores.promote.jenkins.build-timeout:20m}") String buildTimeout) {
        this(new JenkinsClient.Limits(Durations.parse(pollInterval), Durations.parse(queueTimeout),
                Durations.parse(buildTimeout)), FreezeWindowSchedules::parse);
    }

    public PromoteChore(JenkinsClient.Limits jenkinsLimits, FreezeWindows.ScheduleParser scheduleParser) {
        this.jenkinsLimits = jenkinsLimits;
        this.applier = new PromoteApply(jenkinsLimits);
        this.scheduleParser = scheduleParser;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Promote tool versions to the next environment once verified healthy and soaked (PR and/or Jenkins)";
    }

    @Override
    public List<String> partitions(ChoreContext ctx) {
        List<String> envs = ctx.state().fleetSpec().environments();
        return ctx.state().clusters().stream().filter(c -> envs.contains(c.spec().environment()))
                .map(Resource::name).toList();
    }

    @Override
    public PartitionPlan<Map<String, ClusterToolState>> plan(ChoreContext ctx, String partition) {
        Resource<ClusterSpec> cluster = ctx.state().cluster(partition).orElseThrow();
        KubernetesClient client = ctx.platform().kube().client(cluster);
        Map<String, ClusterToolState> byTool = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        int failures = 0;
        String lastError = null;
        for (Resource<ToolSpec> tool : ctx.state().tools()) {
            ToolSpec s = tool.spec();
            try {
                var obs = PromoteKube.observe(client, new PromoteKube.Query(s.namespace(),
                        s.chart() == null ? null : (s.releaseName() == null ? tool.name() : s.releaseName()),
                        s.healthChecks().stream().map(h -> new PromoteKube.Check(h.kind(), h.name())).toList()));
                byTool.put(tool.name(), Verification.evaluate(partition, cluster.spec().environment(), s, obs));
            } catch (RuntimeException e) {
                failures++;
                lastError = ChoreRunner.describe(e);
                byTool.put(tool.name(), ClusterToolState.unreachable(partition, cluster.spec().environment(), lastError));
                warnings.add(tool.name() + " on " + partition + ": " + lastError);
            }
        }
        if (failures > 0 && failures == ctx.state().tools().size()) {
            return PartitionPlan.of(new PartitionResult<>(partition, lastError, List.of(), List.of(), byTool));
        }
        return PartitionPlan.of(PartitionResult.ok(partition, List.of(), warnings, byTool));
    }

    /**
     * One tool's roll-up: its plan across the environments, the PR body, the evidence, this run's health sample to
     * keep, and its actions (PLANNED until applied).
     */
    public record ToolRollUp(Resource<ToolSpec> tool, ToolPlan plan, String prBody,
                             GitHistory.ValueSetAt gitEvidence, PromotionRecord record,
                             Map<String, List<HealthHistory.Span>> healthToKeep, List<Action> actions) {}

    /** promote's roll-up: every tool's plan (reads only) and, once applied, what was done. */
    public record RollUp(List<ToolRollUp> tools, List<String> warnings) implements io.kubechores.core.RollUp {
        @Override
        public List<Action> actions() {
            return tools.stream().flatMap(t -> t.actions().stream()).toList();
        }

        List<ToolReport> reports() {
            return tools.stream().map(t -> new ToolReport(t.plan(), t.actions(), t.gitEvidence())).toList();
        }
    }

    @Override
    public RollUp rollUp(ChoreContext ctx, List<PartitionResult<Map<String, ClusterToolState>>> results) {
        DesiredState state = ctx.state();
        FleetSpec fleet = state.fleetSpec();
        StateStore store = store(ctx);
        Map<String, PartitionResult<Map<String, ClusterToolState>>> byCluster = new HashMap<>();
        results.forEach(r -> byCluster.put(r.partition(), r));
        List<String> warnings = new ArrayList<>();
        List<FreezeWindow> windows = windows(fleet, warnings);
        List<ToolRollUp> tools = new ArrayList<>();
        for (Resource<ToolSpec> tool : state.tools()) {
            List<ClusterToolState> observations = new ArrayList<>();
            for (Resource<ClusterSpec> c : state.clusters()) {
                if (!fleet.environments().contains(c.spec().environment())) continue;
                PartitionResult<Map<String, ClusterToolState>> r = byCluster.get(c.name());
                Map<String, ClusterToolState> data = r == null ? null : r.data();
                ClusterToolState o = data == null ? null : data.get(tool.name());
                observations.add(o != null ? o : ClusterToolState.unreachable(c.name(), c.spec().environment(),
                        r == null ? "not observed" : String.valueOf(r.error())));
            }
            Map<String, Instant> setAt = new HashMap<>();
            Map<String, String> setBy = new HashMap<>();
            Map<String, GitHistory.ValueSetAt> gitEvidence = new HashMap<>();
            for (String env : tool.spec().versions().keySet()) {
                try {
                    GitHistory.whenValueSet(state.root(), tool.location().file(), "Tool", tool.name(),
                            List.of("spec", "versions", env)).ifPresent(v -> {
                        setAt.put(env, v.committedAt());
                        setBy.put(env, v.commit());
                        gitEvidence.put(env, v);
                    });
                } catch (RuntimeException e) {
                    warnings.add(tool.name() + ": git history unreadable: " + ChoreRunner.describe(e));
                }
            }
            // this run's health sample, per environment (kept only by a real run: applyRollUp)
            Map<String, List<HealthHistory.Span>> health = new HashMap<>();
            Map<String, List<HealthHistory.Span>> toKeep = new LinkedHashMap<>();
            for (String env : fleet.environments()) {
                String key = "health/" + tool.name() + "/" + env;
                List<HealthHistory.Span> before = readSpans(store, key);
                List<HealthHistory.Span> after = HealthHistory.append(before, ctx.clock().instant(),
                        HealthHistory.sample(observations.stream().filter(o -> env.equals(o.environment())).toList()));
                health.put(env, after);
                if (!after.equals(before)) toKeep.put(key, after);
            }
            PromotionRecord record = readRecord(store, tool.name());
            Promotion previous = null;
            if (record != null) {
                boolean abandoned = ctx.platform().pullRequests() != null && record.topic() != null
                        && ctx.platform().pullRequests().find(NAME, record.topic())
                        .map(pr -> pr.state() == PullRequest.State.CLOSED).orElse(false);
                Map<String, Instant> deployedAt = new HashMap<>();
                for (Resource<ClusterSpec> c : state.clusters()) {
                    if (!record.to().equals(c.spec().environment())) continue;
                    DeployRecord dr = readJson(store, "deploy/" + tool.name() + "/" + c.name() + "/" + record.version(), DeployRecord.class);
                    if (dr != null && dr.triggeredAt() != null) deployedAt.put(c.name(), dr.triggeredAt());
                }
                previous = new Promotion(record.version(), record.to(), record.startedAt(), abandoned, deployedAt);
            }
            ToolPlan plan = PromotionPlanner.plan(new ToolInput(tool.name(), tool.spec(), fleet.environments(),
                    observations, setAt, setBy, health, waves(state), previous, windows, fleet.isPaused(NAME)), ctx.clock());
            Instant evidenceUntil = record != null && plan.candidate() != null && record.version().equals(plan.candidate().version())
                    && record.to().equals(plan.candidate().to()) ? record.startedAt() : ctx.clock().instant();
            String prBody = plan.pr() == null ? null : prBody(plan, tool, gitEvidence, windows, health, evidenceUntil);
            if (plan.outcome() == PromotionPlanner.Outcome.FAILED) warnings.add(tool.name() + ": " + plan.outcomeDetail());
            tools.add(new ToolRollUp(tool, plan, prBody, gitEvidence.get(plan.candidate() == null ? "" : plan.candidate().from()),
                    record, toKeep, plan.actions()));
        }
        return new RollUp(tools, warnings);
    }

    /** Keeps the health samples, opens the PRs, triggers the deploys, tells Slack: real runs only. */
    @Override
    public RollUp applyRollUp(ChoreContext ctx, RollUp rollUp) {
        StateStore store = store(ctx);
        List<String> warnings = new ArrayList<>(rollUp.warnings());
        List<ToolRollUp> done = new ArrayList<>();
        for (ToolRollUp t : rollUp.tools()) {
            t.healthToKeep().forEach((key, spans) -> writeJson(store, key, spans));
            List<Action> actions = applier.apply(ctx, store, t.tool(), t.plan(), t.prBody());
            if (t.plan().outcome() == PromotionPlanner.Outcome.FAILED && t.record() != null) {
                PromoteApply.notifyFailed(ctx, store, t.tool().name(), t.record(), t.plan(), warnings);
            }
            done.add(new ToolRollUp(t.tool(), t.plan(), t.prBody(), t.gitEvidence(), t.record(), t.healthToKeep(), actions));
        }
        RollUp applied = new RollUp(done, warnings);
        PromoteApply.notifyRun(ctx, store, applied.reports(), warnings);
        return new RollUp(done, List.copyOf(warnings));
    }

    @Override
    public ChoreReport report(ChoreContext ctx, List<PartitionResult<Map<String, ClusterToolState>>> results,
                              RollUp rollUp) {
        List<Path> artifacts = new ArrayList<>();
        for (ToolRollUp t : rollUp.tools()) {
            if (t.prBody() != null) {
                artifacts.add(Reports.write(ctx.outputDir(), "promote-pr-" + t.tool().name() + ".md", t.prBody()));
            }
        }
        List<ToolReport> reports = rollUp.reports();
        List<Action> actions = rollUp.actions();
        Map<String, Object> model = new HashMap<>();
        model.put("tools", reports);
        model.put("dryRun", ctx.dryRun());
        model.put("now", ctx.clock().instant());
        String console = Reports.render("console/promote-plan.ftl", model);
        artifacts.add(Reports.write(ctx.outputDir(), "promote-plan.txt", console));
        artifacts.add(Reports.write(ctx.outputDir(), "promote-plan.json", Reports.json(reports)));
        Map<String, Object> html = new HashMap<>(model);
        html.put("title", "kubechores promote " + (ctx.dryRun() ? "plan (dry run)" : "run") + " at " + ctx.clock().instant());
        long needsHuman = reports.stream().filter(r -> r.plan().decision() == PromotionPlanner.Decision.NEEDS_HUMAN).count();
        html.put("summary", reports.size() + " tools; " + actions.stream().filter(a -> a.status() == Action.Status.APPLIED).count()
                + " actions applied, " + actions.stream().filter(a -> a.status() == Action.Status.FAILED).count() + " failed, "
                + needsHuman + " need a human");
        html.put("warnings", rollUp.warnings());
        artifacts.add(Reports.write(ctx.outputDir(), "promote-report.html", Reports.render("html/promote-report.ftl", html)));
        return new ChoreReport(console, List.of(), List.of(), artifacts, false);
    }

    private StateStore store(ChoreContext ctx) {
        return ctx.platform().state() != null ? ctx.platform().state() : fallbackState;
    }

    private List<FreezeWindow> windows(FleetSpec fleet, List<String> warnings) {
        try {
            return FreezeWindows.from(fleet, scheduleParser);
        } catch (RuntimeException e) {
            String why = "freeze windows unreadable (" + e.getMessage() + "): treated as on";
            warnings.add(why);
            return List.of(new FreezeWindow("freeze-windows", false, t -> true, why));
        }
    }

    /** One tool's plan and what was done, for the console/JSON reports. */
    public record ToolReport(ToolPlan plan, List<Action> actions, GitHistory.ValueSetAt gitEvidence) {}

    /** What is remembered about the running promotion of a tool. */
    public record PromotionRecord(String version, String from, String to, Instant startedAt, String topic) {}

    /** What is remembered about one triggered deploy. */
    public record DeployRecord(String queueUrl, Long buildNumber, String buildUrl, String status, String result,
                               Instant triggeredAt, Map<String, String> parameters) {}

    private String prBody(ToolPlan plan, Resource<ToolSpec> tool, Map<String, GitHistory.ValueSetAt> git,
                          List<FreezeWindow> windows, Map<String, List<HealthHistory.Span>> health, Instant until) {
        var c = plan.candidate();
        Map<String, Object> m = new HashMap<>();
        m.put("tool", tool.name());
        m.put("spec", tool.spec());
        m.put("candidate", c);
        m.put("bump", c.bump() == null ? "" : c.bump());
        List<ClusterToolState> earlier = plan.observations().stream().filter(o -> o.environment().equals(c.from())).toList();
        m.put("earlier", earlier);
        m.put("target", plan.observations().stream().filter(o -> o.environment().equals(c.to())).toList());
        m.put("git", git.get(c.from()));
        m.put("soakStart", plan.soakStart() == null ? "unknown" : plan.soakStart().toString());
        m.put("soakPassedAt", plan.soakStart() == null ? "unknown"
                : plan.soakStart().plus(Durations.parse(tool.spec().soak())).toString());
        m.put("observedSince", earlier.stream().map(ClusterToolState::liveSince).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).map(Instant::toString).orElse("unknown"));
        m.put("timeline", HealthHistory.timeline(health.get(c.from()),
                earlier.stream().map(ClusterToolState::cluster).toList(), until).stream()
                .map(e -> e.from() + " – " + e.to() + ": " + e.state()).toList());
        m.put("sequence", plan.sequence());
        m.put("links", ReleaseLinks.of(tool.spec().source(), c.current(), c.version()));
        m.put("windows", windows.stream().map(w -> w.name() + " (" + (w.allow() ? "Allow" : "Deny") + ", " + w.text() + ")").toList());
        m.put("jenkins", tool.spec().deploy() == null || tool.spec().deploy().jenkins() == null ? "" : tool.spec().deploy().jenkins().job());
        return Reports.render("markdown/promote-pr.ftl", m);
    }

    static List<HealthHistory.Span> readSpans(StateStore store, String key) {
        return store.get(NAME, key).map(s -> {
            try {
                return JSON.<List<HealthHistory.Span>>readValue(s, new TypeReference<List<HealthHistory.Span>>() {});
            } catch (IOException e) {
                return List.<HealthHistory.Span>of(); // an unreadable history is a fresh one
            }
        }).orElse(List.of());
    }

    /** Cluster → promotion wave from its metadata (label, else annotation, promotion.wave); 0 when absent. */
    static Map<String, Integer> waves(DesiredState state) {
        Map<String, Integer> m = new HashMap<>();
        for (Resource<ClusterSpec> c : state.clusters()) {
            String v = c.metadata().labels().getOrDefault(PromotionPlanner.WAVE_LABEL,
                    c.metadata().annotations().get(PromotionPlanner.WAVE_LABEL));
            if (v == null) continue;
            try {
                m.put(c.name(), Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                // reported by PromoteRules before any job runs
            }
        }
        return m;
    }

    /**
     * Slack, once per event: what this run changed (PR opened or updated, deploys triggered or failed) and each new
     * NEEDS_HUMAN (prod ahead, non-SemVer version), remembered under notified/… so a rerun does not repeat it.
     */
    static String editVersion(String content, String tool, String path, String version) {
        try {
            return YamlScalarEdit.replace(content, "Tool", tool, path, version);
        } catch (IllegalArgumentException notTheToolFile) {
            return YamlScalarEdit.replace(content, null, null, path, version);
        }
    }

    static PromotionRecord readRecord(StateStore store, String tool) {
        return readJson(store, "promotion/" + tool, PromotionRecord.class);
    }

    static <T> T readJson(StateStore store, String key, Class<T> type) {
        return store.get(NAME, key).map(s -> {
            try {
                return JSON.readValue(s, type);
            } catch (IOException e) {
                return null;
            }
        }).orElse(null);
    }

    static void writeJson(StateStore store, String key, Object value) {
        try {
            store.put(NAME, key, JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
