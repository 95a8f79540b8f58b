package io.kubechores.promote;

import io.kubechores.core.Action;
import io.kubechores.desiredstate.ToolSpec;
import io.kubechores.promote.PromotionPlanner.Decision;
import io.kubechores.promote.PromotionPlanner.Outcome;
import io.kubechores.promote.PromotionPlanner.Promotion;
import io.kubechores.promote.PromotionPlanner.ToolInput;
import io.kubechores.promote.PromotionPlanner.ToolPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gates, table-driven: each row changes one input and names the gate that must fail (or none). */
class PromotionPlannerTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static ToolSpec tool(boolean pr, boolean jenkins) {
        return new ToolSpec(new ToolSpec.Chart("https://charts", "loki"), null, "monitoring", null,
                Map.of("staging", "6.16.0", "prod", "6.12.0"), "72h",
                List.of(new ToolSpec.HealthCheck("StatefulSet", "loki", 3)),
                new ToolSpec.Deploy(pr ? new ToolSpec.PullRequest("tools/loki.yaml", "spec.versions.{environment}") : null,
                        jenkins ? new ToolSpec.JenkinsJob("platform/deploy-addon",
                                Map.of("CLUSTER", "{cluster}", "VERSION", "{version}", "ADDON", "{tool}")) : null));
    }

    static ClusterToolState obs(String cluster, String env, String version, boolean healthy, Instant since) {
        return new ClusterToolState(cluster, env, version, "helm release loki revision 2", healthy,
                List.of(healthy ? "StatefulSet/loki: 3/3 ready" : "StatefulSet/loki: restart storm: 9 restarts > 3"),
                since, null);
    }

    /**
     * One row per scenario. Columns: staging-eu version|healthy, staging-us version|healthy, git set hours ago,
     * rollout hours ago, paused, window (none|deny-on|deny-off|allow-on|allow-off), previous (none|same|other-done|other-pending|other-abandoned),
     * expected decision, failing gates.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            all gates pass                    | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | none      | none            | PROMOTE | -
            staging-us runs old version       | 6.16.0 | true  | 6.15.0 | true  | 100 | 90  | false | none      | none            | REFUSED | verified
            staging-eu crash-looping          | 6.16.0 | false | 6.16.0 | true  | 100 | 90  | false | none      | none            | REFUSED | verified
            git commit too recent             | 6.16.0 | true  | 6.16.0 | true  | 10  | 90  | false | none      | none            | REFUSED | soak
            rollout too recent                | 6.16.0 | true  | 6.16.0 | true  | 100 | 5   | false | none      | none            | REFUSED | soak
            no git history, rollout old       | 6.16.0 | true  | 6.16.0 | true  | -   | 90  | false | none      | none            | PROMOTE | -
            nothing tells since when          | 6.16.0 | true  | 6.16.0 | true  | -   | -   | false | none      | none            | REFUSED | soak
            kill switch                       | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | true  | none      | none            | REFUSED | kill-switch
            inside a Deny window              | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | deny-on   | none            | REFUSED | freeze-window
            outside a Deny window             | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | deny-off  | none            | PROMOTE | -
            inside an Allow window            | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | allow-on  | none            | PROMOTE | -
            outside every Allow window        | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | allow-off | none            | REFUSED | freeze-window
            same promotion continues          | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | none      | same            | PROMOTE | -
            other promotion completed on prod | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | none      | other-done      | PROMOTE | -
            other promotion still in flight   | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | none      | other-pending   | REFUSED | in-flight
            other promotion abandoned         | 6.16.0 | true  | 6.16.0 | true  | 100 | 90  | false | none      | other-abandoned | PROMOTE | -
            several gates fail at once        | 6.15.0 | true  | 6.16.0 | true  | 10  | 90  | true  | deny-on   | none            | REFUSED | kill-switch,verified,soak,freeze-window
            """)
    void gates(String name, String euVersion, boolean euHealthy, String usVersion, boolean usHealthy, Integer gitHoursAgo,
               Integer rolloutHoursAgo, boolean paused, String window, String previous, Decision expected, String failing) {
        Instant rollout = rolloutHoursAgo == null ? null : NOW.minusSeconds(rolloutHoursAgo * 3600L);
        String prodVersion = previous.equals("other-done") ? "6.14.0" : "6.12.0";
        List<ClusterToolState> o = List.of(
                obs("staging-eu-1", "staging", euVersion, euHealthy, rollout),
                obs("staging-us-1", "staging", usVersion, usHealthy, rollout),
                obs("prod-eu-1", "prod", prodVersion, true, NOW.minusSeconds(30 * 86400)),
                obs("prod-us-1", "prod", prodVersion, true, NOW.minusSeconds(30 * 86400)));
        Map<String, Instant> git = gitHoursAgo == null ? Map.of() : Map.of("staging", NOW.minusSeconds(gitHoursAgo * 3600L));
        List<FreezeWindow> windows = switch (window) {
            case "deny-on" -> List.of(new FreezeWindow("year-end", false, i -> true, "on"));
            case "deny-off" -> List.of(new FreezeWindow("year-end", false, i -> false, "off"));
            case "allow-on" -> List.of(new FreezeWindow("office-hours", true, i -> true, "on"));
            case "allow-off" -> List.of(new FreezeWindow("office-hours", true, i -> false, "off"));
            default -> List.of();
        };
        Promotion prev = switch (previous) {
            case "same" -> new Promotion("6.16.0", "prod", NOW.minusSeconds(3600), false);
            case "other-done" -> new Promotion("6.14.0", "prod", NOW.minusSeconds(86400 * 5), false);
            case "other-pending" -> new Promotion("6.15.0", "prod", NOW.minusSeconds(3600), false);
            case "other-abandoned" -> new Promotion("6.15.0", "prod", NOW.minusSeconds(3600), true);
            default -> null;
        };
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", tool(true, true), List.of("staging", "prod"), o, git,
                prev, windows, paused), CLOCK);

        assertThat(plan.candidate().version()).isEqualTo("6.16.0");
        assertThat(plan.gates()).extracting(PromotionPlanner.Gate::name)
                .containsExactly("kill-switch", "verified", "soak", "freeze-window", "in-flight");
        assertThat(plan.decision()).isEqualTo(expected);
        assertThat(plan.failedGates()).extracting(PromotionPlanner.Gate::name)
                .containsExactlyElementsOf(failing == null ? List.of() : List.of(failing.split(",")));
        if (expected == Decision.PROMOTE) {
            assertThat(plan.actions()).extracting(Action::verb)
                    .containsExactly("open-pr", "trigger-deploy", "trigger-deploy");
            assertThat(plan.pr().path()).isEqualTo("spec.versions.prod");
        } else {
            assertThat(plan.actions()).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
                assertThat(a.reason()).startsWith("refused: ").contains(failing.split(",")[0] + ": ");
            });
            assertThat(plan.pr()).isNull();
            assertThat(plan.deploys()).isEmpty();
        }
    }

    @Test
    void stillSoakingSaysHowLongRemains() {
        List<ClusterToolState> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(3600 * 20)),
                obs("prod-eu-1", "prod", "6.12.0", true, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", tool(true, false), List.of("staging", "prod"), o,
                Map.of("staging", NOW.minusSeconds(3600 * 30)), null, List.of(), false), CLOCK);
        assertThat(plan.failedGates()).singleElement().satisfies(g ->
                assertThat(g.reason()).startsWith("still soaking: 2d 4h remaining (20h of 72h"));
    }

    @Test
    void deploysOnlyWhereTheCandidateIsNotRunningAndSubstitutesParameters() {
        List<ClusterToolState> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(3600 * 100)),
                obs("prod-eu-1", "prod", "6.16.0", true, NOW.minusSeconds(60)),
                obs("prod-us-1", "prod", "6.12.0", true, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", tool(false, true), List.of("staging", "prod"), o,
                Map.of(), null, List.of(), false), CLOCK);
        assertThat(plan.decision()).isEqualTo(Decision.PROMOTE);
        assertThat(plan.pr()).isNull();
        assertThat(plan.deploys()).singleElement().satisfies(d -> {
            assertThat(d.cluster()).isEqualTo("prod-us-1");
            assertThat(d.job()).isEqualTo("platform/deploy-addon");
            assertThat(d.parameters()).containsEntry("CLUSTER", "prod-us-1").containsEntry("VERSION", "6.16.0")
                    .containsEntry("ADDON", "loki");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            all prod clusters run it healthy | 6.16.0 | true  | 6.16.0 | true  | VERIFIED
            one prod cluster still old       | 6.16.0 | true  | 6.12.0 | true  | IN_PROGRESS
            one prod cluster unhealthy       | 6.16.0 | false | 6.16.0 | true  | FAILED
            """)
    void laterRunsVerifyProd(String name, String euV, boolean euH, String usV, boolean usH, Outcome expected) {
        ToolSpec converged = new ToolSpec(new ToolSpec.Chart(null, "loki"), null, "monitoring", null,
                Map.of("staging", "6.16.0", "prod", "6.16.0"), "72h", List.of(), null);
        List<ClusterToolState> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, null),
                obs("prod-eu-1", "prod", euV, euH, null), obs("prod-us-1", "prod", usV, usH, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", converged, List.of("staging", "prod"), o, Map.of(),
                new Promotion("6.16.0", "prod", NOW.minusSeconds(86400), false), List.of(), false), CLOCK);
        assertThat(plan.decision()).isEqualTo(Decision.NOTHING_TO_PROMOTE);
        assertThat(plan.outcome()).isEqualTo(expected);
        assertThat(plan.actions()).isEmpty();
    }

    @Test
    void threeEnvironmentsPromoteTheOneClosestToProdFirst() {
        ToolSpec three = new ToolSpec(new ToolSpec.Chart(null, "loki"), null, "monitoring", null,
                Map.of("dev", "3", "staging", "2", "prod", "1"), "1h", List.of(), null);
        List<ClusterToolState> o = new ArrayList<>(List.of(obs("dev-1", "dev", "3", true, null),
                obs("staging-1", "staging", "2", true, NOW.minusSeconds(7200)), obs("prod-1", "prod", "1", true, null)));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", three, List.of("dev", "staging", "prod"), o,
                Map.of(), null, List.of(), false), CLOCK);
        assertThat(plan.candidate()).isEqualTo(new PromotionPlanner.Candidate("staging", "prod", "2", "1"));
    }

    @Test
    void nothingToPromoteWhenVersionsAgree() {
        ToolSpec same = new ToolSpec(null, "img", "ns", null, Map.of("staging", "1", "prod", "1"), "1h", List.of(), null);
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("x", same, List.of("staging", "prod"), List.of(), Map.of(),
                null, List.of(), false), CLOCK);
        assertThat(plan.decision()).isEqualTo(Decision.NOTHING_TO_PROMOTE);
        assertThat(plan.candidate()).isNull();
    }

    /**
     * The candidate is the higher version only (SemVer 2.0.0 precedence, https://semver.org/#spec-item-11): prod on a
     * 6.16.0 hotfix with staging on 6.12.0 is never "promoted" down; it and anything that is not SemVer need a human.
     */
    @ParameterizedTest(name = "staging {0}, prod {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            6.16.0       | 6.12.0       | PROMOTE     | -
            6.12.0       | 6.16.0       | NEEDS_HUMAN | prod is ahead of staging (6.16.0 > 6.12.0): promote never proposes a lower version
            6.10.0       | 6.9.0        | PROMOTE     | -
            6.9.0        | 6.10.0       | NEEDS_HUMAN | prod is ahead of staging (6.10.0 > 6.9.0)
            6.16.0       | 6.16.0-rc.1  | PROMOTE     | -
            6.16.0-rc.1  | 6.16.0       | NEEDS_HUMAN | prod is ahead of staging (6.16.0 > 6.16.0-rc.1)
            6.16.0-rc.2  | 6.16.0-rc.1  | PROMOTE     | -
            1.0.0-beta.11 | 1.0.0-beta.2 | PROMOTE    | -
            6.16.0+b2    | 6.16.0+b1    | NEEDS_HUMAN | differ only in build metadata
            latest       | 6.12.0       | NEEDS_HUMAN | staging wants "latest", not a SemVer 2.0.0 version
            6.16.0       | 2024-06-01   | NEEDS_HUMAN | prod wants "2024-06-01", not a SemVer 2.0.0 version
            """)
    void neverProposesALowerVersion(String staging, String prod, Decision expected, String reason) {
        ToolSpec spec = new ToolSpec(new ToolSpec.Chart(null, "loki"), null, "monitoring", null,
                Map.of("staging", staging, "prod", prod), "1h", List.of(),
                new ToolSpec.Deploy(new ToolSpec.PullRequest("tools/loki.yaml", "spec.versions.{environment}"), null));
        List<ClusterToolState> o = List.of(obs("staging-1", "staging", staging, true, NOW.minusSeconds(86400)),
                obs("prod-1", "prod", prod, true, NOW.minusSeconds(86400)));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", spec, List.of("staging", "prod"), o, Map.of(), null,
                List.of(), false), CLOCK);
        assertThat(plan.decision()).isEqualTo(expected);
        if (expected == Decision.NEEDS_HUMAN) {
            assertThat(plan.pr()).isNull();
            assertThat(plan.gates()).singleElement().satisfies(g -> {
                assertThat(g.name()).isEqualTo("version-order");
                assertThat(g.reason()).contains(reason);
            });
            assertThat(plan.actions()).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
                assertThat(a.reason()).startsWith("needs a human: ");
            });
        } else {
            assertThat(plan.pr().version()).isEqualTo(staging);
        }
    }

    static HealthHistory.Span span(Instant from, Instant to, String cluster, String version, boolean healthy) {
        return new HealthHistory.Span(from, to, 1, Map.of(cluster, new HealthHistory.ClusterSample(version, healthy,
                healthy ? null : "StatefulSet/loki: CrashLoopBackOff: loki-0")));
    }

    /** Soak = time healthy: an unhealthy sample restarts the clock at the next healthy sample. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            healthy in every sample              | -  | -  | PROMOTE | soaked 4d
            unhealthy 10h ago, healthy since 9h  | 10 | 9  | REFUSED | still soaking: 2d 15h remaining
            unhealthy 80h ago, healthy since 79h | 80 | 79 | PROMOTE | soaked 3d 7h
            """)
    void anUnhealthySampleRestartsTheSoak(String name, Integer badHoursAgo, Integer goodHoursAgo, Decision expected, String reason) {
        List<HealthHistory.Span> history = new ArrayList<>();
        Instant start = NOW.minusSeconds(100 * 3600);
        if (badHoursAgo == null) {
            history.add(span(start, NOW, "staging-eu-1", "6.16.0", true));
        } else {
            history.add(span(start, NOW.minusSeconds((badHoursAgo + 1) * 3600L), "staging-eu-1", "6.16.0", true));
            history.add(span(NOW.minusSeconds(badHoursAgo * 3600L), NOW.minusSeconds(badHoursAgo * 3600L), "staging-eu-1", "6.16.0", false));
            history.add(span(NOW.minusSeconds(goodHoursAgo * 3600L), NOW, "staging-eu-1", "6.16.0", true));
        }
        List<ClusterToolState> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(100 * 3600)),
                obs("prod-eu-1", "prod", "6.12.0", true, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", tool(true, false), List.of("staging", "prod"), o,
                Map.of("staging", NOW.minusSeconds(100 * 3600)), Map.of(), Map.of("staging", history), Map.of(), null,
                List.of(), false), CLOCK);
        assertThat(plan.decision()).isEqualTo(expected);
        assertThat(plan.gates()).filteredOn(g -> g.name().equals("soak")).singleElement()
                .satisfies(g -> assertThat(g.reason()).startsWith(reason));
    }

    static Promotion merged(Map<String, Instant> deployedAt) {
        return new Promotion("6.16.0", "prod", NOW.minusSeconds(86400), false, deployedAt);
    }

    static ToolSpec converged(boolean pr, String progressDeadline) {
        ToolSpec t = tool(pr, true);
        return new ToolSpec(t.chart(), null, t.namespace(), null, Map.of("staging", "6.16.0", "prod", "6.16.0"), "72h",
                t.healthChecks(), new ToolSpec.Deploy(t.deploy().pullRequest(), new ToolSpec.JenkinsJob("platform/deploy-addon",
                Map.of("CLUSTER", "{cluster}", "VERSION", "{version}", "COMMIT", "{commit}"))), progressDeadline, "6h", null);
    }

    /**
     * Deploy only what was merged: the PR's version is in git (prod wants 6.16.0 at HEAD) → the deploys carry the
     * merge commit, wave by wave (Cluster label promotion.wave), each wave soaking waveSoak before the next.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            merged, nothing deployed yet            | 6.12.0 | 6.12.0 | 6.12.0 | -  | prod-canary-1         | wave 1 (prod-eu-1, prod-us-1) waits for wave 0 (prod-canary-1) to run 6.16.0 healthy for 6h
            canary runs it 2h: wave 1 waits         | 6.16.0 | 6.12.0 | 6.12.0 | 2  | -                     | wave 0 (prod-canary-1) runs 6.16.0 healthy, soaking: 4h remaining of 6h
            canary soaked 7h: wave 1 deploys        | 6.16.0 | 6.12.0 | 6.12.0 | 7  | prod-eu-1,prod-us-1   | wave 0 (prod-canary-1) runs 6.16.0 healthy and soaked 6h
            one wave-1 cluster done: the other only | 6.16.0 | 6.16.0 | 6.12.0 | 7  | prod-us-1             | trigger platform/deploy-addon for wave 1 (prod-eu-1, prod-us-1)
            """)
    void deploysTheMergeCommitWaveByWave(String name, String canary, String eu, String us, Integer canaryHours,
                                          String expectedDeploys, String sequenceLine) {
        Instant canaryAt = canaryHours == null ? null : NOW.minusSeconds(canaryHours * 3600L);
        List<ClusterToolState> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(400000)),
                obs("prod-canary-1", "prod", canary, true, canaryAt),
                obs("prod-eu-1", "prod", eu, true, null), obs("prod-us-1", "prod", us, true, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", converged(true, null), List.of("staging", "prod"), o,
                Map.of("prod", NOW.minusSeconds(3 * 3600)), Map.of("prod", "abc123def4567890"), Map.of(),
                Map.of("prod-canary-1", 0, "prod-eu-1", 1, "prod-us-1", 1), merged(Map.of()), List.of(), false), CLOCK);
        assertThat(plan.outcome()).isEqualTo(Outcome.IN_PROGRESS);
        assertThat(plan.deploys()).extracting(PromotionPlanner.DeployStep::cluster)
                .containsExactlyElementsOf(expectedDeploys == null ? List.of() : List.of(expectedDeploys.split(",")));
        assertThat(plan.deploys()).allSatisfy(d -> assertThat(d.parameters()).containsEntry("COMMIT", "abc123def4567890"));
        assertThat(plan.sequence()).contains(sequenceLine);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            PR open, not merged: no deploy, no deadline  | false | -  | 6.12.0 | WAITING_FOR_MERGE
            merged 1h ago, deploy triggered 1h ago       | true  | 1  | 6.12.0 | IN_PROGRESS
            deploy triggered 3h ago, still old           | true  | 3  | 6.12.0 | FAILED
            deploy triggered 3h ago, deadline 4h         | true  | 3  | 6.12.0 | IN_PROGRESS
            deploy triggered 3h ago, runs it healthy     | true  | 3  | 6.16.0 | VERIFIED
            """)
    void progressDeadline(String name, boolean merged, Integer deployedHoursAgo, String prodVersion, Outcome expected) {
        ToolSpec spec = converged(true, name.contains("deadline 4h") ? "4h" : null);
        if (!merged) spec = new ToolSpec(spec.chart(), null, spec.namespace(), null, Map.of("staging", "6.16.0", "prod", "6.12.0"),
                spec.soak(), spec.healthChecks(), spec.deploy(), null, null, null);
        List<ClusterToolState> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(400000)),
                obs("prod-eu-1", "prod", prodVersion, true, null));
        Map<String, Instant> deployed = deployedHoursAgo == null ? Map.of() : Map.of("prod-eu-1", NOW.minusSeconds(deployedHoursAgo * 3600L));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", spec, List.of("staging", "prod"), o,
                Map.of("prod", NOW.minusSeconds(5 * 3600)), Map.of("prod", "abc"), Map.of(), Map.of(),
                new Promotion("6.16.0", "prod", NOW.minusSeconds(6 * 3600), false, deployed), List.of(), false), CLOCK);
        assertThat(plan.outcome()).isEqualTo(expected);
        if (expected == Outcome.FAILED) {
            assertThat(plan.outcomeDetail()).isEqualTo("6.16.0 on prod did not run within the progress deadline 2h: "
                    + "prod-eu-1 (deploy triggered 2026-11-24T07:00:00Z)");
        }
        if (expected == Outcome.WAITING_FOR_MERGE) assertThat(plan.deploys()).isEmpty();
    }

    @Test
    void mergedDeploysAreHeldByTheKillSwitchAndFreezeWindows() {
        List<ClusterToolState> o = List.of(obs("prod-eu-1", "prod", "6.12.0", true, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", converged(true, null), List.of("staging", "prod"), o,
                Map.of("prod", NOW.minusSeconds(600)), Map.of("prod", "abc"), Map.of(), Map.of(), merged(Map.of()),
                List.of(new FreezeWindow("year-end", false, i -> true, "on")), false), CLOCK);
        assertThat(plan.deploys()).isEmpty();
        assertThat(plan.actions()).singleElement().satisfies(a -> {
            assertThat(a.verb()).isEqualTo("trigger-deploy");
            assertThat(a.status()).isEqualTo(Action.Status.SKIPPED);
            assertThat(a.reason()).startsWith("refused: freeze-window: inside Deny window year-end");
        });
    }
}
