package io.kubechores.promote;

import io.kubechores.core.Durations;
import io.kubechores.core.Action;
import io.kubechores.desiredstate.ToolSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The promotion rules, as a pure function of records and a clock.
 * <p>
 * Candidate: walking the Fleet's environment order from the end, the first pair (earlier, next) whose wanted versions
 * differ. Versions are ordered by SemVer 2.0.0 precedence ({@link SemVer}); the earlier environment's version is
 * proposed only when it is higher. When the next environment is ahead (a prod hotfix) or either version is not
 * SemVer, nothing is proposed and the plan says it NEEDS_HUMAN: promote never proposes a lower version. Every gate
 * is evaluated (so a plan shows them all):
 * <ol>
 *   <li>kill switch — the Fleet or the promote job is paused;</li>
 *   <li>verified — on every cluster of the earlier environment the candidate is what runs, and it is healthy;</li>
 *   <li>soak — the soak time has passed since the candidate went live and healthy: the latest of the git commit that
 *   set the earlier environment's version, the observed rollout on its clusters, and the first healthy sample after
 *   the last unhealthy one ({@link HealthHistory}: soak is time healthy, not time since rollout);</li>
 *   <li>freeze windows — no Deny window is on, and if Allow windows exist one of them is on;</li>
 *   <li>one promotion in flight — a previous promotion of another version that has not yet run healthy on every
 *   cluster of its environment blocks this one.</li>
 * </ol>
 * All gates passed → PROMOTE. With deploy.pullRequest a PR sets the next environment's version. With
 * deploy.jenkins alone the Jenkins job is triggered per cluster of the next environment that does not run the
 * candidate. With both, the deploys wait for the PR to merge (read from git: the next environment's version at HEAD
 * is the candidate) and get the merge commit as {commit}: prod is deployed only with what git says, so a GitOps
 * controller never reverts it. Clusters labelled promotion.wave deploy wave by wave, each wave soaking
 * spec.waveSoak before the next. A started promotion that does not run healthy on a deployed cluster within
 * spec.progressDeadline is FAILED.
 */
public final class PromotionPlanner {
    public static final String WAVE_LABEL = "promotion.wave";

    private PromotionPlanner() {}

    /**
     * Everything the planner knows about one tool.
     *
     * @param tool          tool name
     * @param spec          the Tool spec
     * @param environments  Fleet environment order
     * @param observations  one per cluster of every environment (unreadable clusters included, with their error)
     * @param versionSetAt  per environment: when git last set spec.versions.&lt;env&gt; to its current value (absent: unknown)
     * @param versionCommit per environment: the commit (on the first-parent line, so a merge commit) that did
     * @param health        per environment: the sampled health history, this run's sample included
     * @param waves         cluster → promotion wave (absent: 0)
     * @param previous      the last promotion recorded for this tool (null: none)
     * @param windows       Fleet freeze windows
     * @param paused        kill switch
     */
    public record ToolInput(String tool, ToolSpec spec, List<String> environments,
                            List<ClusterToolState> observations, Map<String, Instant> versionSetAt,
                            Map<String, String> versionCommit, Map<String, List<HealthHistory.Span>> health,
                            Map<String, Integer> waves, Promotion previous, List<FreezeWindow> windows, boolean paused) {
        public ToolInput {
            environments = List.copyOf(environments);
            observations = List.copyOf(observations);
            versionSetAt = versionSetAt == null ? Map.of() : Map.copyOf(versionSetAt);
            versionCommit = versionCommit == null ? Map.of() : Map.copyOf(versionCommit);
            health = health == null ? Map.of() : Map.copyOf(health);
            waves = waves == null ? Map.of() : Map.copyOf(waves);
            windows = windows == null ? List.of() : List.copyOf(windows);
        }

        public ToolInput(String tool, ToolSpec spec, List<String> environments, List<ClusterToolState> observations,
                         Map<String, Instant> versionSetAt, Promotion previous, List<FreezeWindow> windows, boolean paused) {
            this(tool, spec, environments, observations, versionSetAt, null, null, null, previous, windows, paused);
        }
    }

    /**
     * A promotion started by an earlier run (kept in the job's StateStore).
     *
     * @param version    version promoted
     * @param to         environment it was promoted to
     * @param startedAt  when
     * @param abandoned  its PR was closed without merge and nothing was deployed by it
     * @param deployedAt cluster → when its Jenkins deploy was triggered
     */
    public record Promotion(String version, String to, Instant startedAt, boolean abandoned, Map<String, Instant> deployedAt) {
        public Promotion {
            deployedAt = deployedAt == null ? Map.of() : Map.copyOf(deployedAt);
        }

        public Promotion(String version, String to, Instant startedAt, boolean abandoned) {
            this(version, to, startedAt, abandoned, Map.of());
        }
    }

    public record Candidate(String from, String to, String version, String current) {
        public String topic(String tool) {
            return tool + "-" + to;
        }

        /** major / minor / patch / pre-release, or null when not both SemVer. */
        public String bump() {
            Optional<SemVer> a = SemVer.parse(version);
            Optional<SemVer> b = SemVer.parse(current);
            return a.isPresent() && b.isPresent() ? a.get().bumpFrom(b.get()) : null;
        }
    }

    public record Gate(String name, boolean passed, String reason) {}

    public enum Decision { NOTHING_TO_PROMOTE, PROMOTE, REFUSED, NEEDS_HUMAN }

    /** Outcome of a recorded promotion, from its environment's observations. */
    public enum Outcome { NONE, WAITING_FOR_MERGE, IN_PROGRESS, VERIFIED, FAILED }

    /** A PR to open: set path (in file) from current to version. */
    public record PrStep(String file, String path, String current, String version, String topic) {}

    /** A Jenkins build to trigger for one cluster. */
    public record DeployStep(String cluster, String job, Map<String, String> parameters, int wave, String version) {}

    /**
     * @param soakedFor      how long the candidate has run on the earlier environment (null: unknown)
     * @param soakStart      since when (null: unknown)
     * @param outcome        the recorded promotion's outcome on its environment
     * @param outcomeDetail  words for it
     * @param sequence       the steps of this promotion in order, each saying what it waits for
     */
    public record ToolPlan(String tool, Candidate candidate, List<Gate> gates, Decision decision,
                           Instant soakStart, Duration soakedFor, PrStep pr, List<DeployStep> deploys,
                           Outcome outcome, String outcomeDetail, List<ClusterToolState> observations,
                           Map<String, String> wanted, List<Action> actions, List<String> sequence) {
        public boolean gatePassed(String name) {
            return gates.stream().filter(g -> g.name().equals(name)).allMatch(Gate::passed);
        }

        public List<Gate> failedGates() {
            return gates.stream().filter(g -> !g.passed()).toList();
        }
    }

    public static ToolPlan plan(ToolInput in, Clock clock) {
        Instant now = clock.instant();
        ToolSpec spec = in.spec();
        String tool = in.tool();
        ToolSpec.Deploy d = spec.deploy();
        boolean prMode = d != null && d.pullRequest() != null;
        boolean jenkinsMode = d != null && d.jenkins() != null;
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String env : in.environments()) {
            if (spec.versions().containsKey(env)) wanted.put(env, spec.versions().get(env));
        }

        Candidate candidate = null;
        String needsHuman = null;
        List<String> envs = in.environments().stream().filter(wanted::containsKey).toList();
        for (int i = envs.size() - 1; i > 0; i--) {
            String from = envs.get(i - 1);
            String to = envs.get(i);
            String vFrom = wanted.get(from);
            String vTo = wanted.get(to);
            if (vFrom.equals(vTo)) continue;
            candidate = new Candidate(from, to, vFrom, vTo);
            Optional<SemVer> a = SemVer.parse(vFrom);
            Optional<SemVer> b = SemVer.parse(vTo);
            if (a.isEmpty() || b.isEmpty()) {
                needsHuman = (a.isEmpty() ? from + " wants \"" + vFrom + "\"" : to + " wants \"" + vTo + "\"")
                        + ", not a SemVer 2.0.0 version: promote cannot tell which is newer and proposes nothing";
            } else if (a.get().compareTo(b.get()) < 0) {
                needsHuman = to + " is ahead of " + from + " (" + vTo + " > " + vFrom
                        + "): promote never proposes a lower version; bring " + from + " up to " + vTo + " or later";
            } else if (a.get().compareTo(b.get()) == 0) {
                needsHuman = vFrom + " and " + vTo + " differ only in build metadata (same SemVer precedence)";
            }
            break;
        }

        // the recorded promotion: merged? deployed? verified? overdue?
        Outcome outcome = Outcome.NONE;
        String outcomeDetail = "no promotion recorded";
        Promotion prev = in.previous();
        List<Action> actions = new ArrayList<>();
        List<DeployStep> deploys = new ArrayList<>();
        List<String> sequence = new ArrayList<>();
        Duration deadline = Durations.parse(spec.progressDeadlineOrDefault());
        if (prev != null) {
            List<ClusterToolState> target = in(in.observations(), prev.to());
            List<String> pending = new ArrayList<>();
            List<String> failing = new ArrayList<>();
            List<String> overdue = new ArrayList<>();
            boolean merged = prMode && SemVer.sameVersion(prev.version(), wanted.get(prev.to()));
            Instant mergedAt = merged ? in.versionSetAt().get(prev.to()) : null;
            for (ClusterToolState o : target) {
                if (!o.runs(prev.version())) {
                    pending.add(o.cluster() + " " + o.describe());
                    Instant since = jenkinsMode ? prev.deployedAt().get(o.cluster()) : mergedAt;
                    if (since != null && Duration.between(since, now).compareTo(deadline) > 0) {
                        overdue.add(o.cluster() + " (" + (jenkinsMode ? "deploy triggered " : "merged ") + since + ")");
                    }
                } else if (!o.healthy()) {
                    failing.add(o.cluster() + " " + o.describe());
                }
            }
            if (prev.abandoned() && pending.size() == target.size()) {
                outcome = Outcome.NONE;
                outcomeDetail = "promotion of " + prev.version() + " to " + prev.to() + " was abandoned (PR closed)";
            } else if (prMode && !merged && pending.size() == target.size()) {
                outcome = Outcome.WAITING_FOR_MERGE;
                outcomeDetail = "PR kubechores/promote/" + tool + "-" + prev.to() + " setting " + prev.to() + " to "
                        + prev.version() + " is not merged yet (" + prev.to() + " wants " + wanted.get(prev.to()) + " at HEAD)";
            } else if (target.isEmpty()) {
                outcome = Outcome.IN_PROGRESS;
                outcomeDetail = "no " + prev.to() + " cluster to verify " + prev.version() + " on";
            } else if (!failing.isEmpty()) {
                outcome = Outcome.FAILED;
                outcomeDetail = prev.version() + " on " + prev.to() + " failed verification: " + String.join("; ", failing);
            } else if (!overdue.isEmpty()) {
                outcome = Outcome.FAILED;
                outcomeDetail = prev.version() + " on " + prev.to() + " did not run within the progress deadline "
                        + spec.progressDeadlineOrDefault() + ": " + String.join("; ", overdue);
            } else if (!pending.isEmpty()) {
                outcome = Outcome.IN_PROGRESS;
                outcomeDetail = prev.version() + " not yet running on " + prev.to() + ": " + String.join("; ", pending);
            } else {
                outcome = Outcome.VERIFIED;
                outcomeDetail = prev.version() + " runs healthy on every " + prev.to() + " cluster ("
                        + names(target) + ")";
            }

            // PR merged → now deploy what git says, with the merge commit
            if (merged && jenkinsMode && outcome == Outcome.IN_PROGRESS && !target.isEmpty()) {
                String commit = in.versionCommit().get(prev.to());
                List<Gate> rolloutGates = List.of(killSwitch(in), freezeWindow(in, now));
                String why = "PR merged" + (commit == null ? "" : " in " + shortSha(commit))
                        + (mergedAt == null ? "" : " at " + mergedAt) + ": " + prev.to() + " wants " + prev.version();
                rollout(in, spec, tool, prev.to(), prev.version(), commit, why, rolloutGates, now, deploys, actions, sequence);
            }
        }

        if (candidate == null) {
            return new ToolPlan(tool, null, List.of(), Decision.NOTHING_TO_PROMOTE, null, null, null, List.copyOf(deploys),
                    outcome, outcomeDetail, in.observations(), wanted, List.copyOf(actions), List.copyOf(sequence));
        }
        if (needsHuman != null) {
            List<Gate> gates = List.of(new Gate("version-order", false, needsHuman));
            actions.add(new Action("tool/" + tool, "promote", candidate.version() + " " + candidate.from() + " → "
                    + candidate.to(), "needs a human: " + needsHuman, Action.Status.SKIPPED));
            return new ToolPlan(tool, candidate, gates, Decision.NEEDS_HUMAN, null, null, null, List.copyOf(deploys),
                    outcome, outcomeDetail, in.observations(), wanted, List.copyOf(actions), List.copyOf(sequence));
        }

        List<Gate> gates = new ArrayList<>();
        gates.add(killSwitch(in));

        // 2. verification on every cluster of the earlier environment
        List<ClusterToolState> earlier = in(in.observations(), candidate.from());
        List<String> notVerified = new ArrayList<>();
        for (ClusterToolState o : earlier) {
            if (o.error() != null) notVerified.add(o.cluster() + ": not readable (" + o.error() + ")");
            else if (!o.runs(candidate.version())) notVerified.add(o.cluster() + ": runs "
                    + (o.runningVersion() == null ? "no detectable version" : o.runningVersion()) + ", not " + candidate.version());
            else if (!o.healthy()) notVerified.add(o.cluster() + ": unhealthy (" + String.join("; ", o.health()) + ")");
        }
        if (earlier.isEmpty()) {
            gates.add(new Gate("verified", false, "no " + candidate.from() + " cluster to verify " + candidate.version() + " on"));
        } else if (notVerified.isEmpty()) {
            gates.add(new Gate("verified", true, candidate.version() + " runs healthy on every " + candidate.from()
                    + " cluster (" + names(earlier) + ")"));
        } else {
            gates.add(new Gate("verified", false, String.join("; ", notVerified)));
        }

        // 3. soak: time healthy
        Duration soak = Durations.parse(spec.soak());
        Instant fromGit = in.versionSetAt().get(candidate.from());
        Instant observed = earlier.stream().map(ClusterToolState::liveSince).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        Instant sampled = HealthHistory.healthySince(in.health().get(candidate.from()),
                earlier.stream().map(ClusterToolState::cluster).toList(), candidate.version());
        if (Instant.MAX.equals(sampled)) sampled = now; // unhealthy in this very sample
        Instant soakStart = Stream.of(fromGit, observed, sampled).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        Duration soakedFor = soakStart == null ? null : Duration.between(soakStart, now);
        String evidence = "git set " + candidate.from() + " to " + candidate.version() + " at "
                + (fromGit == null ? "unknown" : fromGit) + ", observed rollout at " + (observed == null ? "unknown" : observed)
                + (sampled == null ? "" : ", healthy in every sample since " + sampled + " (an unhealthy sample before restarted the soak)");
        if (soakStart == null) {
            gates.add(new Gate("soak", false, "cannot tell since when " + candidate.version() + " runs (" + evidence + ")"));
        } else if (soakedFor.compareTo(soak) >= 0) {
            gates.add(new Gate("soak", true, "soaked " + Durations.human(soakedFor) + " ≥ " + spec.soak() + " (" + evidence + ")"));
        } else {
            gates.add(new Gate("soak", false, "still soaking: " + Durations.human(soak.minus(soakedFor)) + " remaining ("
                    + Durations.human(soakedFor.isNegative() ? Duration.ZERO : soakedFor) + " of " + spec.soak()
                    + "; " + evidence + ")"));
        }

        gates.add(freezeWindow(in, now));

        // 5. one promotion in flight per tool
        if (prev == null || outcome == Outcome.NONE) {
            gates.add(new Gate("in-flight", true, "no other promotion in flight"));
        } else if (prev.version().equals(candidate.version()) && prev.to().equals(candidate.to())) {
            gates.add(new Gate("in-flight", true, "continuing the promotion of " + prev.version() + " started " + prev.startedAt()));
        } else if (outcome == Outcome.VERIFIED) {
            gates.add(new Gate("in-flight", true, "previous promotion completed: " + outcomeDetail));
        } else {
            gates.add(new Gate("in-flight", false, "promotion of " + prev.version() + " to " + prev.to() + " started "
                    + prev.startedAt() + " is " + (outcome == Outcome.FAILED ? "failing" : "still in flight") + ": " + outcomeDetail));
        }

        boolean go = gates.stream().allMatch(Gate::passed);
        final Candidate cand = candidate;
        PrStep pr = null;
        String why = "gates passed: " + candidate.version() + " verified on " + candidate.from()
                + (soakedFor == null ? "" : " and soaked " + Durations.human(soakedFor));
        if (go) {
            if (prMode) {
                String path = d.pullRequest().path().replace("{environment}", candidate.to());
                pr = new PrStep(d.pullRequest().file(), path, candidate.current(), candidate.version(), candidate.topic(tool));
                actions.add(new Action(d.pullRequest().file(), "open-pr",
                        path + " " + candidate.current() + " → " + candidate.version() + " (branch kubechores/promote/"
                                + candidate.topic(tool) + ")", why, Action.Status.PLANNED));
                sequence.add("open PR kubechores/promote/" + candidate.topic(tool) + ": " + path + " "
                        + candidate.current() + " → " + candidate.version());
                if (jenkinsMode) {
                    sequence.add("waits for a human to merge the PR (read from git: " + candidate.to() + " wants "
                            + candidate.version() + " at HEAD), then triggers " + d.jenkins().job()
                            + " per " + candidate.to() + " cluster with the merge commit as {commit}");
                    for (ClusterToolState o : in(in.observations(), candidate.to())) {
                        if (o.runs(candidate.version())) continue;
                        actions.add(new Action(o.cluster() + "/jenkins/" + d.jenkins().job(), "trigger-deploy",
                                String.join(" ", parameters(d.jenkins(), o.cluster(), cand.version(), tool, "<merge commit>")
                                        .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()),
                                "waits for the PR to merge: deploys only what git says", Action.Status.SKIPPED));
                    }
                    waveSequence(in, spec, candidate.to(), sequence);
                } else {
                    sequence.add("after merge the " + candidate.to() + " clusters pick " + candidate.version()
                            + " up from git; later runs verify them (FAILED if not healthy within "
                            + spec.progressDeadlineOrDefault() + " of the merge)");
                }
            } else if (jenkinsMode) {
                // Jenkins only: the version in git stays; deploy the verified one, with the commit that set it
                rollout(in, spec, tool, candidate.to(), candidate.version(), in.versionCommit().get(candidate.from()),
                        why, List.of(), now, deploys, actions, sequence);
            }
        } else {
            String refused = "refused: " + String.join("; ", gates.stream().filter(g -> !g.passed())
                    .map(g -> g.name() + ": " + g.reason()).toList());
            actions.add(new Action("tool/" + tool, "promote",
                    candidate.version() + " " + candidate.from() + " → " + candidate.to(), refused, Action.Status.SKIPPED));
        }
        return new ToolPlan(tool, candidate, List.copyOf(gates), go ? Decision.PROMOTE : Decision.REFUSED, soakStart,
                soakedFor, pr, List.copyOf(deploys), outcome, outcomeDetail, in.observations(), wanted, List.copyOf(actions),
                List.copyOf(sequence));
    }

    /**
     * The deploys of env for version, wave by wave: the lowest wave with a cluster not running it is deployed (its
     * clusters that do not run it yet); a wave waits until every earlier wave runs it healthy and has soaked
     * waveSoak (time healthy, like the environment soak).
     */
    private static void rollout(ToolInput in, ToolSpec spec, String tool, String env, String version, String commit,
                                String why, List<Gate> gates, Instant now, List<DeployStep> deploys, List<Action> actions,
                                List<String> sequence) {
        ToolSpec.JenkinsJob job = spec.deploy().jenkins();
        TreeMap<Integer, List<ClusterToolState>> byWave = new TreeMap<>();
        for (ClusterToolState o : in(in.observations(), env)) {
            byWave.computeIfAbsent(in.waves().getOrDefault(o.cluster(), 0), k -> new ArrayList<>()).add(o);
        }
        Duration waveSoak = Durations.parse(spec.waveSoakOrDefault());
        List<String> blocked = gates.stream().filter(g -> !g.passed()).map(g -> g.name() + ": " + g.reason()).toList();
        String waitingFor = null;
        for (var e : byWave.entrySet()) {
            int wave = e.getKey();
            List<ClusterToolState> clusters = e.getValue();
            String label = byWave.size() > 1 ? "wave " + wave + " (" + names(clusters) + ")" : env + " (" + names(clusters) + ")";
            List<ClusterToolState> todo = clusters.stream().filter(o -> !o.runs(version)).toList();
            if (waitingFor != null) {
                sequence.add(label + " waits for " + waitingFor);
                continue;
            }
            if (!todo.isEmpty()) {
                for (ClusterToolState o : todo) {
                    Map<String, String> params = parameters(job, o.cluster(), version, tool, commit == null ? "" : commit);
                    String detail = String.join(" ", params.entrySet().stream().map(p -> p.getKey() + "=" + p.getValue()).toList());
                    String target = o.cluster() + "/jenkins/" + job.job();
                    if (!blocked.isEmpty()) {
                        actions.add(new Action(target, "trigger-deploy", detail, "refused: " + String.join("; ", blocked),
                                Action.Status.SKIPPED));
                    } else {
                        deploys.add(new DeployStep(o.cluster(), job.job(), params, wave, version));
                        actions.add(new Action(target, "trigger-deploy", detail, why, Action.Status.PLANNED));
                    }
                }
                sequence.add("trigger " + job.job() + " for " + label + (blocked.isEmpty() ? "" : " — held: " + String.join("; ", blocked)));
                waitingFor = label + " to run " + version + " healthy for " + spec.waveSoakOrDefault();
                continue;
            }
            // every cluster of the wave runs it: healthy, and soaked long enough for the next wave?
            List<String> names = clusters.stream().map(ClusterToolState::cluster).toList();
            if (clusters.stream().anyMatch(o -> !o.healthy())) {
                waitingFor = label + " to run " + version + " healthy (unhealthy now)";
                sequence.add(label + " runs " + version + " but is unhealthy: later waves wait");
                continue;
            }
            Instant rolled = clusters.stream().map(ClusterToolState::liveSince).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null);
            Instant sampled = HealthHistory.healthySince(in.health().get(env), names, version);
            Instant since = Stream.of(rolled, sampled).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
            if (byWave.lastKey() == wave) {
                sequence.add(label + " runs " + version + " healthy");
            } else if (since == null || Duration.between(since, now).compareTo(waveSoak) < 0) {
                String remaining = since == null ? "unknown" : Durations.human(waveSoak.minus(Duration.between(since, now)));
                waitingFor = label + " to soak " + spec.waveSoakOrDefault() + " (" + remaining + " remaining)";
                sequence.add(label + " runs " + version + " healthy, soaking: " + remaining + " remaining of "
                        + spec.waveSoakOrDefault());
            } else {
                sequence.add(label + " runs " + version + " healthy and soaked " + spec.waveSoakOrDefault());
            }
        }
        sequence.add("later runs verify " + env + ": FAILED if a deployed cluster does not run " + version
                + " healthy within " + spec.progressDeadlineOrDefault() + " of its deploy");
    }

    /** For a plan that waits for a PR merge: how the waves will go. */
    private static void waveSequence(ToolInput in, ToolSpec spec, String env, List<String> sequence) {
        TreeMap<Integer, List<String>> byWave = new TreeMap<>();
        for (ClusterToolState o : in(in.observations(), env)) {
            byWave.computeIfAbsent(in.waves().getOrDefault(o.cluster(), 0), k -> new ArrayList<>()).add(o.cluster());
        }
        if (byWave.size() < 2) return;
        Integer prevWave = null;
        for (var e : byWave.entrySet()) {
            sequence.add("wave " + e.getKey() + " (" + String.join(", ", e.getValue().stream().sorted().toList()) + ")"
                    + (prevWave == null ? " first" : " after wave " + prevWave + " ran healthy for " + spec.waveSoakOrDefault()));
            prevWave = e.getKey();
        }
    }

    static Map<String, String> parameters(ToolSpec.JenkinsJob job, String cluster, String version, String tool, String commit) {
        Map<String, String> params = new LinkedHashMap<>();
        job.parameters().forEach((k, v) -> params.put(k, v.replace("{cluster}", cluster)
                .replace("{version}", version).replace("{tool}", tool).replace("{commit}", commit)));
        return params;
    }

    private static Gate killSwitch(ToolInput in) {
        return in.paused()
                ? new Gate("kill-switch", false, "promote is paused in fleet.yaml (spec.paused or spec.jobs.promote.paused)")
                : new Gate("kill-switch", true, "not paused");
    }

    private static Gate freezeWindow(ToolInput in, Instant now) {
        List<String> denying = in.windows().stream().filter(w -> !w.allow() && w.span().contains(now))
                .map(w -> w.name() + " (" + w.text() + ")").toList();
        List<FreezeWindow> allows = in.windows().stream().filter(FreezeWindow::allow).toList();
        if (!denying.isEmpty()) {
            return new Gate("freeze-window", false, "inside Deny window " + String.join(", ", denying));
        } else if (!allows.isEmpty() && allows.stream().noneMatch(w -> w.span().contains(now))) {
            return new Gate("freeze-window", false, "outside every Allow window ("
                    + String.join(", ", allows.stream().map(FreezeWindow::name).toList()) + ")");
        }
        return new Gate("freeze-window", true, in.windows().isEmpty() ? "no freeze windows"
                : "outside every Deny window" + (allows.isEmpty() ? "" : ", inside an Allow window"));
    }

    private static String names(List<ClusterToolState> os) {
        return String.join(", ", os.stream().map(ClusterToolState::cluster).sorted().toList());
    }

    static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static List<ClusterToolState> in(List<ClusterToolState> all, String env) {
        return all.stream().filter(o -> env.equals(o.environment())).toList();
    }
}
