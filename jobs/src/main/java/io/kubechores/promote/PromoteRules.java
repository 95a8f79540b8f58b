package io.kubechores.promote;

import io.kubechores.core.Durations;
import io.kubechores.core.schedule.Schedule;
import io.kubechores.desiredstate.ClusterSpec;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.FleetSpec;
import io.kubechores.desiredstate.Problem;
import io.kubechores.desiredstate.SafePaths;
import io.kubechores.desiredstate.Resource;
import io.kubechores.desiredstate.ToolSpec;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What promote needs beyond the schemas, checked before any job runs:
 * <ul>
 *   <li>Fleet freeze windows: a recurring schedule parses in the shared grammar; an absolute window has start and
 *   end, end after start;</li>
 *   <li>Cluster: a promotion.wave label or annotation is a number 0-99;</li>
 *   <li>Tool: with both pullRequest and jenkins a build parameter passes {commit} (the deploys follow the merge);
 *   deploy.pullRequest.file exists and holds deploy.pullRequest.path for every environment of
 *   spec.versions (else the promotion PR could not be written); the running version can be read (a chart, or a
 *   health-check workload for image / label versions); soak, progressDeadline and waveSoak parse.</li>
 * </ul>
 */
@Component
public class PromoteRules implements DesiredStateRule {
    @Override
    public void check(DesiredState state, List<Problem> problems) {
        Resource<FleetSpec> fleet = state.fleet();
        ZoneId zone;
        try {
            zone = ZoneId.of(fleet.spec().timeZone());
        } catch (RuntimeException e) {
            zone = ZoneId.of("UTC"); // reported by the cross-file rules
        }
        List<FleetSpec.FreezeWindow> windows = fleet.spec().freezeWindows();
        for (int i = 0; i < windows.size(); i++) {
            FleetSpec.FreezeWindow w = windows.get(i);
            String at = "/spec/freezeWindows/" + i;
            String field = "spec.freezeWindows[" + i + "]";
            if (w.schedule() != null) {
                if (w.start() != null || w.end() != null) {
                    problems.add(new Problem(fleet.locationOf(at), field, "give either schedule or start/end, not both"));
                }
                try {
                    Schedule.parse(w.schedule(), zone);
                } catch (RuntimeException e) {
                    problems.add(new Problem(fleet.locationOf(at + "/schedule#value"), field + ".schedule", e.getMessage()));
                }
            } else if (w.start() == null || w.end() == null) {
                problems.add(new Problem(fleet.locationOf(at), field, "a freeze window needs a schedule or both start and end"));
            } else {
                try {
                    if (!LocalDateTime.parse(w.end()).isAfter(LocalDateTime.parse(w.start()))) {
                        problems.add(new Problem(fleet.locationOf(at + "/end#value"), field + ".end",
                                "end " + w.end() + " is not after start " + w.start()));
                    }
                } catch (DateTimeParseException e) {
                    problems.add(new Problem(fleet.locationOf(at), field, "not a local date-time: " + e.getParsedString()));
                }
            }
        }

        for (Resource<ClusterSpec> c : state.clusters()) {
            for (String where : List.of("labels", "annotations")) {
                String v = ("labels".equals(where) ? c.metadata().labels() : c.metadata().annotations())
                        .get(PromotionPlanner.WAVE_LABEL);
                if (v != null && !v.trim().matches("\\d{1,2}")) {
                    problems.add(new Problem(c.locationOf("/metadata/" + where + "/" + PromotionPlanner.WAVE_LABEL + "#value"),
                            "metadata." + where + "." + PromotionPlanner.WAVE_LABEL,
                            "a promotion wave is a number 0-99 (0 deploys first), not \"" + v + "\""));
                }
            }
        }

        for (Resource<ToolSpec> t : state.tools()) {
            ToolSpec s = t.spec();
            for (String[] d : new String[][]{{"soak", s.soak()}, {"progressDeadline", s.progressDeadline()}, {"waveSoak", s.waveSoak()}}) {
                try {
                    Durations.parse(d[1]);
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(t.locationOf("/spec/" + d[0] + "#value"), "spec." + d[0], e.getMessage()));
                }
            }
            if (s.deploy() != null && s.deploy().pullRequest() != null && s.deploy().jenkins() != null
                    && s.deploy().jenkins().parameters().values().stream().noneMatch(v -> v.contains("{commit}"))) {
                problems.add(new Problem(t.locationOf("/spec/deploy/jenkins"), "spec.deploy.jenkins.parameters",
                        "with pullRequest the Jenkins deploys run after the PR merged: pass the merge commit, "
                                + "e.g. COMMIT: \"{commit}\", so Jenkins deploys exactly what was merged"));
            }
            if (s.chart() == null && s.healthChecks().isEmpty()) {
                problems.add(new Problem(t.locationOf("/spec"), "spec.healthChecks",
                        "without a chart the running version is read from the health-check workloads (image tag or "
                                + "app.kubernetes.io/version): add at least one health check"));
            }
            if (s.deploy() != null && s.deploy().pullRequest() != null) {
                ToolSpec.PullRequest pr = s.deploy().pullRequest();
                Path file;
                try {
                    file = SafePaths.file(state.root(), pr.file());
                } catch (SafePaths.UnsafePathException e) {
                    problems.add(new Problem(t.locationOf("/spec/deploy/pullRequest/file#value"),
                            "spec.deploy.pullRequest.file", e.reason().equals("no such file in the repo")
                            ? "no file " + pr.file() + " in the repo" : pr.file() + ": refused: " + e.reason()));
                    continue;
                }
                String content;
                try {
                    content = Files.readString(file);
                } catch (IOException e) {
                    problems.add(new Problem(t.locationOf("/spec/deploy/pullRequest/file#value"),
                            "spec.deploy.pullRequest.file", "cannot read " + pr.file()));
                    continue;
                }
                for (String env : s.versions().keySet()) {
                    String path = pr.path().replace("{environment}", env);
                    try {
                        YamlScalarEdit.replace(content, "Tool", t.name(), path, s.versions().get(env));
                    } catch (RuntimeException e) {
                        try {
                            YamlScalarEdit.replace(content, null, null, path, s.versions().get(env));
                        } catch (RuntimeException e2) {
                            problems.add(new Problem(t.locationOf("/spec/deploy/pullRequest/path#value"),
                                    "spec.deploy.pullRequest.path", path + " not found in " + pr.file()));
                        }
                    }
                }
            }
        }
    }
}
