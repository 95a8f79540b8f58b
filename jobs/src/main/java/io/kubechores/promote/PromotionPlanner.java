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

/**
 * The promotion rules, as a pure function of records and a clock.
 * <p>
 * Candidate: walking the Fleet's environment order from the end, the first pair (earlier, next) whose wanted versions
 * differ; the earlier environment's version is proposed for the next one. Every gate is evaluated (so a plan shows
 * them all):
 * <ol>
 *   <li>kill switch — the Fleet or the promote job is paused;</li>
 *   <li>verified — on every cluster of the earlier environment the candidate is what runs, and it is healthy;</li>
 *   <li>soak — the soak time has passed since the candidate went live: the later of the git commit that set the
 *   earlier environment's version and the observed rollout on its clusters;</li>
 *   <li>freeze windows — no Deny window is on, and if Allow windows exist one of them is on;</li>
 *   <li>one promotion in flight — a previous promotion of another version that has not yet run healthy on every
 *   cluster of its environment blocks this one.</li>
 * </ol>
 * All gates passed → PROMOTE: a PR setting the next environment's version (deploy.pullRequest) and/or a Jenkins deploy
 * per cluster of the next environment that does not run the candidate yet (deploy.jenkins).
 */
public final class PromotionPlanner {
    private PromotionPlanner() {}

    /**
     * Everything the planner knows about one tool.
     *
     * @param tool          tool name
     * @param spec          the Tool spec
     * @param environments  Fleet environment order
     * @param observations  one per cluster of every environment (unreadable clusters included, with their error)
     * @param versionSetAt  per environment: when git last set spec.versions.&lt;env&gt; to its current value (absent: unknown)
     * @param previous      the last promotion recorded for this tool (null: none)
     * @param windows       Fleet freeze windows
     * @param paused        kill switch
     */
    public record ToolInput(String tool, ToolSpec spec, List<String> environments,
                            List<ClusterObservation> observations, Map<String, Instant> versionSetAt,
                            Promotion previous, List<FreezeWindow> windows, boolean paused) {
        public ToolInput {
            environments = List.copyOf(environments);
            observations = List.copyOf(observations);
            versionSetAt = versionSetAt == null ? Map.of() : Map.copyOf(versionSetAt);
            windows = windows == null ? List.of() : List.copyOf(windows);
        }
    }

    /**
     * A promotion started by an earlier run (kept in the job's StateStore).
     *
     * @param version   version promoted
     * @param to        environment it was promoted to
     * @param startedAt when
     * @param abandoned its PR was closed without merge and nothing was deployed by it
     */
    public record Promotion(String version, String to, Instant startedAt, boolean abandoned) {}

    public record Candidate(String from, String to, String version, String current) {
        public String topic(String tool) {
            return tool + "-" + to;
        }
    }

    public record Gate(String name, boolean passed, String reason) {}

    public enum Decision { NOTHING_TO_PROMOTE, PROMOTE, REFUSED }

    /** Outcome of a recorded promotion, from its environment's observations. */
    public enum Outcome { NONE, VERIFIED, IN_PROGRESS, FAILED }

    /** A PR to open: set path (in file) from current to version. */
    public record PrStep(String file, String path, String current, String version, String topic) {}

    /** A Jenkins build to trigger for one cluster. */
    public record DeployStep(String cluster, String job, Map<String, String> parameters) {}

    /**
     * @param soakedFor      how long the candidate has run on the earlier environment (null: unknown)
     * @param soakStart      since when (null: unknown)
     * @param outcome        the recorded promotion's outcome on its environment
     * @param outcomeDetail  words for it
     */
    public record ToolPlan(String tool, Candidate candidate, List<Gate> gates, Decision decision,
                           Instant soakStart, Duration soakedFor, PrStep pr, List<DeployStep> deploys,
                           Outcome outcome, String outcomeDetail, List<ClusterObservation> observations,
                           Map<String, String> wanted, List<Action> actions) {
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
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String env : in.environments()) {
            if (spec.versions().containsKey(env)) wanted.put(env, spec.versions().get(env));
        }

        Candidate candidate = null;
        List<String> envs = in.environments().stream().filter(wanted::containsKey).toList();
        for (int i = envs.size() - 1; i > 0; i--) {
            String from = envs.get(i - 1);
            String to = envs.get(i);
            if (!wanted.get(from).equals(wanted.get(to))) {
                candidate = new Candidate(from, to, wanted.get(from), wanted.get(to));
                break;
            }
        }

        Outcome outcome = Outcome.NONE;
        String outcomeDetail = "no promotion recorded";
        Promotion prev = in.previous();
        if (prev != null) {
            List<ClusterObservation> target = in(in.observations(), prev.to());
            List<String> pending = new ArrayList<>();
            List<String> failing = new ArrayList<>();
            for (ClusterObservation o : target) {
                if (!o.runs(prev.version())) pending.add(o.cluster() + " " + o.describe());
                else if (!o.healthy()) failing.add(o.cluster() + " " + o.describe());
            }
            if (prev.abandoned() && pending.size() == target.size()) {
                outcome = Outcome.NONE;
                outcomeDetail = "promotion of " + prev.version() + " to " + prev.to() + " was abandoned (PR closed)";
            } else if (target.isEmpty()) {
                outcome = Outcome.IN_PROGRESS;
                outcomeDetail = "no " + prev.to() + " cluster to verify " + prev.version() + " on";
            } else if (!failing.isEmpty()) {
                outcome = Outcome.FAILED;
                outcomeDetail = prev.version() + " on " + prev.to() + " failed verification: " + String.join("; ", failing);
            } else if (!pending.isEmpty()) {
                outcome = Outcome.IN_PROGRESS;
                outcomeDetail = prev.version() + " not yet running on " + prev.to() + ": " + String.join("; ", pending);
            } else {
                outcome = Outcome.VERIFIED;
                outcomeDetail = prev.version() + " runs healthy on every " + prev.to() + " cluster ("
                        + target.stream().map(ClusterObservation::cluster).sorted().reduce((a, b) -> a + ", " + b).orElse("") + ")";
            }
        }

        if (candidate == null) {
            return new ToolPlan(in.tool(), null, List.of(), Decision.NOTHING_TO_PROMOTE, null, null, null, List.of(),
                    outcome, outcomeDetail, in.observations(), wanted, List.of());
        }

        List<Gate> gates = new ArrayList<>();
        // 1. kill switch
        gates.add(in.paused()
                ? new Gate("kill-switch", false, "promote is paused in fleet.yaml (spec.paused or spec.jobs.promote.paused)")
                : new Gate("kill-switch", true, "not paused"));

        // 2. verification on every cluster of the earlier environment
        List<ClusterObservation> earlier = in(in.observations(), candidate.from());
        List<String> notVerified = new ArrayList<>();
        for (ClusterObservation o : earlier) {
            if (o.error() != null) notVerified.add(o.cluster() + ": not readable (" + o.error() + ")");
            else if (!o.runs(candidate.version())) notVerified.add(o.cluster() + ": runs "
                    + (o.runningVersion() == null ? "no detectable version" : o.runningVersion()) + ", not " + candidate.version());
            else if (!o.healthy()) notVerified.add(o.cluster() + ": unhealthy (" + String.join("; ", o.health()) + ")");
        }
        if (earlier.isEmpty()) {
            gates.add(new Gate("verified", false, "no " + candidate.from() + " cluster to verify " + candidate.version() + " on"));
        } else if (notVerified.isEmpty()) {
            gates.add(new Gate("verified", true, candidate.version() + " runs healthy on every " + candidate.from()
                    + " cluster (" + earlier.stream().map(ClusterObservation::cluster).sorted().reduce((a, b) -> a + ", " + b).orElse("") + ")"));
        } else {
            gates.add(new Gate("verified", false, String.join("; ", notVerified)));
        }

        // 3. soak
        Duration soak = Durations.parse(spec.soak());
        Instant fromGit = in.versionSetAt().get(candidate.from());
        Instant observed = earlier.stream().map(ClusterObservation::liveSince).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        Instant soakStart = fromGit == null ? observed : observed == null ? fromGit : (fromGit.isAfter(observed) ? fromGit : observed);
        Duration soakedFor = soakStart == null ? null : Duration.between(soakStart, now);
        String evidence = "git set " + candidate.from() + " to " + candidate.version() + " at "
                + (fromGit == null ? "unknown" : fromGit) + ", observed rollout at " + (observed == null ? "unknown" : observed);
        if (soakStart == null) {
            gates.add(new Gate("soak", false, "cannot tell since when " + candidate.version() + " runs (" + evidence + ")"));
        } else if (soakedFor.compareTo(soak) >= 0) {
            gates.add(new Gate("soak", true, "soaked " + Durations.human(soakedFor) + " ≥ " + spec.soak() + " (" + evidence + ")"));
        } else {
            gates.add(new Gate("soak", false, "still soaking: " + Durations.human(soak.minus(soakedFor)) + " remaining ("
                    + Durations.human(soakedFor.isNegative() ? Duration.ZERO : soakedFor) + " of " + spec.soak()
                    + "; " + evidence + ")"));
        }

        // 4. freeze windows
        List<String> denying = in.windows().stream().filter(w -> !w.allow() && w.span().contains(now))
                .map(w -> w.name() + " (" + w.text() + ")").toList();
        List<FreezeWindow> allows = in.windows().stream().filter(FreezeWindow::allow).toList();
        if (!denying.isEmpty()) {
            gates.add(new Gate("freeze-window", false, "inside Deny window " + String.join(", ", denying)));
        } else if (!allows.isEmpty() && allows.stream().noneMatch(w -> w.span().contains(now))) {
            gates.add(new Gate("freeze-window", false, "outside every Allow window ("
                    + String.join(", ", allows.stream().map(FreezeWindow::name).toList()) + ")"));
        } else {
            gates.add(new Gate("freeze-window", true, in.windows().isEmpty() ? "no freeze windows"
                    : "outside every Deny window" + (allows.isEmpty() ? "" : ", inside an Allow window")));
        }

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
        String tool = in.tool();
        List<Action> actions = new ArrayList<>();
        PrStep pr = null;
        List<DeployStep> deploys = new ArrayList<>();
        String why = "gates passed: " + candidate.version() + " verified on " + candidate.from()
                + (soakedFor == null ? "" : " and soaked " + Durations.human(soakedFor));
        if (go) {
            ToolSpec.Deploy d = spec.deploy();
            if (d != null && d.pullRequest() != null) {
                String path = d.pullRequest().path().replace("{environment}", candidate.to());
                pr = new PrStep(d.pullRequest().file(), path, candidate.current(), candidate.version(), candidate.topic(tool));
                actions.add(new Action(d.pullRequest().file(), "open-pr",
                        path + " " + candidate.current() + " → " + candidate.version() + " (branch kubechores/promote/"
                                + candidate.topic(tool) + ")", why, Action.Status.PLANNED));
            }
            if (d != null && d.jenkins() != null) {
                for (ClusterObservation o : in(in.observations(), candidate.to())) {
                    if (o.runs(candidate.version())) continue; // already true there
                    Map<String, String> params = new LinkedHashMap<>();
                    d.jenkins().parameters().forEach((k, v) -> params.put(k, v.replace("{cluster}", o.cluster())
                            .replace("{version}", cand.version()).replace("{tool}", tool)));
                    deploys.add(new DeployStep(o.cluster(), d.jenkins().job(), params));
                    actions.add(new Action(o.cluster() + "/jenkins/" + d.jenkins().job(), "trigger-deploy",
                            params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                    .reduce((a, b) -> a + " " + b).orElse(""), why, Action.Status.PLANNED));
                }
            }
        } else {
            String refused = "refused: " + String.join("; ", gates.stream().filter(g -> !g.passed())
                    .map(g -> g.name() + ": " + g.reason()).toList());
            actions.add(new Action("tool/" + tool, "promote",
                    candidate.version() + " " + candidate.from() + " → " + candidate.to(), refused, Action.Status.SKIPPED));
        }
        return new ToolPlan(tool, candidate, List.copyOf(gates), go ? Decision.PROMOTE : Decision.REFUSED, soakStart,
                soakedFor, pr, List.copyOf(deploys), outcome, outcomeDetail, in.observations(), wanted, List.copyOf(actions));
    }

    private static List<ClusterObservation> in(List<ClusterObservation> all, String env) {
        return all.stream().filter(o -> env.equals(o.environment())).toList();
    }
}
