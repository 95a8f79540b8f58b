package io.kubechores.runner;

import io.kubechores.desiredstate.DesiredState;

/** Where a run's desired state comes from: checks out (or reads) the repo, then loads and validates it. */
public interface DesiredStateSource {
    /**
     * @param repo git URL or local folder
     * @param ref  branch, tag or commit (null = default)
     * @throws io.kubechores.desiredstate.InvalidDesiredStateException listing every problem
     */
    Loaded load(String repo, String ref);

    /**
     * @param state     the validated state
     * @param remoteUrl git URL bot branches are pushed to (null for a plain folder that is no git clone)
     */
    record Loaded(DesiredState state, String remoteUrl) { }
}
