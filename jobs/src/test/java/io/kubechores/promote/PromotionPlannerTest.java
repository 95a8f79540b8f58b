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

    static ClusterObservation obs(String cluster, String env, String version, boolean healthy, Instant since) {
        return new ClusterObservation(cluster, env, version, "helm release loki revision 2", healthy,
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
        List<ClusterObservation> o = List.of(
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
        List<ClusterObservation> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(3600 * 20)),
                obs("prod-eu-1", "prod", "6.12.0", true, null));
        ToolPlan plan = PromotionPlanner.plan(new ToolInput("loki", tool(true, false), List.of("staging", "prod"), o,
                Map.of("staging", NOW.minusSeconds(3600 * 30)), null, List.of(), false), CLOCK);
        assertThat(plan.failedGates()).singleElement().satisfies(g ->
                assertThat(g.reason()).startsWith("still soaking: 2d 4h remaining (20h of 72h"));
    }

    @Test
    void deploysOnlyWhereTheCandidateIsNotRunningAndSubstitutesParameters() {
        List<ClusterObservation> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, NOW.minusSeconds(3600 * 100)),
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
        List<ClusterObservation> o = List.of(obs("staging-eu-1", "staging", "6.16.0", true, null),
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
        List<ClusterObservation> o = new ArrayList<>(List.of(obs("dev-1", "dev", "3", true, null),
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
}
