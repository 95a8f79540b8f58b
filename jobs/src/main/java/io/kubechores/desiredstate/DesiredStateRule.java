package io.kubechores.desiredstate;

import java.util.List;

/**
 * A semantic rule checked after schema validation and the built-in cross-file rules, before any job runs
 * (e.g. downscale schedules parse, right-sizing sources exist). Jobs contribute them as Spring beans.
 */
@FunctionalInterface
public interface DesiredStateRule {
    /** Adds a Problem (with the exact location, see {@link Resource#locationOf}) for every violation. */
    void check(DesiredState state, List<Problem> problems);
}
