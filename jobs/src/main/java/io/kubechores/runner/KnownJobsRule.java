package io.kubechores.runner;

import io.kubechores.core.Chore;
import io.kubechores.desiredstate.DesiredState;
import io.kubechores.desiredstate.DesiredStateRule;
import io.kubechores.desiredstate.Problem;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.TreeSet;

/** fleet.yaml spec.jobs may only name jobs this build has (a typo would silently disable a kill switch). */
@Component
public class KnownJobsRule implements DesiredStateRule {
    private final TreeSet<String> known = new TreeSet<>();

    /** The chores of DESIGN.md; plus any other Chore bean. */
    static final List<String> STANDARD = List.of("downscale", "rightsize", "quotas", "certs", "promote");

    public KnownJobsRule(List<Chore> chores) {
        known.addAll(STANDARD);
        chores.forEach(c -> known.add(c.name()));
    }

    @Override
    public void check(DesiredState state, List<Problem> problems) {
        for (String job : state.fleetSpec().jobs().keySet()) {
            if (!known.contains(job)) {
                problems.add(new Problem(state.fleet().locationOf("/spec/jobs/" + job), "spec.jobs." + job,
                        "unknown job '" + job + "' (jobs: " + String.join(", ", known) + ")"));
            }
        }
    }
}
