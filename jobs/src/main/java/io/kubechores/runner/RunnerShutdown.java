package io.kubechores.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * SIGTERM in {@code serve}: before Quartz waits for its running jobs (waitForJobsToCompleteOnShutdown), every run in
 * flight is stopped (no further mutation; partitions still running are FAILED "stopped: runner shutting down"), so
 * each ends through its finish step and is recorded in the job history, and the wait is short instead of unbounded.
 * Stopped first (highest phase).
 */
@Component
@Profile("serve")
public class RunnerShutdown implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RunnerShutdown.class);
    private final BatchChoreLauncher launcher;
    private volatile boolean running;

    public RunnerShutdown(BatchChoreLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        int n = launcher.inFlight();
        if (n > 0) log.warn("runner shutting down: stopping {} run(s) in flight", n);
        launcher.stopAll("runner " + RunnerIdentity.id() + " shutting down (SIGTERM)");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
